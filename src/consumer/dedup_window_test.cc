#include "consumer/dedup_window.h"

#include <gtest/gtest.h>

#include <chrono>
#include <deque>
#include <random>
#include <unordered_set>

namespace sluice::consumer {
namespace {

TEST(DedupWindowTest, NewIdsAreNewAndRepeatsAreDuplicates) {
  DedupWindow window(8);
  EXPECT_TRUE(window.Insert(100));
  EXPECT_TRUE(window.Insert(200));
  EXPECT_FALSE(window.Insert(100));
  EXPECT_FALSE(window.Insert(200));
  EXPECT_EQ(window.size(), 2u);
  EXPECT_TRUE(window.Contains(100));
  EXPECT_FALSE(window.Contains(300));
}

TEST(DedupWindowTest, OldestIdIsEvictedWhenFull) {
  DedupWindow window(3);
  EXPECT_TRUE(window.Insert(1));
  EXPECT_TRUE(window.Insert(2));
  EXPECT_TRUE(window.Insert(3));
  EXPECT_TRUE(window.Insert(4));  // evicts 1
  EXPECT_EQ(window.size(), 3u);
  EXPECT_FALSE(window.Contains(1));
  EXPECT_FALSE(window.Insert(2));
  EXPECT_FALSE(window.Insert(3));
  EXPECT_FALSE(window.Insert(4));
  EXPECT_TRUE(window.Insert(1));  // forgotten, so new again (the store's key catches it)
  EXPECT_FALSE(window.Contains(2));
}

TEST(DedupWindowTest, DuplicateDoesNotRefreshAge) {
  DedupWindow window(2);
  EXPECT_TRUE(window.Insert(1));
  EXPECT_TRUE(window.Insert(2));
  EXPECT_FALSE(window.Insert(1));
  EXPECT_TRUE(window.Insert(3));  // evicts 1, the first inserted
  EXPECT_FALSE(window.Contains(1));
  EXPECT_TRUE(window.Contains(2));
}

TEST(DedupWindowTest, CapacityOfOne) {
  DedupWindow window(1);
  EXPECT_TRUE(window.Insert(7));
  EXPECT_FALSE(window.Insert(7));
  EXPECT_TRUE(window.Insert(8));
  EXPECT_TRUE(window.Insert(7));
  EXPECT_EQ(window.size(), 1u);
}

// Against a reference FIFO model, with snowflake-like ids (shared low bits) and many repeats,
// so that probe chains collide and eviction's backward shift is exercised.
TEST(DedupWindowTest, RandomizedAgainstReferenceModel) {
  constexpr size_t kCapacity = 1000;
  DedupWindow window(kCapacity);
  std::deque<uint64_t> order;
  std::unordered_set<uint64_t> present;
  std::mt19937_64 rng(7);
  for (int i = 0; i < 200000; ++i) {
    const uint64_t id = ((rng() % 3000) + 1) << 22;
    const bool expected_new = present.count(id) == 0;
    ASSERT_EQ(window.Insert(id), expected_new) << "step " << i;
    if (expected_new) {
      order.push_back(id);
      present.insert(id);
      if (order.size() > kCapacity) {
        present.erase(order.front());
        order.pop_front();
      }
    }
    ASSERT_EQ(window.size(), order.size());
  }
  for (uint64_t id : order) EXPECT_TRUE(window.Contains(id));
}

TEST(DedupWindowTest, FastEnoughForTheHotPath) {
  DedupWindow window;  // 1 Mi ids
  const auto start = std::chrono::steady_clock::now();
  uint64_t id = 1795428000123456789ull;
  size_t fresh = 0;
  constexpr int kInserts = 2000000;
  for (int i = 0; i < kInserts; ++i) {
    // Each id twice, as two redundant connections deliver it.
    fresh += window.Insert(id);
    fresh += window.Insert(id);
    id += 4194304 + (i % 7);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(fresh, static_cast<size_t>(kInserts));
  // 200k inserts/s is the need; even an ASAN build on a shared machine is far above it.
  EXPECT_GT(2.0 * kInserts / seconds, 200000.0) << seconds << " s";
}

}  // namespace
}  // namespace sluice::consumer
