// Deterministic samples by post id (SPEC §4), so redundant connections, backfill and recovery
// all see the same sample.
#pragma once

#include <cstdint>

#include "base/snowflake.h"

namespace sluice {

// The millisecond of the snowflake's creation time.
constexpr int SnowflakeMillisecond(uint64_t id) {
  return static_cast<int>(SnowflakeTimeMs(id) % 1000);
}

// The 1 % sample: 657 ≤ ms ≤ 666, as observed on the public sampled stream.
constexpr bool InOnePercentSample(uint64_t id) {
  const int ms = SnowflakeMillisecond(id);
  return ms >= 657 && ms <= 666;
}

// The Decahose (10 %): 600 ≤ ms ≤ 699. A superset of the 1 % sample.
constexpr bool InDecahose(uint64_t id) {
  const int ms = SnowflakeMillisecond(id);
  return ms >= 600 && ms <= 699;
}

// Decahose partition, 1 or 2; each carries half of the Decahose.
constexpr int DecahosePartition(uint64_t id) { return 1 + SnowflakeMillisecond(id) % 2; }

}  // namespace sluice
