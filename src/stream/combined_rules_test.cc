#include "stream/combined_rules.h"

#include <gtest/gtest.h>

#include <thread>

namespace sluice {
namespace {

std::shared_ptr<const rules::RuleSet> Rules(
    const std::vector<std::pair<uint64_t, std::string>>& rules) {
  std::vector<std::shared_ptr<const rules::CompiledRule>> compiled;
  for (const auto& [id, value] : rules) {
    auto rule = rules::CompiledRule::Compile({id, value, std::nullopt, 0});
    EXPECT_TRUE(rule.ok()) << value;
    if (rule.ok()) compiled.push_back(*rule);
  }
  return rules::RuleSet::Build(std::move(compiled));
}

PostView ViewOf(const std::vector<std::string_view>& tokens) {
  PostView view;
  view.id = 1;
  view.text_tokens = tokens;
  return view;
}

TEST(CombinedRulesTest, SharedValuesAreIndexedOnceAndReportedToEveryStream) {
  // Slot 1 has no rules; slots 0 and 2 share "cat" and "dog" in different orders.
  auto combined = CombinedRules::Build(
      {Rules({{1, "cat"}, {2, "bird"}, {3, "dog"}}), nullptr, Rules({{7, "dog"}, {8, "cat"}})});
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
  board.Set(1, Rules({{5, "cat"}}));
  auto first = board.current();
  board.Set(0, Rules({{6, "dog"}}));
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

TEST(CombinedRulesTest, ConcurrentSetsAndReadsAreSafe) {
  RulesBoard board(2);
  std::atomic<bool> stop{false};
  std::thread reader([&] {
    rules::MatchScratch scratch;
    CombinedMatch match;
    while (!stop) board.current()->Match(ViewOf({"cat"}), scratch, match);
  });
  for (int i = 0; i < 200; ++i) board.Set(i % 2, Rules({{uint64_t(i + 1), "cat"}}));
  stop = true;
  reader.join();
  EXPECT_EQ(board.current()->distinct_rules(), 1u);
}

}  // namespace
}  // namespace sluice
