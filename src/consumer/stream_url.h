// Request URLs for backfill and recovery in either dialect (SPEC §2), built from the stream URL
// the user gave, keeping its other query parameters (e.g. partition=1 on a Decahose).
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "consumer/stream_message.h"
#include "consumer/time_interval.h"

namespace sluice::consumer {

inline constexpr int64_t kPowerTrackRecoveryWindowMs = 24 * 3600000LL;
inline constexpr int64_t kDecahoseRecoveryWindowMs = 5 * 24 * 3600000LL;

// `url` with backfillMinutes=N (enterprise) or backfill_minutes=N (v2), replacing any backfill or
// recovery parameters already present; minutes ≤ 0 only removes them (a plain realtime URL).
std::string WithBackfill(std::string_view url, Dialect dialect, int minutes);

// `url` with startTime/endTime (enterprise) or start_time/end_time (v2) as ISO-8601 UTC with
// milliseconds ("2026-11-23T00:46:19.123Z"), replacing any backfill or recovery parameters
// already present. REQUIRES: !range.empty().
std::string WithRecovery(std::string_view url, Dialect dialect, TimeInterval range);

// `url` without backfill or recovery parameters.
std::string WithoutReplayParameters(std::string_view url);

// 5 days for a Decahose URL (/stream/sample10/ or /2/tweets/sample10/), else 24 h.
int64_t DefaultRecoveryWindowMs(std::string_view url);

}  // namespace sluice::consumer
