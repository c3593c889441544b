// The usage endpoint of the enterprise dialect (docs/usage.md):
//   GET /metrics/usage/accounts/{account}.json?fromDate=YYYYMMDDHHMM&toDate=YYYYMMDDHHMM
// ParseUsageQuery checks the parameters, RenderUsage writes the body in the shape of the Gnip
// Usage API. Both are pure functions: safe on any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "config/config_limits.h"
#include "http/route.h"
#include "stream/usage_ledger.h"

namespace sluice {

// The longest range one request may ask for.
inline constexpr int64_t kMaxUsageRangeMs = 31 * kDayMs;

// A checked request: both ends are starts of UTC hours, from_ms < to_ms, and
// to_ms - from_ms <= kMaxUsageRangeMs.
struct UsageQuery {
  int64_t from_ms = 0;
  int64_t to_ms = 0;
  friend bool operator==(const UsageQuery&, const UsageQuery&) = default;
};

// Reads fromDate and toDate (and bucket, which may only be "hour"); other parameters are
// ignored. Each date is UTC, exactly 12 digits YYYYMMDDHHMM naming a real date and time, and is
// truncated down to its hour. toDate defaults to the end of the current hour of `now_ms`;
// fromDate to toDate minus 24 h. A toDate in the future is accepted (nothing is counted there).
// Errors: InvalidArgument with a message naming the parameter at fault (fromDate, toDate or
// bucket): malformed or impossible date, fromDate not before toDate, range over 31 days.
Result<UsageQuery> ParseUsageQuery(const QueryParams& query, int64_t now_ms);

// One stream's rows as the ledger returns them (label, kind, non-zero hours ascending).
using StreamUsageRows = UsageLedger::StreamRows;

// The response body:
// {"account":{"name":…},"bucket":"hour","fromDate":…,"toDate":…,"publishers":[{"type":"twitter",
//  "activities":N,"used":[{"timePeriod":"YYYYMMDDHHMM","activities":n},…],"streams":[{"name":…,
//  "type":…,"activities":N,"used":[…]},…]}],"sent":"<ISO-8601 ms>"}
// The publisher's "used" sums the streams per hour; only non-zero hours inside the query are
// listed; streams are ordered by name (every stream given is listed, even with no use).
std::string RenderUsage(std::string_view account, const UsageQuery& query,
                        const std::vector<StreamUsageRows>& streams, int64_t now_ms);

// "YYYYMMDDHHMM" of a UTC time, as the Usage API writes dates.
std::string FormatUsageDate(int64_t unix_ms);

}  // namespace sluice
