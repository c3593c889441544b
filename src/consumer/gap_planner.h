// PlanGaps: how the consumer fills the holes in its coverage (SPEC §7, §4):
//   - a short hole that ends now, when a connection is about to (re)connect: backfillMinutes;
//   - any other hole: recovery jobs of at most recovery_chunk_ms each;
//   - the part of a hole older than the server's recovery window: reported as unrecoverable.
//
// Pure function of its inputs; thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "consumer/time_interval.h"

namespace sluice::consumer {

struct GapPlanOptions {
  int64_t max_backfill_ms = 5 * 60000;        // the server's backfillMinutes limit
  int64_t recovery_chunk_ms = 3600000;        // longest recovery job
  int64_t recovery_window_ms = 24 * 3600000;  // the server's (24 h PowerTrack, 5 days Decahose)
  // Each gap is widened by this much both ways: clock skew between the consumer and the server's
  // archive time, and posts in flight when a connection dropped.
  int64_t margin_ms = 2000;
  // Time this close to the window's edge is not asked for: the request would race the window
  // moving past its startTime and be refused with 400.
  int64_t window_safety_ms = 60000;
};

struct GapPlan {
  int backfill_minutes = 0;                 // 0: none; else 1..5 for the reconnecting connection
  std::vector<TimeInterval> backfill_gaps;  // the gaps (unwidened) the backfill fills
  std::vector<TimeInterval> recovery_jobs;  // widened, each ≤ recovery_chunk_ms, oldest first
  std::vector<TimeInterval> unrecoverable;  // exact bounds (unwidened) of time older than window
};

// `gaps`: holes of coverage (unwidened), e.g. Coverage::Gaps(now_ms). `reconnecting`: a
// connection is about to (re)connect now and can take backfillMinutes; then the latest gap, if
// it ends within margin_ms of now and its widened length fits max_backfill_ms, goes to backfill
// (minutes = ceil(widened length / 60 s), clamped 1..5). Every other gap goes to recovery.
//
// Recovery jobs: gaps widened by margin_ms, clipped to [now − window + window_safety, now]
// (the server refuses an endTime in the future), overlapping widened gaps merged, then each
// split into the fewest equal jobs of at most recovery_chunk_ms. A job may be short (< 1 s).
// Unrecoverable: the parts of gaps before now − window + window_safety.
//
// REQUIRES: options' durations > 0 (margin_ms and window_safety_ms ≥ 0).
GapPlan PlanGaps(const std::vector<TimeInterval>& gaps, int64_t now_ms, bool reconnecting,
                 const GapPlanOptions& options);

}  // namespace sluice::consumer
