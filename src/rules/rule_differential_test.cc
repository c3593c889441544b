// The indexed matcher (RuleSet::Match) against the reference semantics (ReferenceMatches) on
// random valid rules and random posts over one small vocabulary (match_test_util.h).
//
// Sizes (normal build): 200 batches of 500 rules x 500 posts, every pair compared (100,000
// rules, 100,000 posts, 5·10^7 pairs); then one RuleSet of 100,000 other rules against 100 posts,
// every pair compared (10^7 pairs); then the same with the index anchored by learned key
// frequencies (a quarter of the rules). Under AddressSanitizer: 80 batches of 250 x 250 (20,000
// rules and posts) and 20,000 rules x 50 posts, so that a Debug ASan build stays within a minute.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <vector>

#include "rules/match_test_util.h"
#include "rules/rule_anchors.h"
#include "rules/rule_set.h"

namespace sluice::rules {
namespace {

using testing::OwnedPost;

#if defined(__SANITIZE_ADDRESS__)
constexpr int kBatches = 80, kRulesPerBatch = 250, kPostsPerBatch = 250, kBigPosts = 50;
#else
constexpr int kBatches = 200, kRulesPerBatch = 500, kPostsPerBatch = 500, kBigPosts = 100;
#endif

std::vector<std::shared_ptr<const CompiledRule>> MakeRules(testing::RuleGenerator& generator,
                                                           int count, uint64_t first_id) {
  std::vector<std::shared_ptr<const CompiledRule>> rules;
  while (static_cast<int>(rules.size()) < count) {
    const std::string text = generator.Generate();
    Result<std::shared_ptr<const CompiledRule>> rule =
        CompiledRule::Compile(RuleRecord{first_id + rules.size(), text, std::nullopt, 0});
    EXPECT_TRUE(rule.ok()) << text << ": " << rule.status().message();
    if (!rule.ok()) continue;
    rules.push_back(std::move(*rule));
  }
  return rules;
}

// Compares set.Match(post) with the reference over every rule; returns the reference count.
size_t CheckPost(const RuleSet& set, const PostView& post, MatchScratch& scratch, int* failures) {
  std::vector<uint32_t> matched;
  set.Match(post, scratch, matched);
  std::vector<uint32_t> expected;
  for (size_t r = 0; r < set.size(); ++r) {
    if (ReferenceMatches(set.rules()[r]->ast(), post)) expected.push_back(static_cast<uint32_t>(r));
  }
  if (matched != expected && ++*failures <= 5) {
    size_t i = 0, j = 0;
    while (i < matched.size() && j < expected.size() && matched[i] == expected[j]) ++i, ++j;
    const bool extra = j == expected.size() || (i < matched.size() && matched[i] < expected[j]);
    const uint32_t r = extra ? matched[i] : expected[j];
    ADD_FAILURE() << (extra ? "RuleSet matched, reference did not"
                            : "reference matched, RuleSet did not")
                  << "\n  rule: " << set.rules()[r]->record().value
                  << "\n  post: " << testing::DescribePost(post);
  }
  return expected.size();
}

TEST(RuleDifferentialTest, BatchesEveryPair) {
  testing::RuleGenerator rule_generator(4);
  testing::PostGenerator post_generator(2026);
  MatchScratch scratch;
  int failures = 0;
  size_t pairs = 0, matches = 0;
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::unique_ptr<OwnedPost>> posts;
  for (int i = 0; i < kPostsPerBatch; ++i) posts.push_back(std::make_unique<OwnedPost>());
  for (int batch = 0; batch < kBatches && failures == 0; ++batch) {
    std::shared_ptr<const RuleSet> set = RuleSet::Build(
        MakeRules(rule_generator, kRulesPerBatch, static_cast<uint64_t>(batch) * kRulesPerBatch));
    for (auto& post : posts) {
      post_generator.Fill(*post);
      matches += CheckPost(*set, post->view, scratch, &failures);
      pairs += set->size();
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "differential batches: %d x (%d rules x %d posts) = %zu pairs, density %.3f, %.1f s\n",
      kBatches, kRulesPerBatch, kPostsPerBatch, pairs,
      static_cast<double>(matches) / static_cast<double>(pairs), seconds);
  EXPECT_EQ(failures, 0);
  // Neither almost never nor almost always: the pairs test something.
  EXPECT_GT(matches, pairs / 20);
  EXPECT_LT(matches, pairs * 3 / 4);
}

TEST(RuleDifferentialTest, OneLargeSet) {
  testing::RuleGenerator rule_generator(77);
  testing::PostGenerator post_generator(78);
  const int rule_count = kBatches * kRulesPerBatch;
  std::shared_ptr<const RuleSet> set = RuleSet::Build(MakeRules(rule_generator, rule_count, 1));
  MatchScratch scratch;
  int failures = 0;
  size_t matches = 0;
  const auto start = std::chrono::steady_clock::now();
  OwnedPost post;
  for (int i = 0; i < kBigPosts && failures == 0; ++i) {
    post_generator.Fill(post);
    matches += CheckPost(*set, post.view, scratch, &failures);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("differential large set: %d rules x %d posts, density %.3f, %.1f s\n", rule_count,
              kBigPosts, static_cast<double>(matches) / (1.0 * rule_count * kBigPosts), seconds);
  EXPECT_EQ(failures, 0);
}

// The index anchored by key frequencies learned from other posts (as the server re-indexes once
// it has seen the stream) files rules under other keys, and must still find exactly the
// reference's matches.
TEST(RuleDifferentialTest, LearnedAnchorsEveryPair) {
  testing::RuleGenerator rule_generator(91);
  testing::PostGenerator learning_posts(92);
  testing::PostGenerator post_generator(93);
  const int rule_count = kBatches * kRulesPerBatch / 4;
  std::vector<std::shared_ptr<const CompiledRule>> rules = MakeRules(rule_generator, rule_count, 1);
  std::shared_ptr<const RuleSet> guessed = RuleSet::Build(rules);
  KeyFrequencies live;
  MatchScratch scratch;
  std::vector<uint32_t> matched;
  OwnedPost post;
  for (int i = 0; i < kPostsPerBatch; ++i) {
    learning_posts.Fill(post);
    guessed->Match(post.view, scratch, matched);
    live.Observe(scratch.keys());
  }
  const std::shared_ptr<const KeyFrequencyTable> table = live.Snapshot();
  std::shared_ptr<const RuleSet> learned = RuleSet::Build(rules, table);
  // The statistics must move anchors, or this would only repeat the tests above.
  int moved = 0;
  for (const auto& rule : rules) {
    moved += RuleFilteredAnchors(rule->ast()) != RuleFilteredAnchors(rule->ast(), table.get());
  }
  EXPECT_GT(moved, rule_count / 20);
  int failures = 0;
  size_t matches = 0;
  for (int i = 0; i < kBigPosts && failures == 0; ++i) {
    post_generator.Fill(post);
    matches += CheckPost(*learned, post.view, scratch, &failures);
  }
  std::printf(
      "differential learned anchors: %d rules (%d anchored elsewhere) x %d posts, "
      "density %.3f\n",
      rule_count, moved, kBigPosts, static_cast<double>(matches) / (1.0 * rule_count * kBigPosts));
  EXPECT_EQ(failures, 0);
  EXPECT_GT(matches, 0u);
}

}  // namespace
}  // namespace sluice::rules
