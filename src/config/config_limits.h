// The ranges configuration values must lie in, shared by the TOML reader (which must check before
// narrowing a TOML integer into a smaller field) and ValidateServerConfig (which also sees configs
// built in code). docs/configuration.md lists the same numbers.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>

#include "base/status.h"
#include "config/config_error.h"

namespace sluice {

// An inclusive range of integer values a key accepts.
struct IntRange {
  int64_t min;
  int64_t max;
};

inline constexpr int64_t kSecondMs = 1000;
inline constexpr int64_t kMinuteMs = 60 * kSecondMs;
inline constexpr int64_t kHourMs = 60 * kMinuteMs;
inline constexpr int64_t kDayMs = 24 * kHourMs;

// [server]
inline constexpr IntRange kHeartbeatMsRange{1, 600 * kSecondMs};
inline constexpr IntRange kConnectionGraceMsRange{1, kHourMs};
inline constexpr IntRange kSlowReaderBytesRange{1, int64_t{1} << 30};
inline constexpr IntRange kMaxConnectionsRange{1, 1000000};
inline constexpr IntRange kHeaderTimeoutMsRange{1, 600 * kSecondMs};
inline constexpr IntRange kMaxHeaderBytesRange{1, int64_t{1} << 20};
inline constexpr IntRange kWriteTimeoutMsRange{1, kHourMs};
// [archive]
inline constexpr IntRange kFsyncIntervalMsRange{1, 60 * kSecondMs};
inline constexpr IntRange kSegmentMaxBytesRange{1, int64_t{1} << 36};
inline constexpr IntRange kSegmentMaxMsRange{1, 30 * kDayMs};
inline constexpr IntRange kPageCacheBytesRange{0, int64_t{1} << 40};
inline constexpr IntRange kRetentionCheckMsRange{10, kDayMs};
// [ingest]
inline constexpr IntRange kMaxIngestBodyBytesRange{1, int64_t{1} << 32};
inline constexpr IntRange kMaxPostBytesRange{1, int64_t{1} << 26};
// [generator]
inline constexpr double kMaxGeneratorRate = 1000000;
inline constexpr IntRange kGeneratorSeedRange{0, std::numeric_limits<int64_t>::max()};
// [[accounts.streams]]
inline constexpr IntRange kConnectionLimitRange{1, 1000};
inline constexpr IntRange kRecoveryJobLimitRange{1, 100};
inline constexpr IntRange kRecoveryWindowMsRange{kMinuteMs, 30 * kDayMs};
inline constexpr IntRange kMaxRulesRange{1, 1000000};
// Account, user and stream names: [A-Za-z0-9_-]{1,kMaxNameChars}.
inline constexpr size_t kMaxNameChars = 64;

// "<path>: <value> is out of range [<min>, <max>]" unless `value` is in `range`. Works for any
// integer type without overflow (a uint64_t above INT64_MAX is simply out of range).
template <typename Int>
Status CheckIntRange(std::string_view path, Int value, IntRange range) {
  if (std::cmp_greater_equal(value, range.min) && std::cmp_less_equal(value, range.max)) {
    return Status::Ok();
  }
  return ConfigError(path, std::to_string(value) + " is out of range [" +
                               std::to_string(range.min) + ", " + std::to_string(range.max) + "]");
}

}  // namespace sluice
