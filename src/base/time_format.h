// UTC time stamps as the X APIs write and read them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace sluice {

// "2026-11-23T00:46:19+00:00": the `sent` field of PowerTrack system messages.
std::string FormatSentTime(int64_t unix_ms);

// "2026-11-23T00:46:19.123Z": ISO-8601 with milliseconds, for logs and v2 bodies.
std::string FormatIsoMs(int64_t unix_ms);

// The start of the UTC hour that holds `unix_ms` (rounding down, also before 1970). Archive
// hours are the unit of usage accounting: chunks, replays and the usage ledger all use this.
int64_t UtcHourStartMs(int64_t unix_ms);

// Parses `YYYY-MM-DDTHH:mm:ss[.fff…]Z` (also `+00:00`) into ms since the epoch.
// Errors: InvalidArgument naming what is wrong.
Result<int64_t> ParseIsoTime(std::string_view text);

}  // namespace sluice
