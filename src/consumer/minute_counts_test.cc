#include "consumer/minute_counts.h"

#include <gtest/gtest.h>

namespace sluice::consumer {
namespace {

constexpr int64_t kMinute = 60000;
constexpr int64_t kT0 = 1763856000000;  // a minute boundary

TEST(MinuteCountsTest, MinuteStartRoundsDown) {
  EXPECT_EQ(MinuteStartMs(kT0 + 59999), kT0);
  EXPECT_EQ(MinuteStartMs(kT0), kT0);
  EXPECT_EQ(MinuteStartMs(-1), -kMinute);
  EXPECT_EQ(MinuteStartMs(-kMinute), -kMinute);
}

TEST(MinuteCountsTest, BalancedMinuteHasNoDiscrepancy) {
  MinuteCounts counts;
  for (int i = 0; i < 5; ++i) counts.Inbound(kT0 + i);
  counts.Malformed(kT0);
  counts.Duplicate(kT0 + 1);
  counts.Unique(kT0 + 2);
  counts.Unique(kT0 + 3);
  counts.Unique(kT0 + 4);
  counts.Stored(kT0 + 2, 3);
  const auto closed = counts.CloseBefore(kT0 + kMinute);
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].count,
            (MinuteCount{kT0, /*inbound=*/5, /*malformed=*/1, /*duplicates=*/1, /*unique=*/3,
                         /*stored=*/3}));
  EXPECT_TRUE(closed[0].discrepancies.empty());
}

TEST(MinuteCountsTest, LostBeforeClassificationIsADiscrepancy) {
  MinuteCounts counts;
  counts.Inbound(kT0);
  counts.Inbound(kT0);
  counts.Unique(kT0);
  counts.Stored(kT0);
  const auto closed = counts.CloseBefore(kT0 + kMinute);
  ASSERT_EQ(closed.size(), 1u);
  ASSERT_EQ(closed[0].discrepancies.size(), 1u);
  EXPECT_EQ(closed[0].discrepancies[0], "inbound 2 != malformed 0 + duplicates 0 + unique 1 (1)");
}

TEST(MinuteCountsTest, UniqueNotStoredIsADiscrepancy) {
  MinuteCounts counts;
  counts.Inbound(kT0);
  counts.Unique(kT0);
  const auto closed = counts.CloseBefore(kT0 + kMinute);
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].discrepancies, std::vector<std::string>{"unique 1 != stored 0"});
}

TEST(MinuteCountsTest, StoreDuplicateMovesUniqueToDuplicates) {
  MinuteCounts counts;
  counts.Inbound(kT0);
  counts.Inbound(kT0);
  counts.Unique(kT0);
  counts.Unique(kT0);
  counts.Stored(kT0);
  counts.StoreDuplicate(kT0);
  const auto closed = counts.CloseBefore(kT0 + kMinute);
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].count.unique, 1u);
  EXPECT_EQ(closed[0].count.duplicates, 1u);
  EXPECT_TRUE(closed[0].discrepancies.empty());
  EXPECT_EQ(counts.Totals().unique, 1u);
  EXPECT_EQ(counts.Totals().duplicates, 1u);
}

TEST(MinuteCountsTest, OpenMinuteIsNotClosed) {
  MinuteCounts counts;
  counts.Inbound(kT0 + 10);
  EXPECT_TRUE(counts.CloseBefore(kT0 + kMinute - 1).empty());
  EXPECT_EQ(counts.CloseBefore(kT0 + kMinute).size(), 1u);
}

TEST(MinuteCountsTest, MinutesAreReturnedOnceOldestFirstIncludingSilentOnes) {
  MinuteCounts counts;
  counts.Inbound(kT0 + 3 * kMinute);
  counts.Inbound(kT0);
  const auto closed = counts.CloseBefore(kT0 + 4 * kMinute + 5);
  ASSERT_EQ(closed.size(), 4u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(closed[i].count.minute_start_ms, kT0 + i * kMinute);
  EXPECT_EQ(closed[0].count.inbound, 1u);
  EXPECT_EQ(closed[1].count.inbound, 0u);
  EXPECT_TRUE(closed[1].discrepancies.empty());
  EXPECT_EQ(closed[3].count.inbound, 1u);
  EXPECT_TRUE(counts.CloseBefore(kT0 + 4 * kMinute + 5).empty());
}

TEST(MinuteCountsTest, NothingCountedClosesNothing) {
  MinuteCounts counts;
  EXPECT_TRUE(counts.CloseBefore(kT0).empty());
}

TEST(MinuteCountsTest, LateCountGoesToTotalsOnly) {
  MinuteCounts counts;
  counts.Inbound(kT0);
  counts.Unique(kT0);
  ASSERT_EQ(counts.CloseBefore(kT0 + kMinute).size(), 1u);
  counts.Stored(kT0);
  EXPECT_EQ(counts.late_counts(), 1u);
  EXPECT_EQ(counts.Totals().stored, 1u);
  EXPECT_TRUE(counts.CloseBefore(kT0 + kMinute).empty());
}

TEST(MinuteCountsTest, TotalsSpanAllMinutes) {
  MinuteCounts counts;
  counts.Inbound(kT0);
  counts.Inbound(kT0 + kMinute);
  counts.Malformed(kT0 + kMinute);
  counts.Duplicate(kT0);
  (void)counts.CloseBefore(kT0 + kMinute);
  const MinuteCount totals = counts.Totals();
  EXPECT_EQ(totals.inbound, 2u);
  EXPECT_EQ(totals.malformed, 1u);
  EXPECT_EQ(totals.duplicates, 1u);
}

}  // namespace
}  // namespace sluice::consumer
