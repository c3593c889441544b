#include "consumer/gap_planner.h"

#include <gtest/gtest.h>

namespace sluice::consumer {
namespace {

using Intervals = std::vector<TimeInterval>;

constexpr int64_t kSecond = 1000;
constexpr int64_t kMinute = 60 * kSecond;
constexpr int64_t kHour = 60 * kMinute;
constexpr int64_t kNow = 1763856000000;  // 2025-11-23T00:00:00Z
constexpr int64_t kMargin = 2000;        // GapPlanOptions default

TEST(GapPlannerTest, NoGapsNoPlan) {
  const GapPlan plan = PlanGaps({}, kNow, true, {});
  EXPECT_EQ(plan.backfill_minutes, 0);
  EXPECT_TRUE(plan.backfill_gaps.empty());
  EXPECT_TRUE(plan.recovery_jobs.empty());
  EXPECT_TRUE(plan.unrecoverable.empty());
}

TEST(GapPlannerTest, NinetySecondGapIsBackfillOfTwoMinutes) {
  const TimeInterval gap{kNow - 90 * kSecond, kNow};
  const GapPlan plan = PlanGaps({gap}, kNow, /*reconnecting=*/true, {});
  EXPECT_EQ(plan.backfill_minutes, 2);
  EXPECT_EQ(plan.backfill_gaps, Intervals{gap});
  EXPECT_TRUE(plan.recovery_jobs.empty());
}

TEST(GapPlannerTest, ShortGapIsBackfillOfOneMinute) {
  const GapPlan plan = PlanGaps({{kNow - 3 * kSecond, kNow}}, kNow, true, {});
  EXPECT_EQ(plan.backfill_minutes, 1);
}

TEST(GapPlannerTest, GapEndingWithinMarginOfNowIsBackfilled) {
  const GapPlan plan = PlanGaps({{kNow - 61 * kSecond, kNow - kMargin}}, kNow, true, {});
  EXPECT_EQ(plan.backfill_minutes, 2);  // 61 s + 2 × 2 s = 65 s
}

TEST(GapPlannerTest, WidenedFiveMinutesExactlyIsBackfillOfFive) {
  const TimeInterval gap{kNow - 5 * kMinute + 2 * kMargin, kNow};
  const GapPlan plan = PlanGaps({gap}, kNow, true, {});
  EXPECT_EQ(plan.backfill_minutes, 5);
  EXPECT_TRUE(plan.recovery_jobs.empty());
}

TEST(GapPlannerTest, OneMillisecondPastFiveMinutesGoesToRecovery) {
  const TimeInterval gap{kNow - 5 * kMinute + 2 * kMargin - 1, kNow};
  const GapPlan plan = PlanGaps({gap}, kNow, true, {});
  EXPECT_EQ(plan.backfill_minutes, 0);
  EXPECT_EQ(plan.recovery_jobs, (Intervals{{gap.begin_ms - kMargin, kNow}}));
}

TEST(GapPlannerTest, ExactlyFiveMinuteGapGoesToRecoveryBecauseOfTheMargin) {
  const TimeInterval gap{kNow - 5 * kMinute, kNow};
  const GapPlan plan = PlanGaps({gap}, kNow, true, {});
  EXPECT_EQ(plan.backfill_minutes, 0);
  EXPECT_EQ(plan.recovery_jobs, (Intervals{{gap.begin_ms - kMargin, kNow}}));
}

TEST(GapPlannerTest, ExactlyFiveMinuteGapWithoutMarginIsBackfillOfFive) {
  const GapPlan plan =
      PlanGaps({{kNow - 5 * kMinute, kNow}}, kNow, true, GapPlanOptions{.margin_ms = 0});
  EXPECT_EQ(plan.backfill_minutes, 5);
}

TEST(GapPlannerTest, ShortGapWithoutReconnectGoesToRecovery) {
  const TimeInterval gap{kNow - 90 * kSecond, kNow - 10 * kSecond};
  const GapPlan plan = PlanGaps({gap}, kNow, /*reconnecting=*/false, {});
  EXPECT_EQ(plan.backfill_minutes, 0);
  EXPECT_EQ(plan.recovery_jobs, (Intervals{{gap.begin_ms - kMargin, gap.end_ms + kMargin}}));
}

TEST(GapPlannerTest, ShortOldGapGoesToRecoveryEvenWhenReconnecting) {
  const TimeInterval gap{kNow - 10 * kMinute, kNow - 9 * kMinute};
  const GapPlan plan = PlanGaps({gap}, kNow, true, {});
  EXPECT_EQ(plan.backfill_minutes, 0);
  EXPECT_EQ(plan.recovery_jobs, (Intervals{{gap.begin_ms - kMargin, gap.end_ms + kMargin}}));
}

TEST(GapPlannerTest, TwentyMinuteGapIsOneRecoveryJob) {
  const TimeInterval gap{kNow - 30 * kMinute, kNow - 10 * kMinute};
  const GapPlan plan = PlanGaps({gap}, kNow, true, {});
  EXPECT_EQ(plan.backfill_minutes, 0);
  EXPECT_EQ(plan.recovery_jobs, (Intervals{{gap.begin_ms - kMargin, gap.end_ms + kMargin}}));
  EXPECT_TRUE(plan.unrecoverable.empty());
}

TEST(GapPlannerTest, ThreeHoursWidenedIsThreeJobsOfOneHour) {
  // 3 h once widened by the margin on both sides.
  const TimeInterval gap{kNow - 5 * kHour + kMargin, kNow - 2 * kHour - kMargin};
  const GapPlan plan = PlanGaps({gap}, kNow, false, {});
  EXPECT_EQ(plan.recovery_jobs, (Intervals{{kNow - 5 * kHour, kNow - 4 * kHour},
                                           {kNow - 4 * kHour, kNow - 3 * kHour},
                                           {kNow - 3 * kHour, kNow - 2 * kHour}}));
}

TEST(GapPlannerTest, ThreeHourGapIsSplitIntoEqualJobsOfAtMostAnHour) {
  // Widened to 3 h 4 s: four equal jobs rather than three hours and a 4-second straggler.
  const TimeInterval gap{kNow - 5 * kHour, kNow - 2 * kHour};
  const GapPlan plan = PlanGaps({gap}, kNow, false, {});
  ASSERT_EQ(plan.recovery_jobs.size(), 4u);
  EXPECT_EQ(plan.recovery_jobs.front().begin_ms, gap.begin_ms - kMargin);
  EXPECT_EQ(plan.recovery_jobs.back().end_ms, gap.end_ms + kMargin);
  for (size_t i = 0; i < plan.recovery_jobs.size(); ++i) {
    EXPECT_LE(plan.recovery_jobs[i].length_ms(), kHour);
    EXPECT_EQ(plan.recovery_jobs[i].length_ms(), (3 * kHour + 2 * kMargin) / 4);
    if (i > 0) {
      EXPECT_EQ(plan.recovery_jobs[i].begin_ms, plan.recovery_jobs[i - 1].end_ms);
    }
  }
}

TEST(GapPlannerTest, RecoveryJobNeverEndsAfterNow) {
  const TimeInterval gap{kNow - 20 * kMinute, kNow};
  const GapPlan plan = PlanGaps({gap}, kNow, true, {});
  EXPECT_EQ(plan.recovery_jobs, (Intervals{{gap.begin_ms - kMargin, kNow}}));
}

TEST(GapPlannerTest, GapReachingIntoTheFutureIsClampedToNow) {
  const GapPlan plan = PlanGaps({{kNow - 20 * kMinute, kNow + kMinute}}, kNow, false, {});
  ASSERT_EQ(plan.recovery_jobs.size(), 1u);
  EXPECT_EQ(plan.recovery_jobs[0].end_ms, kNow);
}

TEST(GapPlannerTest, TinyJobAfterClampingIsStillPlanned) {
  // Not reconnecting: a 300 ms gap just before now gives a job of 300 ms + margin before it.
  const GapPlan plan = PlanGaps({{kNow - 300, kNow}}, kNow, false, {});
  EXPECT_EQ(plan.recovery_jobs, (Intervals{{kNow - 300 - kMargin, kNow}}));
}

TEST(GapPlannerTest, GapPartlyOlderThanWindowIsSplitExactly) {
  const GapPlanOptions options;  // 24 h window, 60 s safety
  const int64_t earliest = kNow - 24 * kHour + options.window_safety_ms;
  const TimeInterval gap{kNow - 25 * kHour - 123, kNow - 23 * kHour - 30 * kMinute};
  const GapPlan plan = PlanGaps({gap}, kNow, true, options);
  EXPECT_EQ(plan.unrecoverable, (Intervals{{gap.begin_ms, earliest}}));
  EXPECT_EQ(plan.recovery_jobs, (Intervals{{earliest, gap.end_ms + kMargin}}));
}

TEST(GapPlannerTest, GapWhollyOlderThanWindowIsOnlyUnrecoverable) {
  const TimeInterval gap{kNow - 30 * kHour, kNow - 26 * kHour};
  const GapPlan plan = PlanGaps({gap}, kNow, true, {});
  EXPECT_EQ(plan.unrecoverable, Intervals{gap});
  EXPECT_TRUE(plan.recovery_jobs.empty());
}

TEST(GapPlannerTest, DecahoseWindowKeepsOldGapsRecoverable) {
  const TimeInterval gap{kNow - 30 * kHour, kNow - 29 * kHour - 30 * kMinute};
  const GapPlan plan =
      PlanGaps({gap}, kNow, false, GapPlanOptions{.recovery_window_ms = 5 * 24 * kHour});
  EXPECT_TRUE(plan.unrecoverable.empty());
  EXPECT_EQ(plan.recovery_jobs, (Intervals{{gap.begin_ms - kMargin, gap.end_ms + kMargin}}));
}

TEST(GapPlannerTest, CloseGapsMergeIntoOneJob) {
  const TimeInterval a{kNow - 40 * kMinute, kNow - 30 * kMinute};
  const TimeInterval b{kNow - 30 * kMinute + 3 * kSecond, kNow - 20 * kMinute};
  const GapPlan plan = PlanGaps({b, a}, kNow, false, {});
  EXPECT_EQ(plan.recovery_jobs, (Intervals{{a.begin_ms - kMargin, b.end_ms + kMargin}}));
}

TEST(GapPlannerTest, OldGapToRecoveryAndCurrentGapToBackfill) {
  const TimeInterval old_gap{kNow - 2 * kHour, kNow - 90 * kMinute};
  const TimeInterval current{kNow - 30 * kSecond, kNow};
  const GapPlan plan = PlanGaps({old_gap, current}, kNow, true, {});
  EXPECT_EQ(plan.backfill_minutes, 1);
  EXPECT_EQ(plan.backfill_gaps, Intervals{current});
  EXPECT_EQ(plan.recovery_jobs,
            (Intervals{{old_gap.begin_ms - kMargin, old_gap.end_ms + kMargin}}));
}

TEST(GapPlannerTest, EmptyGapsAreIgnored) {
  const GapPlan plan = PlanGaps({{kNow - kHour, kNow - kHour}}, kNow, true, {});
  EXPECT_TRUE(plan.recovery_jobs.empty());
  EXPECT_EQ(plan.backfill_minutes, 0);
}

}  // namespace
}  // namespace sluice::consumer
