#include "consumer/reconcile.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "consumer/ndjson_store.h"
#include "consumer/sqlite_store.h"
#include "consumer/store_test_util.h"

namespace sluice::consumer {
namespace {

constexpr int64_t kT0 = 1795428000000;  // 2026-11-23T10:00:00Z

std::filesystem::path FreshDir() { return testing::FreshTestDir("sluice-reconcile"); }

ReceivedPost Post(uint64_t id, int64_t received_ms) {
  return {id, R"({"id":)" + std::to_string(id) + "}", received_ms};
}

std::vector<uint64_t> StoredIds(PostStore& store) {
  std::vector<uint64_t> ids;
  Result<std::vector<ReceivedPost>> posts = store.ReadRange(INT64_MIN, INT64_MAX, SIZE_MAX);
  EXPECT_TRUE(posts.ok()) << posts.status().ToString();
  if (!posts.ok()) return ids;
  for (const ReceivedPost& post : *posts) ids.push_back(post.id);
  return ids;
}

class ReconcileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    emergency_ = NdjsonStore::Open(dir_ / "emergency").value();
    primary_ = SqliteStore::Open((dir_ / "primary.db").string()).value();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  const std::filesystem::path dir_ = FreshDir();
  std::unique_ptr<PostStore> emergency_;
  std::unique_ptr<PostStore> primary_;
};

TEST_F(ReconcileTest, FillsOnlyTheMissingPostsOfTheRange) {
  std::vector<ReceivedPost> feed;
  for (uint64_t id = 1; id <= 10; ++id) feed.push_back(Post(id, kT0 + static_cast<int64_t>(id)));
  ASSERT_TRUE(emergency_->Commit({.posts = feed, .checkpoint = {}}).ok());
  // The primary has 1..10 except 4 and 6..7.
  std::vector<ReceivedPost> primary = {feed[0], feed[1], feed[2], feed[4],
                                       feed[7], feed[8], feed[9]};
  ASSERT_TRUE(primary_->Commit({.posts = primary, .checkpoint = {}}).ok());
  // Range [kT0+3, kT0+9): ids 3..8.
  Result<ReconcileReport> report = Reconcile(*emergency_, *primary_, kT0 + 3, kT0 + 9, 2);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->read, 6u);
  EXPECT_EQ(report->inserted, 3u);
  EXPECT_EQ(report->already_present, 3u);
  EXPECT_EQ(StoredIds(*primary_), (std::vector<uint64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  Result<std::vector<ReceivedPost>> copied = primary_->ReadRange(kT0 + 4, kT0 + 5, 1);
  ASSERT_EQ(copied->size(), 1u);
  EXPECT_EQ((*copied)[0].body, feed[3].body);
}

TEST_F(ReconcileTest, LeavesPostsOutsideTheRange) {
  const std::vector<ReceivedPost> feed = {Post(1, kT0), Post(2, kT0 + 5), Post(3, kT0 + 10)};
  ASSERT_TRUE(emergency_->Commit({.posts = feed, .checkpoint = {}}).ok());
  Result<ReconcileReport> report = Reconcile(*emergency_, *primary_, kT0 + 1, kT0 + 10, 100);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->read, 1u);
  EXPECT_EQ(StoredIds(*primary_), (std::vector<uint64_t>{2}));
}

TEST_F(ReconcileTest, CopiesMorePostsOfOneMillisecondThanABatch) {
  std::vector<ReceivedPost> feed = {Post(1, kT0)};
  for (uint64_t id = 2; id <= 8; ++id) feed.push_back(Post(id, kT0 + 1));
  feed.push_back(Post(9, kT0 + 2));
  ASSERT_TRUE(emergency_->Commit({.posts = feed, .checkpoint = {}}).ok());
  Result<ReconcileReport> report = Reconcile(*emergency_, *primary_, kT0, kT0 + 3, 3);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->read, 9u);
  EXPECT_EQ(report->inserted, 9u);
  EXPECT_EQ(*primary_->CountPosts(), 9u);
}

TEST_F(ReconcileTest, SecondRunFindsEverythingPresent) {
  const std::vector<ReceivedPost> feed = {Post(1, kT0), Post(2, kT0 + 1)};
  ASSERT_TRUE(emergency_->Commit({.posts = feed, .checkpoint = {}}).ok());
  ASSERT_TRUE(Reconcile(*emergency_, *primary_, kT0, kT0 + 2, 10).ok());
  Result<ReconcileReport> again = Reconcile(*emergency_, *primary_, kT0, kT0 + 2, 10);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->inserted, 0u);
  EXPECT_EQ(again->already_present, 2u);
}

TEST_F(ReconcileTest, ZeroBatchSizeIsInvalid) {
  EXPECT_EQ(Reconcile(*emergency_, *primary_, kT0, kT0 + 1, 0).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sluice::consumer
