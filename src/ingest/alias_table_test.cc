#include "ingest/alias_table.h"

#include <gtest/gtest.h>

#include <vector>

#include "ingest/text_arena.h"
#include "ingest/word_table.h"

namespace sluice {
namespace {

TEST(RngTest, SameSeedSameSequence) {
  Rng a(42), b(42), c(43);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const uint64_t x = a.Next();
    EXPECT_EQ(x, b.Next());
    differs |= x != c.Next();
  }
  EXPECT_TRUE(differs);
}

TEST(RngTest, BelowAndBetweenStayInRange) {
  Rng rng(1);
  for (int i = 0; i < 10000; ++i) {
    EXPECT_LT(rng.Below(7), 7u);
    const int64_t x = rng.Between(-3, 3);
    EXPECT_GE(x, -3);
    EXPECT_LE(x, 3);
    const double unit = rng.Unit();
    EXPECT_GE(unit, 0.0);
    EXPECT_LT(unit, 1.0);
  }
}

// Draw frequencies are within 1 percentage point of the weights.
template <typename Table>
void ExpectFrequencies(const Table& table, const std::vector<double>& weights) {
  double total = 0;
  for (const double w : weights) total += w;
  Rng rng(7);
  constexpr int kDraws = 200000;
  std::vector<int> counts(weights.size());
  for (int i = 0; i < kDraws; ++i) ++counts[table.Sample(rng)];
  for (size_t i = 0; i < weights.size(); ++i) {
    EXPECT_NEAR(100.0 * counts[i] / kDraws, 100.0 * weights[i] / total, 1.0) << "index " << i;
  }
}

TEST(AliasTableTest, DrawsFollowTheWeights) {
  const std::vector<double> weights = {5, 1, 0, 3, 1, 10};
  ExpectFrequencies(AliasTable(weights), weights);
}

TEST(AliasTableTest, SingleItem) {
  const std::vector<double> weights = {2};
  const AliasTable table(weights);
  Rng rng(3);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(table.Sample(rng), 0u);
}

TEST(AliasTableTest, ZipfWeightsWithARarerTail) {
  const std::vector<double> weights = AliasTable::ZipfWeights(4, 1.0, 2, 0.5);
  ASSERT_EQ(weights.size(), 4u);
  EXPECT_DOUBLE_EQ(weights[0], 1.0);
  EXPECT_DOUBLE_EQ(weights[1], 0.5);
  EXPECT_DOUBLE_EQ(weights[2], 0.5 / 3);
  EXPECT_DOUBLE_EQ(weights[3], 0.5 / 4);
}

TEST(WordTableTest, HeadAndTailKeepTheWeightsAndTexts) {
  TextArena arena;
  std::vector<EscapedText> words;
  for (const char* w : {"the", "caf\xc3\xa9", "a\"b", "rare", "rarer"}) {
    words.push_back(arena.Escape(w));
  }
  const std::vector<double> weights = {40, 30, 20, 6, 4};
  const WordTable table(words, weights, 3);
  ExpectFrequencies(table, weights);
  EXPECT_EQ(table.Get(1, false).bytes, "caf\xc3\xa9");
  EXPECT_EQ(table.Get(1, true).bytes, "caf\\u00e9");
  EXPECT_EQ(table.Get(1, true).code_points, 4u);
  EXPECT_EQ(table.Get(2, false).bytes, "a\\\"b");
  EXPECT_EQ(table.Get(4, true).bytes, "rarer");
}

}  // namespace
}  // namespace sluice
