#include "consumer/stream_url.h"

#include <array>

#include "base/time_format.h"

namespace sluice::consumer {

namespace {

// Both dialects' names are removed whatever the dialect: a URL the user copied from the other
// API must not end up asking for two replays at once.
constexpr std::array<std::string_view, 6> kReplayParameters = {
    "backfillMinutes", "startTime", "endTime", "backfill_minutes", "start_time", "end_time"};

bool IsReplayParameter(std::string_view pair) {
  const std::string_view name = pair.substr(0, pair.find('='));
  for (const std::string_view replay : kReplayParameters) {
    if (name == replay) return true;
  }
  return false;
}

std::string WithParameters(std::string_view url, std::string_view added) {
  std::string out = WithoutReplayParameters(url);
  if (added.empty()) return out;
  // A fragment never reaches the server; the stream URLs have none, so it is simply kept last.
  const size_t hash = out.find('#');
  const std::string fragment = hash == std::string::npos ? "" : out.substr(hash);
  if (hash != std::string::npos) out.resize(hash);
  out += out.find('?') == std::string::npos ? '?' : '&';
  out.append(added);
  return out + fragment;
}

}  // namespace

std::string WithoutReplayParameters(std::string_view url) {
  const size_t hash = url.find('#');
  const std::string_view fragment = hash == std::string_view::npos ? "" : url.substr(hash);
  if (hash != std::string_view::npos) url = url.substr(0, hash);
  const size_t question = url.find('?');
  if (question == std::string_view::npos) return std::string(url) + std::string(fragment);

  std::string out(url.substr(0, question));
  std::string_view query = url.substr(question + 1);
  bool first = true;
  while (true) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    if (!pair.empty() && !IsReplayParameter(pair)) {
      out += first ? '?' : '&';
      out.append(pair);
      first = false;
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return out + std::string(fragment);
}

std::string WithBackfill(std::string_view url, Dialect dialect, int minutes) {
  if (minutes <= 0) return WithoutReplayParameters(url);
  const std::string_view name = dialect == Dialect::kV2 ? "backfill_minutes" : "backfillMinutes";
  return WithParameters(url, std::string(name) + "=" + std::to_string(minutes));
}

std::string WithRecovery(std::string_view url, Dialect dialect, TimeInterval range) {
  const bool v2 = dialect == Dialect::kV2;
  const std::string added = std::string(v2 ? "start_time=" : "startTime=") +
                            FormatIsoMs(range.begin_ms) + (v2 ? "&end_time=" : "&endTime=") +
                            FormatIsoMs(range.end_ms);
  return WithParameters(url, added);
}

int64_t DefaultRecoveryWindowMs(std::string_view url) {
  const std::string_view path = url.substr(0, url.find('?'));
  if (path.find("/stream/sample10/") != std::string_view::npos ||
      path.find("/2/tweets/sample10/") != std::string_view::npos) {
    return kDecahoseRecoveryWindowMs;
  }
  return kPowerTrackRecoveryWindowMs;
}

}  // namespace sluice::consumer
