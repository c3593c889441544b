#include "consumer/gap_planner.h"

#include <algorithm>

namespace sluice::consumer {

namespace {

constexpr int64_t kMinuteMs = 60000;
constexpr int kMaxBackfillMinutes = 5;  // SPEC §2: backfillMinutes is 1..5

// Equal pieces rather than full chunks plus a remainder: a 3 h 4 s range becomes four jobs of
// 45 min 1 s, not three hours and a 4-second straggler, so jobs finish at about the same pace.
void AppendChunks(TimeInterval range, int64_t chunk_ms, std::vector<TimeInterval>& jobs) {
  const int64_t length = range.length_ms();
  if (length == 0) return;
  const int64_t pieces = (length + chunk_ms - 1) / chunk_ms;
  for (int64_t i = 0; i < pieces; ++i) {
    // Multiply before dividing so the pieces tile the range exactly.
    const int64_t begin =
        range.begin_ms + static_cast<int64_t>(static_cast<__int128>(length) * i / pieces);
    const int64_t end =
        range.begin_ms + static_cast<int64_t>(static_cast<__int128>(length) * (i + 1) / pieces);
    jobs.push_back({begin, end});
  }
}

}  // namespace

GapPlan PlanGaps(const std::vector<TimeInterval>& gaps, int64_t now_ms, bool reconnecting,
                 const GapPlanOptions& options) {
  GapPlan plan;
  std::vector<TimeInterval> sorted;
  for (TimeInterval gap : gaps) {
    gap.end_ms = std::min(gap.end_ms, now_ms);  // the future is not a gap yet
    if (!gap.empty()) sorted.push_back(gap);
  }
  std::sort(sorted.begin(), sorted.end(),
            [](const TimeInterval& a, const TimeInterval& b) { return a.begin_ms < b.begin_ms; });

  const int64_t earliest_ms = now_ms - options.recovery_window_ms + options.window_safety_ms;
  IntervalSet unrecoverable;
  IntervalSet recovery;
  for (size_t i = 0; i < sorted.size(); ++i) {
    TimeInterval gap = sorted[i];
    if (gap.begin_ms < earliest_ms) {
      unrecoverable.Add({gap.begin_ms, std::min(gap.end_ms, earliest_ms)});
      gap.begin_ms = earliest_ms;
      if (gap.empty()) continue;
    }
    const TimeInterval widened{gap.begin_ms - options.margin_ms, gap.end_ms + options.margin_ms};
    const bool latest = i + 1 == sorted.size();
    if (reconnecting && latest && gap.end_ms >= now_ms - options.margin_ms &&
        widened.length_ms() <= options.max_backfill_ms) {
      const int64_t minutes = (widened.length_ms() + kMinuteMs - 1) / kMinuteMs;
      plan.backfill_minutes =
          static_cast<int>(std::clamp<int64_t>(minutes, 1, kMaxBackfillMinutes));
      plan.backfill_gaps.push_back(gap);
      continue;
    }
    recovery.Add({std::max(widened.begin_ms, earliest_ms), std::min(widened.end_ms, now_ms)});
  }
  for (const TimeInterval& range : recovery.intervals()) {
    AppendChunks(range, options.recovery_chunk_ms, plan.recovery_jobs);
  }
  plan.unrecoverable = unrecoverable.intervals();
  return plan;
}

}  // namespace sluice::consumer
