#include "stream/match_workers.h"

#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

#include "post/post_view_test_util.h"
#include "rules/rule_set_test_util.h"

namespace sluice {
namespace {

using rules::testing::CompileRuleSet;

// A job's results for every post, in one comparable form.
std::vector<std::vector<uint64_t>> Results(const MatchWorkers::Job& job, size_t posts) {
  std::vector<std::vector<uint64_t>> out;
  for (size_t p = 0; p < posts; ++p) {
    std::vector<uint64_t>& post = out.emplace_back();
    post.push_back(job.extracted(p) ? 1 : 0);
    for (const MatchWorkers::Hit& hit : job.hits(p)) {
      post.push_back(uint64_t{hit.slot} << 32 | hit.position);
    }
  }
  return out;
}

class MatchWorkersTest : public ::testing::Test {
 protected:
  std::shared_ptr<const CombinedRules> rules_ = CombinedRules::Build(
      {CompileRuleSet({{1, "the", ""}, {2, "has:links", ""}, {3, "you and", ""}}), nullptr,
       CompileRuleSet({{4, "the", ""}, {5, "has:media", ""}})});
};

TEST_F(MatchWorkersTest, HelpersGiveWhatTheCallerAloneGives) {
  MatchWorkers serial(1);
  MatchWorkers parallel(3);
  ASSERT_EQ(parallel.threads(), 3u);
  // One range and several, and batches reusing the buffers after larger ones.
  constexpr int kRange = static_cast<int>(MatchWorkers::kRangePosts);
  for (int posts : {500, 0, 1, kRange - 1, kRange, 2 * kRange + 3, 500}) {
    IngestBatch batch = GeneratePosts(posts + 1, posts);
    if (posts > 2) batch.Add(1, "not JSON");  // last: extracted from a copy, and fails
    const auto want = Results(serial.Run(batch, rules_), batch.size());
    EXPECT_EQ(Results(parallel.Run(batch, rules_), batch.size()), want) << posts << " posts";
    if (posts > 2) {
      EXPECT_EQ(want.back(), std::vector<uint64_t>{0});
    }
    size_t matched = 0;
    for (const auto& post : want) matched += post.size() > 1;
    if (posts >= 100) {
      EXPECT_GT(matched, static_cast<size_t>(posts) / 4) << posts << " posts";
    }
  }
}

TEST_F(MatchWorkersTest, JobsStartedAheadKeepTheirOwnResults) {
  MatchWorkers serial(1);
  MatchWorkers workers(2);
  std::vector<IngestBatch> batches;
  for (int b = 0; b < 5; ++b) batches.push_back(GeneratePosts(20 + b, 150 + 40 * b));
  std::vector<std::vector<std::vector<uint64_t>>> want;
  for (const IngestBatch& batch : batches) {
    want.push_back(Results(serial.Run(batch, rules_), batch.size()));
  }
  // As the pipeline does: start the next batch, then wait for this one and read it.
  MatchWorkers::Job* job = workers.Start(batches[0], rules_);
  for (size_t b = 0; b < batches.size(); ++b) {
    MatchWorkers::Job* next =
        b + 1 < batches.size() ? workers.Start(batches[b + 1], rules_) : nullptr;
    EXPECT_EQ(Results(workers.Wait(job), batches[b].size()), want[b]) << "batch " << b;
    job = next;
  }
}

TEST_F(MatchWorkersTest, DestroyingWaitsForJobsStillRunning) {
  const IngestBatch batch = GeneratePosts(31, 400);
  {
    MatchWorkers workers(2);
    workers.Start(batch, rules_);
  }  // must finish the job before `batch` could go, and stop its helper
  MatchWorkers alone(1);
  alone.Start(batch, rules_);
}

TEST_F(MatchWorkersTest, HitsAreGroupedBySlotInAscendingOrder) {
  MatchWorkers workers(2);
  const IngestBatch batch = GeneratePosts(9, 300);
  const MatchWorkers::Job& job = workers.Run(batch, rules_);
  for (size_t p = 0; p < batch.size(); ++p) {
    const auto hits = job.hits(p);
    for (size_t i = 1; i < hits.size(); ++i) {
      EXPECT_TRUE(hits[i - 1].slot < hits[i].slot ||
                  (hits[i - 1].slot == hits[i].slot && hits[i - 1].position < hits[i].position));
    }
    for (const MatchWorkers::Hit& hit : hits) EXPECT_NE(hit.slot, 1u);  // no rules
  }
}

TEST_F(MatchWorkersTest, ReportsOnePostInEightToTheKeyFrequencies) {
  MatchWorkers workers(2);
  rules::KeyFrequencies frequencies;
  IngestBatch batch = GeneratePosts(11, 200);
  batch.Add(1, "not JSON");  // post 200: sampled, but has no keys to report
  workers.Run(batch, rules_, &frequencies);
  EXPECT_EQ(frequencies.observed(), 200u / MatchWorkers::kObserveEvery);
  workers.Run(batch, rules_);  // none without a sketch
  EXPECT_EQ(frequencies.observed(), 200u / MatchWorkers::kObserveEvery);
  // What was reported are the posts' keys: every post has a lang.
  const auto table = frequencies.Snapshot();
  uint64_t with_lang = 0;
  for (std::string_view lang : {"en", "es", "ja", "pt", "ar", "fr", "de", "und", "ko", "it", "tr",
                                "hi", "in", "ru", "th", "tl", "nl", "pl"}) {
    with_lang += table->Count(rules::KeyHash(rules::KeyKind::kLang, lang));
  }
  EXPECT_GE(with_lang, table->posts() / 2);
}

TEST(MatchWorkersDefaultTest, DefaultThreadsAreBetweenOneAndFour) {
  EXPECT_GE(MatchWorkers::DefaultThreads(), 1u);
  EXPECT_LE(MatchWorkers::DefaultThreads(), 4u);
  MatchWorkers workers(0);
  EXPECT_EQ(workers.threads(), MatchWorkers::DefaultThreads());
}

}  // namespace
}  // namespace sluice
