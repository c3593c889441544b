#include "http/usage_request.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <optional>

#include "base/json_escape.h"
#include "base/time_format.h"

namespace sluice {
namespace {

constexpr size_t kDateDigits = 12;
// How much of a rejected value an error message repeats.
constexpr size_t kMaxEchoedChars = 40;

// The value as an error message may show it: short, printable ASCII only, so a hostile value
// cannot make the JSON error body invalid or unreadable.
std::string Echo(std::string_view value) {
  std::string out;
  for (const char c : value.substr(0, kMaxEchoedChars)) {
    out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
  }
  if (value.size() > kMaxEchoedChars) out += "...";
  return out;
}

int Digits(std::string_view text, size_t pos, size_t count) {
  int value = 0;
  for (size_t i = pos; i < pos + count; ++i) value = value * 10 + (text[i] - '0');
  return value;
}

// Parses YYYYMMDDHHMM into the start of its hour (minutes are validated, then dropped).
Result<int64_t> ParseUsageDate(std::string_view name, std::string_view value) {
  const std::string bad =
      std::string(name) + " '" + Echo(value) + "' is not a UTC time of the form YYYYMMDDHHMM";
  if (value.size() != kDateDigits ||
      !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return Status::InvalidArgument(bad);
  }
  using namespace std::chrono;
  const year_month_day date{year{Digits(value, 0, 4)}, month{unsigned(Digits(value, 4, 2))},
                            day{unsigned(Digits(value, 6, 2))}};
  if (!date.ok()) return Status::InvalidArgument(bad + " (no such date)");
  const int hour = Digits(value, 8, 2);
  if (hour > 23) return Status::InvalidArgument(bad + " (hour above 23)");
  if (Digits(value, 10, 2) > 59) return Status::InvalidArgument(bad + " (minute above 59)");
  return duration_cast<milliseconds>(sys_days{date}.time_since_epoch() + hours{hour}).count();
}

Result<std::optional<int64_t>> OptionalDate(const QueryParams& query, std::string_view name) {
  const auto it = query.find(name);
  if (it == query.end()) return std::optional<int64_t>();
  auto parsed = ParseUsageDate(name, it->second);
  if (!parsed.ok()) return parsed.status();
  return std::optional<int64_t>(*parsed);
}

void AppendUsed(std::string& out, const std::map<int64_t, uint64_t>& hours) {
  out += "\"used\":[";
  bool first = true;
  for (const auto& [hour_ms, posts] : hours) {
    if (!first) out += ',';
    first = false;
    out += "{\"timePeriod\":\"" + FormatUsageDate(hour_ms) +
           "\",\"activities\":" + std::to_string(posts) + "}";
  }
  out += ']';
}

uint64_t Total(const std::map<int64_t, uint64_t>& hours) {
  uint64_t total = 0;
  for (const auto& [hour_ms, posts] : hours) total += posts;
  return total;
}

}  // namespace

std::string FormatUsageDate(int64_t unix_ms) {
  using namespace std::chrono;
  const sys_time<milliseconds> time{milliseconds{unix_ms}};
  const auto day_start = floor<days>(time);
  const year_month_day date{day_start};
  const hh_mm_ss clock{floor<minutes>(time - day_start)};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%02u%02u%02d%02d", int(date.year()), unsigned(date.month()),
                unsigned(date.day()), int(clock.hours().count()), int(clock.minutes().count()));
  return buf;
}

Result<UsageQuery> ParseUsageQuery(const QueryParams& query, int64_t now_ms) {
  if (const auto bucket = query.find("bucket"); bucket != query.end() && bucket->second != "hour") {
    return Status::InvalidArgument("bucket '" + Echo(bucket->second) +
                                   "' is not supported (only 'hour')");
  }
  auto from = OptionalDate(query, "fromDate");
  if (!from.ok()) return from.status();
  auto to = OptionalDate(query, "toDate");
  if (!to.ok()) return to.status();
  UsageQuery result;
  result.to_ms = to->value_or(UtcHourStartMs(now_ms) + kHourMs);
  result.from_ms = from->value_or(result.to_ms - kDayMs);
  if (result.from_ms >= result.to_ms) {
    return Status::InvalidArgument("fromDate (" + FormatUsageDate(result.from_ms) +
                                   ") must be before toDate (" + FormatUsageDate(result.to_ms) +
                                   "); both are truncated to the hour");
  }
  if (result.to_ms - result.from_ms > kMaxUsageRangeMs) {
    return Status::InvalidArgument("fromDate (" + FormatUsageDate(result.from_ms) +
                                   ") to toDate (" + FormatUsageDate(result.to_ms) + ") spans " +
                                   std::to_string((result.to_ms - result.from_ms) / kHourMs) +
                                   " hours; at most " + std::to_string(kMaxUsageRangeMs / kHourMs) +
                                   " (31 days) at once");
  }
  return result;
}

std::string RenderUsage(std::string_view account, const UsageQuery& query,
                        const std::vector<StreamUsageRows>& streams, int64_t now_ms) {
  std::vector<const StreamUsageRows*> ordered;
  ordered.reserve(streams.size());
  for (const StreamUsageRows& stream : streams) ordered.push_back(&stream);
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const auto* a, const auto* b) { return a->label < b->label; });

  // Rows outside the query or zero are dropped here too, so the body never contradicts the
  // query it echoes whatever the caller passed.
  std::vector<std::map<int64_t, uint64_t>> per_stream(ordered.size());
  std::map<int64_t, uint64_t> publisher;
  for (size_t i = 0; i < ordered.size(); ++i) {
    for (const UsageLedger::HourCount& row : ordered[i]->hours) {
      if (row.posts == 0 || row.hour_ms < query.from_ms || row.hour_ms >= query.to_ms) continue;
      per_stream[i][row.hour_ms] += row.posts;
      publisher[row.hour_ms] += row.posts;
    }
  }

  std::string out = "{\"account\":{\"name\":\"";
  AppendJsonEscaped(out, account, false);
  out += "\"},\"bucket\":\"hour\",\"fromDate\":\"" + FormatUsageDate(query.from_ms) +
         "\",\"toDate\":\"" + FormatUsageDate(query.to_ms) +
         "\",\"publishers\":[{\"type\":\"twitter\",\"activities\":" +
         std::to_string(Total(publisher)) + ",";
  AppendUsed(out, publisher);
  out += ",\"streams\":[";
  for (size_t i = 0; i < ordered.size(); ++i) {
    if (i > 0) out += ',';
    out += "{\"name\":\"";
    AppendJsonEscaped(out, ordered[i]->label, false);
    out += "\",\"type\":\"";
    AppendJsonEscaped(out, ordered[i]->kind, false);
    out += "\",\"activities\":" + std::to_string(Total(per_stream[i])) + ",";
    AppendUsed(out, per_stream[i]);
    out += '}';
  }
  out += "]}],\"sent\":\"" + FormatIsoMs(now_ms) + "\"}";
  return out;
}

}  // namespace sluice
