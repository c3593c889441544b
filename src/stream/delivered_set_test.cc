#include "stream/delivered_set.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <vector>

namespace sluice {
namespace {

using Intervals = std::vector<DeliveredSet::Interval>;

std::vector<uint64_t> Range(uint64_t begin, uint64_t end) {
  std::vector<uint64_t> seqs;
  for (uint64_t s = begin; s < end; ++s) seqs.push_back(s);
  return seqs;
}

TEST(DeliveredSetTest, ConsecutiveCoversMergeIntoOneInterval) {
  DeliveredSet set;
  EXPECT_EQ(set.AddAndCountNew(1, 10, Range(1, 10)), 9u);
  EXPECT_EQ(set.AddAndCountNew(10, 20, Range(10, 20)), 10u);
  EXPECT_EQ(set.AddAndCountNew(20, 25, {}), 0u);
  EXPECT_EQ(set.Intervals(), (Intervals{{1, 25}}));
}

TEST(DeliveredSetTest, RedeliveryOfTheSamePieceCountsNothing) {
  DeliveredSet set;
  const std::vector<uint64_t> seqs = {3, 5, 8};
  EXPECT_EQ(set.AddAndCountNew(1, 10, seqs), 3u);
  EXPECT_EQ(set.AddAndCountNew(1, 10, seqs), 0u);  // a redundant connection
  EXPECT_EQ(set.Intervals(), (Intervals{{1, 10}}));
}

TEST(DeliveredSetTest, CoverWithoutPostsStillCovers) {
  DeliveredSet set;
  EXPECT_EQ(set.AddAndCountNew(1, 100, {}), 0u);  // nothing matched the rules there
  EXPECT_TRUE(set.Contains(50));
  EXPECT_EQ(set.AddAndCountNew(40, 60, std::vector<uint64_t>{45}), 0u);
}

TEST(DeliveredSetTest, GapIsKeptThenFilledByBackfill) {
  DeliveredSet set;
  EXPECT_EQ(set.AddAndCountNew(1, 10, Range(1, 10)), 9u);
  EXPECT_EQ(set.AddAndCountNew(20, 30, Range(20, 30)), 10u);
  EXPECT_EQ(set.Intervals(), (Intervals{{1, 10}, {20, 30}}));
  EXPECT_FALSE(set.Contains(15));
  // Backfill replays [5, 25): only the gap is new.
  EXPECT_EQ(set.AddAndCountNew(5, 25, Range(5, 25)), 10u);
  EXPECT_EQ(set.Intervals(), (Intervals{{1, 30}}));
}

TEST(DeliveredSetTest, PartialOverlapIsCountedPerSeq) {
  DeliveredSet set;
  (void)set.AddAndCountNew(10, 20, {});
  (void)set.AddAndCountNew(30, 40, {});
  // Seqs inside, between and around both intervals.
  const std::vector<uint64_t> seqs = {5, 10, 19, 20, 25, 29, 30, 39, 40, 45};
  EXPECT_EQ(set.AddAndCountNew(0, 50, seqs), 6u);  // 5, 20, 25, 29, 40, 45
  EXPECT_EQ(set.Intervals(), (Intervals{{0, 50}}));
}

TEST(DeliveredSetTest, OverlapAtTheFrontOfTheLastInterval) {
  DeliveredSet set;
  (void)set.AddAndCountNew(10, 20, {});
  EXPECT_EQ(set.AddAndCountNew(15, 30, Range(15, 30)), 10u);
  EXPECT_EQ(set.Intervals(), (Intervals{{10, 30}}));
  EXPECT_EQ(set.AddAndCountNew(12, 18, Range(12, 18)), 0u);  // inside: no change
  EXPECT_EQ(set.Intervals(), (Intervals{{10, 30}}));
}

TEST(DeliveredSetTest, CoverTouchingBothNeighboursMergesThem) {
  DeliveredSet set;
  (void)set.AddAndCountNew(1, 5, {});
  (void)set.AddAndCountNew(10, 15, {});
  (void)set.AddAndCountNew(20, 25, {});
  EXPECT_EQ(set.AddAndCountNew(5, 10, std::vector<uint64_t>{7}), 1u);
  EXPECT_EQ(set.Intervals(), (Intervals{{1, 15}, {20, 25}}));
}

TEST(DeliveredSetTest, CoverBeforeEverythingIsInsertedFirst) {
  DeliveredSet set;
  (void)set.AddAndCountNew(100, 200, {});
  EXPECT_EQ(set.AddAndCountNew(10, 20, std::vector<uint64_t>{10, 19}), 2u);
  EXPECT_EQ(set.Intervals(), (Intervals{{10, 20}, {100, 200}}));
}

TEST(DeliveredSetTest, CoverSpanningManyIntervalsReplacesThem) {
  DeliveredSet set;
  for (uint64_t i = 0; i < 10; ++i) (void)set.AddAndCountNew(i * 10, i * 10 + 5, {});
  EXPECT_EQ(set.interval_count(), 10u);
  EXPECT_EQ(set.AddAndCountNew(3, 73, {}), 0u);
  EXPECT_EQ(set.Intervals(), (Intervals{{0, 75}, {80, 85}, {90, 95}}));
}

TEST(DeliveredSetTest, EmptyCoverAddsNothing) {
  DeliveredSet set;
  EXPECT_EQ(set.AddAndCountNew(5, 5, {}), 0u);
  EXPECT_EQ(set.AddAndCountNew(9, 3, {}), 0u);
  EXPECT_EQ(set.interval_count(), 0u);
}

TEST(DeliveredSetTest, BoundDropsTheOldestIntervalsAndOverCounts) {
  DeliveredSet set(3);
  for (uint64_t i = 0; i < 5; ++i) (void)set.AddAndCountNew(i * 10, i * 10 + 5, {});
  EXPECT_EQ(set.Intervals(), (Intervals{{20, 25}, {30, 35}, {40, 45}}));
  EXPECT_EQ(set.dropped_intervals(), 2u);
  // Posts of a dropped interval count again: over-count, never under-count.
  EXPECT_EQ(set.AddAndCountNew(0, 5, Range(0, 5)), 5u);
  EXPECT_EQ(set.Intervals(), (Intervals{{20, 25}, {30, 35}, {40, 45}}));  // itself the oldest
  EXPECT_EQ(set.dropped_intervals(), 3u);
}

TEST(DeliveredSetTest, ZeroBoundMeansOne) {
  DeliveredSet set(0);
  EXPECT_EQ(set.max_intervals(), 1u);
  (void)set.AddAndCountNew(1, 2, {});
  (void)set.AddAndCountNew(5, 6, {});
  EXPECT_EQ(set.Intervals(), (Intervals{{5, 6}}));
}

TEST(DeliveredSetTest, ForgetBeforeDropsAndTrims) {
  DeliveredSet set;
  (void)set.AddAndCountNew(1, 10, {});
  (void)set.AddAndCountNew(20, 30, {});
  set.ForgetBefore(25);
  EXPECT_EQ(set.Intervals(), (Intervals{{25, 30}}));
  EXPECT_EQ(set.AddAndCountNew(20, 30, Range(20, 30)), 5u);  // 20..24 count again
  set.ForgetBefore(30);
  EXPECT_EQ(set.interval_count(), 0u);
  set.ForgetBefore(1000);  // on an empty set
  EXPECT_EQ(set.interval_count(), 0u);
}

TEST(DeliveredSetTest, ForgetBeforeAtAStartChangesNothing) {
  DeliveredSet set;
  (void)set.AddAndCountNew(10, 20, {});
  set.ForgetBefore(10);
  EXPECT_EQ(set.Intervals(), (Intervals{{10, 20}}));
}

TEST(DeliveredSetTest, EncodeDecodeRoundTrip) {
  DeliveredSet set;
  (void)set.AddAndCountNew(1, 10, {});
  (void)set.AddAndCountNew(20, 30, {});
  (void)set.AddAndCountNew(uint64_t{1} << 40, (uint64_t{1} << 40) + 7, {});
  std::string bytes;
  set.EncodeTo(bytes);
  bytes += "next";
  std::string_view input = bytes;
  auto decoded = DeliveredSet::DecodeFrom(input, 4096);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->Intervals(), set.Intervals());
  EXPECT_EQ(input, "next");
}

TEST(DeliveredSetTest, DecodeKeepsTheNewestWhenOverTheBound) {
  DeliveredSet set;
  for (uint64_t i = 0; i < 4; ++i) (void)set.AddAndCountNew(i * 10, i * 10 + 5, {});
  std::string bytes;
  set.EncodeTo(bytes);
  std::string_view input = bytes;
  auto decoded = DeliveredSet::DecodeFrom(input, 2);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->Intervals(), (Intervals{{20, 25}, {30, 35}}));
  EXPECT_TRUE(input.empty());
}

TEST(DeliveredSetTest, DecodeTruncatedIsCorruption) {
  DeliveredSet set;
  (void)set.AddAndCountNew(1, 10, {});
  std::string bytes;
  set.EncodeTo(bytes);
  for (size_t size = 0; size < bytes.size(); ++size) {
    std::string_view input(bytes.data(), size);
    auto decoded = DeliveredSet::DecodeFrom(input, 4096);
    EXPECT_EQ(decoded.status().code(), StatusCode::kCorruption) << size;
  }
}

TEST(DeliveredSetTest, DecodeOverlappingIntervalsIsCorruption) {
  DeliveredSet a;
  (void)a.AddAndCountNew(1, 10, {});
  std::string bytes;
  a.EncodeTo(bytes);
  // Two copies of [1, 10) under a count of 2: the second is not after the first.
  std::string doubled = bytes;
  doubled[0] = 2;
  doubled += bytes.substr(4);
  std::string_view input = doubled;
  auto decoded = DeliveredSet::DecodeFrom(input, 4096);
  EXPECT_EQ(decoded.status().code(), StatusCode::kCorruption);
  EXPECT_NE(decoded.status().message().find("interval 1"), std::string::npos);
}

TEST(DeliveredSetTest, ManyLiveCoversStayOneInterval) {
  DeliveredSet set(4);
  uint64_t fresh = 0;
  for (uint64_t s = 1; s < 100000; s += 10) {
    fresh += set.AddAndCountNew(s, s + 10, std::vector<uint64_t>{s, s + 3});
  }
  EXPECT_EQ(fresh, 20000u);
  EXPECT_EQ(set.interval_count(), 1u);
}

TEST(DeliveredSetTest, MatchesASetOfSeqsOnRandomCovers) {
  std::mt19937_64 random(42);
  DeliveredSet set;
  std::set<uint64_t> model;  // every covered seq
  for (int round = 0; round < 2000; ++round) {
    const uint64_t begin = random() % 1000;
    const uint64_t end = begin + random() % 40;
    std::vector<uint64_t> seqs;
    for (uint64_t s = begin; s < end; ++s) {
      if (random() % 3 == 0) seqs.push_back(s);
    }
    uint64_t expected = 0;
    for (const uint64_t s : seqs) expected += model.count(s) == 0 ? 1 : 0;
    ASSERT_EQ(set.AddAndCountNew(begin, end, seqs), expected) << round;
    for (uint64_t s = begin; s < end; ++s) model.insert(s);
    if (round % 500 == 499) {
      const uint64_t forget = random() % 1000;
      set.ForgetBefore(forget);
      model.erase(model.begin(), model.lower_bound(forget));
    }
  }
  // The intervals are exactly the model's maximal runs.
  Intervals runs;
  for (const uint64_t s : model) {
    if (!runs.empty() && runs.back().end == s) {
      ++runs.back().end;
    } else {
      runs.push_back({s, s + 1});
    }
  }
  EXPECT_EQ(set.Intervals(), runs);
}

}  // namespace
}  // namespace sluice
