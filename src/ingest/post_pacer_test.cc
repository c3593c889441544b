#include "ingest/post_pacer.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

TEST(PostPacerTest, FirstPostIsDueAtStart) {
  PostPacer pacer(1000, 5000);
  EXPECT_EQ(pacer.DueCount(4999), 0u);
  EXPECT_EQ(pacer.DueCount(5000), 1u);
  EXPECT_EQ(pacer.Take(), 5000);
  EXPECT_EQ(pacer.DueCount(5000), 0u);
}

TEST(PostPacerTest, PostsSpreadEvenlyOverMilliseconds) {
  PostPacer pacer(4000, 0);  // four posts a millisecond
  ASSERT_EQ(pacer.DueCount(999), 4000u);
  int per_ms[1000] = {};
  for (int i = 0; i < 4000; ++i) ++per_ms[pacer.Take()];
  for (int ms = 0; ms < 1000; ++ms) EXPECT_EQ(per_ms[ms], 4) << ms;
}

TEST(PostPacerTest, SlowRateSkipsMilliseconds) {
  PostPacer pacer(2.5, 0);  // one post every 400 ms
  EXPECT_EQ(pacer.DueCount(1000), 3u);
  EXPECT_EQ(pacer.Take(), 0);
  EXPECT_EQ(pacer.Take(), 400);
  EXPECT_EQ(pacer.Take(), 800);
  EXPECT_EQ(pacer.DueCount(1199), 0u);
  EXPECT_EQ(pacer.NextDueMs(), 1200);
}

TEST(PostPacerTest, TimeGoingBackwardsMakesNothingDue) {
  PostPacer pacer(1000, 100);
  EXPECT_EQ(pacer.DueCount(110), 11u);
  for (int i = 0; i < 11; ++i) pacer.Take();
  EXPECT_EQ(pacer.DueCount(50), 0u);
  EXPECT_EQ(pacer.DueCount(111), 1u);
}

}  // namespace
}  // namespace sluice
