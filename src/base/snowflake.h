// Snowflake ids: X's 64-bit post and rule ids, whose top bits are a creation time.
//   id = (time_ms - kTwitterEpochMs) << 22 | worker << 12 | sequence
#pragma once

#include <cstdint>

namespace sluice {

inline constexpr int64_t kTwitterEpochMs = 1288834974657;
inline constexpr int kSnowflakeTimeShift = 22;
inline constexpr int kSnowflakeWorkerShift = 12;
inline constexpr uint64_t kSnowflakeWorkerMask = 0x3ff;
inline constexpr uint64_t kSnowflakeSequenceMask = 0xfff;

// Creation time in ms since the Unix epoch.
constexpr int64_t SnowflakeTimeMs(uint64_t id) {
  return static_cast<int64_t>(id >> kSnowflakeTimeShift) + kTwitterEpochMs;
}

// REQUIRES: time_ms >= kTwitterEpochMs, worker <= 1023, sequence <= 4095.
constexpr uint64_t MakeSnowflake(int64_t time_ms, uint64_t worker, uint64_t sequence) {
  return (static_cast<uint64_t>(time_ms - kTwitterEpochMs) << kSnowflakeTimeShift) |
         ((worker & kSnowflakeWorkerMask) << kSnowflakeWorkerShift) |
         (sequence & kSnowflakeSequenceMask);
}

}  // namespace sluice
