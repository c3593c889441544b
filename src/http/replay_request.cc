#include "http/replay_request.h"

#include <string>

#include "base/time_format.h"

namespace sluice {
namespace {

std::string Excerpt(std::string_view text) { return std::string(text.substr(0, 64)); }

// "24 hours", "5 days", "90 minutes": the window as a person would say it.
std::string DescribeWindow(int64_t ms) {
  constexpr int64_t kMinute = 60'000, kHour = 60 * kMinute, kDay = 24 * kHour;
  if (ms % kDay == 0 && ms / kDay > 1) return std::to_string(ms / kDay) + " days";
  if (ms % kHour == 0) return std::to_string(ms / kHour) + (ms == kHour ? " hour" : " hours");
  if (ms % kMinute == 0) return std::to_string(ms / kMinute) + " minutes";
  return std::to_string(ms) + " ms";
}

Result<int64_t> ParseTimeParam(std::string_view name, std::string_view value) {
  Result<int64_t> t = ParseIsoTime(value);
  if (!t.ok()) {
    return Status::InvalidArgument("Invalid " + std::string(name) + ": " + t.status().message() +
                                   ".");
  }
  return t;
}

}  // namespace

Result<ReplayRequest> ParseReplayRequest(const QueryParams& query, const StreamConfig& stream,
                                         int64_t now_ms, const archive::ArchiveBounds& bounds) {
  const auto backfill = query.find("backfillMinutes");
  const auto start = query.find("startTime");
  const auto end = query.find("endTime");
  ReplayRequest request;
  if (backfill != query.end()) {
    if (start != query.end() || end != query.end()) {
      return Status::InvalidArgument(
          "backfillMinutes cannot be combined with startTime or endTime: reconnect with "
          "backfillMinutes, or ask for a recovery with startTime and endTime.");
    }
    const std::string& v = backfill->second;
    const bool digit = v.size() == 1 && v[0] >= '1' && v[0] <= '0' + kMaxBackfillMinutes;
    if (!digit) {
      return Status::InvalidArgument("Invalid backfillMinutes '" + Excerpt(v) +
                                     "': must be an integer from 1 to " +
                                     std::to_string(kMaxBackfillMinutes) + ".");
    }
    if (!stream.backfill) {
      return Status::InvalidArgument(
          "backfillMinutes is not available: backfill is not enabled "
          "for stream '" +
          stream.label + "'.");
    }
    request.kind = ReplayRequest::Kind::kBackfill;
    request.backfill_minutes = v[0] - '0';
    return request;
  }
  if (start == query.end()) {
    if (end != query.end()) {
      return Status::InvalidArgument(
          "endTime requires startTime: a recovery request names the "
          "start of its range.");
    }
    return request;
  }
  Result<int64_t> start_ms = ParseTimeParam("startTime", start->second);
  if (!start_ms.ok()) return start_ms.status();
  int64_t end_ms = now_ms;
  if (end != query.end()) {
    Result<int64_t> parsed = ParseTimeParam("endTime", end->second);
    if (!parsed.ok()) return parsed.status();
    end_ms = *parsed;
    if (end_ms > now_ms) {
      return Status::InvalidArgument("endTime " + FormatIsoMs(end_ms) + " is in the future (now " +
                                     FormatIsoMs(now_ms) + ").");
    }
  }
  if (*start_ms >= end_ms) {
    return Status::InvalidArgument("startTime " + FormatIsoMs(*start_ms) +
                                   " must be before endTime " + FormatIsoMs(end_ms) + ".");
  }
  const int64_t window = RecoveryWindowMs(stream);
  if (*start_ms < now_ms - window) {
    return Status::InvalidArgument("startTime " + FormatIsoMs(*start_ms) +
                                   " is outside the recovery window of stream '" + stream.label +
                                   "': it must be within the last " + DescribeWindow(window) +
                                   " (no earlier than " + FormatIsoMs(now_ms - window) + ").");
  }
  // Refuse, don't clamp (REFERENCES.md): a client must learn that part of its range is gone.
  if (bounds.deleted_through_ms != 0 && *start_ms <= bounds.deleted_through_ms) {
    return Status::InvalidArgument(
        "startTime " + FormatIsoMs(*start_ms) +
        " is in a range the archive no longer holds: retention deleted posts up to " +
        FormatIsoMs(bounds.deleted_through_ms) + "; ask for a later startTime.");
  }
  request.kind = ReplayRequest::Kind::kRecovery;
  request.start_ms = *start_ms;
  request.end_ms = end_ms;
  return request;
}

}  // namespace sluice
