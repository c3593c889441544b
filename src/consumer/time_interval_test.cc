#include "consumer/time_interval.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace sluice::consumer {
namespace {

using Intervals = std::vector<TimeInterval>;

TEST(TimeIntervalTest, LengthAndEmpty) {
  EXPECT_EQ((TimeInterval{10, 25}).length_ms(), 15);
  EXPECT_FALSE((TimeInterval{10, 25}).empty());
  EXPECT_TRUE((TimeInterval{10, 10}).empty());
  EXPECT_TRUE((TimeInterval{10, 5}).empty());
  EXPECT_EQ((TimeInterval{10, 5}).length_ms(), 0);
}

TEST(TimeIntervalTest, ToStringIsIso) {
  EXPECT_EQ(ToString({0, 1500}), "[1970-01-01T00:00:00.000Z, 1970-01-01T00:00:01.500Z)");
}

TEST(IntervalSetTest, AddKeepsSortedAndDisjoint) {
  IntervalSet set;
  set.Add({30, 40});
  set.Add({10, 20});
  set.Add({50, 60});
  EXPECT_EQ(set.intervals(), (Intervals{{10, 20}, {30, 40}, {50, 60}}));
}

TEST(IntervalSetTest, TouchingIntervalsMerge) {
  IntervalSet set;
  set.Add({10, 20});
  set.Add({20, 30});
  EXPECT_EQ(set.intervals(), (Intervals{{10, 30}}));
  set.Add({5, 10});
  EXPECT_EQ(set.intervals(), (Intervals{{5, 30}}));
}

TEST(IntervalSetTest, AddBridgesSeveralIntervals) {
  IntervalSet set;
  set.Add({10, 20});
  set.Add({30, 40});
  set.Add({50, 60});
  set.Add({15, 55});
  EXPECT_EQ(set.intervals(), (Intervals{{10, 60}}));
}

TEST(IntervalSetTest, EmptyIntervalsAreIgnored) {
  IntervalSet set;
  set.Add({10, 10});
  set.Add({20, 5});
  EXPECT_TRUE(set.empty());
  set.Add({0, 10});
  set.Remove({5, 5});
  EXPECT_EQ(set.intervals(), (Intervals{{0, 10}}));
}

TEST(IntervalSetTest, RemoveSplitsAndTrims) {
  IntervalSet set;
  set.Add({0, 100});
  set.Remove({40, 60});
  EXPECT_EQ(set.intervals(), (Intervals{{0, 40}, {60, 100}}));
  set.Remove({-10, 10});
  set.Remove({90, 200});
  EXPECT_EQ(set.intervals(), (Intervals{{10, 40}, {60, 90}}));
  set.Remove({0, 1000});
  EXPECT_TRUE(set.empty());
}

TEST(IntervalSetTest, CoversAndContains) {
  IntervalSet set;
  set.Add({10, 20});
  set.Add({30, 40});
  EXPECT_TRUE(set.Covers({10, 20}));
  EXPECT_TRUE(set.Covers({12, 18}));
  EXPECT_FALSE(set.Covers({15, 35}));
  EXPECT_FALSE(set.Covers({9, 11}));
  EXPECT_TRUE(set.Covers({25, 25}));  // empty
  EXPECT_TRUE(set.Contains(10));
  EXPECT_FALSE(set.Contains(20));
  EXPECT_TRUE(set.Contains(39));
}

TEST(IntervalSetTest, HolesIn) {
  IntervalSet set;
  set.Add({10, 20});
  set.Add({30, 40});
  EXPECT_EQ(set.HolesIn({0, 50}), (Intervals{{0, 10}, {20, 30}, {40, 50}}));
  EXPECT_EQ(set.HolesIn({15, 35}), (Intervals{{20, 30}}));
  EXPECT_EQ(set.HolesIn({12, 18}), Intervals{});
  EXPECT_EQ(set.HolesIn({20, 30}), (Intervals{{20, 30}}));
  EXPECT_EQ(IntervalSet().HolesIn({5, 6}), (Intervals{{5, 6}}));
  EXPECT_EQ(set.HolesIn({7, 7}), Intervals{});
}

TEST(IntervalSetTest, AddSet) {
  IntervalSet a, b;
  a.Add({0, 10});
  b.Add({10, 20});
  b.Add({30, 40});
  a.Add(b);
  EXPECT_EQ(a.intervals(), (Intervals{{0, 20}, {30, 40}}));
  EXPECT_EQ(a.total_length_ms(), 30);
}

TEST(IntervalSetTest, DropBeforeForgetsAndClips) {
  IntervalSet set;
  set.Add({0, 10});
  set.Add({20, 30});
  set.Add({40, 50});
  set.DropBefore(25);
  EXPECT_EQ(set.intervals(), (Intervals{{25, 30}, {40, 50}}));
  set.DropBefore(30);
  EXPECT_EQ(set.intervals(), (Intervals{{40, 50}}));
  set.DropBefore(100);
  EXPECT_TRUE(set.empty());
}

TEST(IntervalSetTest, NegativeTimes) {
  IntervalSet set;
  set.Add({-100, -50});
  set.Add({-50, 0});
  EXPECT_EQ(set.intervals(), (Intervals{{-100, 0}}));
}

// Every operation against a bitmap of 200 instants, with random intervals and a random mix.
TEST(IntervalSetTest, RandomizedAgainstBitmap) {
  constexpr int kSpan = 200;
  std::mt19937 rng(12345);
  std::uniform_int_distribution<int> point(-5, kSpan + 5);
  std::uniform_int_distribution<int> op(0, 3);
  for (int round = 0; round < 300; ++round) {
    IntervalSet set;
    std::vector<bool> bits(kSpan + 20, false);
    auto bit = [&](int64_t ms) -> std::vector<bool>::reference { return bits[ms + 10]; };
    for (int step = 0; step < 40; ++step) {
      int a = point(rng), b = point(rng);
      if (a > b) std::swap(a, b);
      const TimeInterval interval{a, b};
      switch (op(rng)) {
        case 0:
        case 1:
          set.Add(interval);
          for (int t = a; t < b; ++t) bit(t) = true;
          break;
        case 2:
          set.Remove(interval);
          for (int t = a; t < b; ++t) bit(t) = false;
          break;
        case 3: {
          bool all = true;
          for (int t = a; t < b; ++t) all = all && bit(t);
          ASSERT_EQ(set.Covers(interval), all) << ToString(interval);
          Intervals holes;
          for (int t = a; t < b; ++t) {
            if (bit(t)) continue;
            if (!holes.empty() && holes.back().end_ms == t) {
              ++holes.back().end_ms;
            } else {
              holes.push_back({t, t + 1});
            }
          }
          ASSERT_EQ(set.HolesIn(interval), holes);
          break;
        }
      }
      // The representation: sorted, disjoint, non-touching, non-empty, and equal to the bitmap.
      Intervals expected;
      for (int t = -10; t < kSpan + 10; ++t) {
        if (!bit(t)) continue;
        if (!expected.empty() && expected.back().end_ms == t) {
          ++expected.back().end_ms;
        } else {
          expected.push_back({t, t + 1});
        }
      }
      ASSERT_EQ(set.intervals(), expected) << "round " << round << " step " << step;
    }
  }
}

}  // namespace
}  // namespace sluice::consumer
