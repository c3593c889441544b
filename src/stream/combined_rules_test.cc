#include "stream/combined_rules.h"

#include <gtest/gtest.h>

#include <thread>

#include "rules/rule_set_test_util.h"

namespace sluice {
namespace {

using rules::testing::CompileRuleSet;

PostView ViewOf(const std::vector<std::string_view>& tokens) {
  PostView view;
  view.id = 1;
  view.text_tokens = tokens;
  return view;
}

TEST(CombinedRulesTest, SharedValuesAreIndexedOnceAndReportedToEveryStream) {
  // Slot 1 has no rules; slots 0 and 2 share "cat" and "dog" in different orders.
  auto combined = CombinedRules::Build({CompileRuleSet({{1, "cat"}, {2, "bird"}, {3, "dog"}}),
                                        nullptr, CompileRuleSet({{7, "dog"}, {8, "cat"}})});
  EXPECT_EQ(combined->distinct_rules(), 3u);
  EXPECT_EQ(combined->slot_count(), 3u);
  EXPECT_TRUE(combined->slot_rules(1).empty());
  rules::MatchScratch scratch;
  CombinedMatch match;
  combined->Match(ViewOf({"dog", "and", "cat"}), scratch, match);
  EXPECT_EQ(match.slots, (std::vector<uint32_t>{0, 2}));
  EXPECT_EQ(match.per_slot[0], (std::vector<uint32_t>{0, 2}));
  EXPECT_EQ(match.per_slot[2], (std::vector<uint32_t>{0, 1}));
  // Reused: nothing of the last post is left over.
  combined->Match(ViewOf({"bird"}), scratch, match);
  EXPECT_EQ(match.slots, (std::vector<uint32_t>{0}));
  EXPECT_EQ(match.per_slot[0], (std::vector<uint32_t>{1}));
  EXPECT_TRUE(match.per_slot[2].empty());
  combined->Match(ViewOf({"fish"}), scratch, match);
  EXPECT_TRUE(match.slots.empty());
}

TEST(CombinedRulesTest, BoardPublishesEachChangeAndKeepsOldSnapshotsAlive) {
  RulesBoard board(2);
  EXPECT_TRUE(board.current()->empty());
  board.Set(1, CompileRuleSet({{5, "cat"}}));
  auto first = board.current();
  board.Set(0, CompileRuleSet({{6, "dog"}}));
  auto second = board.current();
  EXPECT_EQ(first->distinct_rules(), 1u);
  EXPECT_EQ(second->distinct_rules(), 2u);
  board.Set(1, nullptr);
  EXPECT_EQ(board.current()->distinct_rules(), 1u);
  rules::MatchScratch scratch;
  CombinedMatch match;
  first->Match(ViewOf({"cat"}), scratch, match);  // still usable after two swaps
  EXPECT_EQ(match.slots, (std::vector<uint32_t>{1}));
}

TEST(CombinedRulesTest, BoardReindexesOnceTheStreamHasBeenLearned) {
  RulesBoard board(2);
  board.Set(0, CompileRuleSet({{1, "extraordinary cat"}, {2, "dog"}}));
  board.Set(1, CompileRuleSet({{3, "dog"}}));
  EXPECT_FALSE(board.RelearnIfDue());  // nothing observed yet
  const auto guessed = board.current();
  rules::MatchScratch scratch;
  CombinedMatch match;
  const PostView common = ViewOf({"extraordinary", "dog"});
  for (uint64_t i = 0; i + 1 < RulesBoard::kFirstLearning; ++i) {
    guessed->Match(common, scratch, match);
    board.key_frequencies().Observe(scratch.keys());
  }
  EXPECT_FALSE(board.RelearnIfDue());
  board.key_frequencies().Observe(scratch.keys());
  EXPECT_TRUE(board.RelearnIfDue());
  EXPECT_FALSE(board.RelearnIfDue());  // not again until kRelearnPosts more
  const auto learned = board.current();
  EXPECT_NE(learned, guessed);
  // The same rules, the same matches, whatever they are filed under.
  learned->Match(ViewOf({"cat", "extraordinary", "dog"}), scratch, match);
  EXPECT_EQ(match.slots, (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(match.per_slot[0], (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(match.per_slot[1], (std::vector<uint32_t>{0}));
  learned->Match(ViewOf({"extraordinary"}), scratch, match);
  EXPECT_TRUE(match.slots.empty());
  // A change after learning is indexed with what was learned, and is not due again.
  board.Set(1, nullptr);
  EXPECT_FALSE(board.RelearnIfDue());
  board.current()->Match(ViewOf({"cat", "extraordinary"}), scratch, match);
  EXPECT_EQ(match.slots, (std::vector<uint32_t>{0}));
}

TEST(CombinedRulesTest, ConcurrentSetsAndReadsAreSafe) {
  RulesBoard board(2);
  std::atomic<bool> stop{false};
  std::thread reader([&] {
    rules::MatchScratch scratch;
    CombinedMatch match;
    while (!stop) board.current()->Match(ViewOf({"cat"}), scratch, match);
  });
  for (int i = 0; i < 200; ++i) board.Set(i % 2, CompileRuleSet({{uint64_t(i + 1), "cat"}}));
  stop = true;
  reader.join();
  EXPECT_EQ(board.current()->distinct_rules(), 1u);
}

}  // namespace
}  // namespace sluice
