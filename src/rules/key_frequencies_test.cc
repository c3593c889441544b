#include "rules/key_frequencies.h"

#include <gtest/gtest.h>

#include "rules/match_keys.h"
#include "rules/rule_anchors.h"
#include "rules/rule_parser.h"
#include "rules/rule_program.h"

namespace sluice::rules {
namespace {

// A post whose keys are the tokens of `text`.
PostKeys KeysOf(std::string_view text, PostView& view, std::vector<std::string>& storage) {
  storage.clear();
  size_t begin = 0;
  while (begin < text.size()) {
    size_t end = text.find(' ', begin);
    if (end == std::string_view::npos) end = text.size();
    storage.emplace_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  view = PostView();
  for (const std::string& token : storage) view.text_tokens.push_back(token);
  PostKeys keys;
  keys.Build(view);
  return keys;
}

uint64_t Token(std::string_view token) { return KeyHash(KeyKind::kToken, token); }

TEST(KeyFrequenciesTest, CountsEachPostsKeysOnce) {
  KeyFrequencies live;
  PostView view;
  std::vector<std::string> storage;
  for (int i = 0; i < 10; ++i) live.Observe(KeysOf("common word common", view, storage));
  for (int i = 0; i < 3; ++i) live.Observe(KeysOf("rare common", view, storage));
  const auto table = live.Snapshot();
  EXPECT_EQ(table->posts(), 13u);
  EXPECT_EQ(live.observed(), 13u);
  // A count-min sketch never counts low; with a handful of keys it is exact.
  EXPECT_EQ(table->Count(Token("common")), 13u);
  EXPECT_EQ(table->Count(Token("word")), 10u);
  EXPECT_EQ(table->Count(Token("rare")), 3u);
  EXPECT_EQ(table->Count(Token("absent")), 0u);
  EXPECT_EQ(table->Count(KeyHash(KeyKind::kHashtag, "common")), 0u);
}

TEST(KeyFrequenciesTest, ShareBlendsTheGuessUntilPostsOutweighIt) {
  KeyFrequencies live;
  PostView view;
  std::vector<std::string> storage;
  const double prior = 0.5;
  EXPECT_DOUBLE_EQ(live.Snapshot()->Share(Token("x"), prior), prior);  // nothing seen
  for (int i = 0; i < 64; ++i) live.Observe(KeysOf("x", view, storage));
  // 64 posts, all with x, weigh as much as the prior's 64.
  EXPECT_DOUBLE_EQ(live.Snapshot()->Share(Token("x"), prior), (64 + 32) / 128.0);
  EXPECT_DOUBLE_EQ(live.Snapshot()->Share(Token("y"), prior), 32 / 128.0);
  for (int i = 0; i < 64 * 100; ++i) live.Observe(KeysOf("y", view, storage));
  EXPECT_LT(live.Snapshot()->Share(Token("x"), prior), 0.02);
  EXPECT_GT(live.Snapshot()->Share(Token("y"), prior), 0.98);
}

TEST(KeyFrequenciesTest, HalvesCountsButKeepsShares) {
  KeyFrequencies live;
  PostView view;
  std::vector<std::string> storage;
  const PostKeys a = KeysOf("a", view, storage);
  const PostKeys ab = KeysOf("a b", view, storage);
  for (uint64_t i = 0; i < KeyFrequencies::kHalvingPosts; ++i) live.Observe(i % 4 == 0 ? ab : a);
  const auto table = live.Snapshot();
  EXPECT_EQ(table->posts(), KeyFrequencies::kHalvingPosts / 2);
  EXPECT_EQ(table->Count(Token("a")), KeyFrequencies::kHalvingPosts / 2);
  EXPECT_EQ(table->Count(Token("b")), KeyFrequencies::kHalvingPosts / 8);
  EXPECT_EQ(live.observed(), KeyFrequencies::kHalvingPosts);
}

TEST(KeyFrequenciesTest, AnchorsMoveToTheKeyPostsShowRarest) {
  Result<Rule> rule = ParseRule("extraordinary cat");
  ASSERT_TRUE(rule.ok());
  // Without statistics the longer word looks rarer.
  auto guessed = RuleFilteredAnchors(*rule);
  ASSERT_TRUE(guessed.has_value());
  ASSERT_EQ(guessed->size(), 1u);
  EXPECT_EQ((*guessed)[0].key, Token("extraordinary"));

  KeyFrequencies live;
  PostView view;
  std::vector<std::string> storage;
  for (int i = 0; i < 1000; ++i) {
    live.Observe(KeysOf(i % 100 == 0 ? "extraordinary cat" : "extraordinary", view, storage));
  }
  const auto table = live.Snapshot();
  auto learned = RuleFilteredAnchors(*rule, table.get());
  ASSERT_TRUE(learned.has_value());
  ASSERT_EQ(learned->size(), 1u);
  EXPECT_EQ((*learned)[0].key, Token("cat"));
  // Whether a rule has anchors at all never depends on the statistics.
  Result<Rule> unanchored = ParseRule("followers_count:10");
  ASSERT_TRUE(unanchored.ok());
  EXPECT_FALSE(RuleFilteredAnchors(*unanchored, table.get()).has_value());
}

TEST(KeyFrequenciesTest, ARuleKeepsTheAnchorsOfTheLastTableAsked) {
  auto rule = CompiledRule::Compile({1, "extraordinary cat", std::nullopt, 0});
  ASSERT_TRUE(rule.ok());
  const auto table_of = [](std::string_view common, std::string_view rare) {
    KeyFrequencies live;
    PostView view;
    std::vector<std::string> storage;
    const std::string both = std::string(common) + " " + std::string(rare);
    for (int i = 0; i < 1000; ++i)
      live.Observe(KeysOf(i % 100 == 0 ? both : common, view, storage));
    return live.Snapshot();
  };
  const auto cat_rare = table_of("extraordinary", "cat");
  const auto cat_common = table_of("cat", "extraordinary");
  const CompiledRule::Program& program = (*rule)->program();
  std::vector<FilteredAnchor> anchors;
  for (int round = 0; round < 2; ++round) {  // the second time from the kept answer
    program.LearnedAnchors((*rule)->ast(), *cat_rare, anchors);
    ASSERT_EQ(anchors.size(), 1u);
    EXPECT_EQ(anchors[0].key, Token("cat"));
  }
  program.LearnedAnchors((*rule)->ast(), *cat_common, anchors);  // another table: chosen again
  ASSERT_EQ(anchors.size(), 1u);
  EXPECT_EQ(anchors[0].key, Token("extraordinary"));
  program.LearnedAnchors((*rule)->ast(), *cat_rare, anchors);
  EXPECT_EQ(anchors[0].key, Token("cat"));
}

}  // namespace
}  // namespace sluice::rules
