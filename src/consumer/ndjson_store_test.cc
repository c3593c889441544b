#include "consumer/ndjson_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "consumer/store_test_util.h"

namespace sluice::consumer {
namespace {

constexpr int64_t kHour10 = 1795428000000;  // 2026-11-23T10:00:00Z
constexpr int64_t kHourMs = 3'600'000;

std::filesystem::path FreshDir() {
  return testing::FreshTestDir("sluice-ndjson", /*create=*/false);
}

ReceivedPost Post(uint64_t id, int64_t received_ms) {
  return {id, R"({"id":)" + std::to_string(id) + R"(,"text":"a\\b"})", received_ms};
}

std::unique_ptr<NdjsonStore> OpenOrDie(const std::filesystem::path& dir_,
                                       const NdjsonStoreOptions& options = {}) {
  Result<std::unique_ptr<NdjsonStore>> store = NdjsonStore::Open(dir_, options);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(*store) : nullptr;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

void AppendToFile(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::app) << bytes;
}

std::vector<uint64_t> Ids(const std::vector<ReceivedPost>& posts) {
  std::vector<uint64_t> ids;
  for (const ReceivedPost& post : posts) ids.push_back(post.id);
  return ids;
}

class NdjsonStoreTest : public ::testing::Test {
 protected:
  void TearDown() override { std::filesystem::remove_all(dir_); }
  const std::filesystem::path dir_ = FreshDir();
};

TEST_F(NdjsonStoreTest, FileNamesAreTheUtcHour) {
  EXPECT_EQ(NdjsonStore::HourFileStem(kHour10), "posts-2026112310");
  EXPECT_EQ(NdjsonStore::HourFileStem(kHour10 + kHourMs - 1), "posts-2026112310");
  EXPECT_EQ(NdjsonStore::HourFileStem(kHour10 + kHourMs), "posts-2026112311");
}

TEST_F(NdjsonStoreTest, CommitStoresEachIdOnceWithinAndAcrossBatches) {
  auto store = OpenOrDie(dir_);
  const std::vector<ReceivedPost> first = {Post(1, kHour10), Post(2, kHour10 + 1),
                                           Post(1, kHour10 + 2)};
  Result<CommitResult> result = store->Commit({.posts = first, .checkpoint = {}});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->inserted, (std::vector<uint8_t>{1, 1, 0}));
  const std::vector<ReceivedPost> second = {Post(2, kHour10 + 3), Post(3, kHour10 + 4)};
  result = store->Commit({.posts = second, .checkpoint = {}});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->inserted, (std::vector<uint8_t>{0, 1}));
  EXPECT_EQ(result->inserted_count, 1u);
  EXPECT_EQ(*store->CountPosts(), 3u);
  EXPECT_EQ(ReadFile(dir_ / "posts-2026112310.ndjson"),
            first[0].body + "\n" + first[1].body + "\n" + second[1].body + "\n");
}

TEST_F(NdjsonStoreTest, RotatesFilesByUtcHourOfReceivedTime) {
  auto store = OpenOrDie(dir_);
  const std::vector<ReceivedPost> posts = {Post(1, kHour10 + kHourMs - 1),
                                           Post(2, kHour10 + kHourMs),
                                           Post(3, kHour10 + 2 * kHourMs + 5)};
  ASSERT_TRUE(store->Commit({.posts = posts, .checkpoint = {}}).ok());
  EXPECT_EQ(ReadFile(dir_ / "posts-2026112310.ndjson"), posts[0].body + "\n");
  EXPECT_EQ(ReadFile(dir_ / "posts-2026112311.ndjson"), posts[1].body + "\n");
  EXPECT_EQ(ReadFile(dir_ / "posts-2026112312.ndjson"), posts[2].body + "\n");
  Result<std::vector<ReceivedPost>> range =
      store->ReadRange(kHour10 + kHourMs - 1, kHour10 + 2 * kHourMs + 5, 10);
  ASSERT_TRUE(range.ok());
  EXPECT_EQ(Ids(*range), (std::vector<uint64_t>{1, 2}));
}

TEST_F(NdjsonStoreTest, ReadRangeIsExactOrderedByTimeAndLimited) {
  auto store = OpenOrDie(dir_);
  const std::vector<ReceivedPost> posts = {Post(5, kHour10 + 30), Post(4, kHour10 + 10),
                                           Post(3, kHour10 + 20), Post(2, kHour10 + 40)};
  ASSERT_TRUE(store->Commit({.posts = posts, .checkpoint = {}}).ok());
  Result<std::vector<ReceivedPost>> range = store->ReadRange(kHour10 + 10, kHour10 + 40, 10);
  ASSERT_TRUE(range.ok());
  EXPECT_EQ(Ids(*range), (std::vector<uint64_t>{4, 3, 5}));
  EXPECT_EQ((*range)[0].body, posts[1].body);
  EXPECT_EQ((*range)[0].received_ms, kHour10 + 10);
  EXPECT_EQ(Ids(*store->ReadRange(kHour10, kHour10 + kHourMs, 2)), (std::vector<uint64_t>{4, 3}));
}

TEST_F(NdjsonStoreTest, ReopenKeepsPostsIdsAndCheckpoint) {
  const std::vector<ReceivedPost> posts = {Post(1, kHour10), Post(2, kHour10 + kHourMs)};
  {
    auto store = OpenOrDie(dir_);
    EXPECT_FALSE(store->LoadCheckpoint()->has_value());
    ASSERT_TRUE(store->Commit({.posts = posts, .checkpoint = "c1"}).ok());
  }
  auto store = OpenOrDie(dir_);
  EXPECT_EQ(store->LoadCheckpoint()->value_or(""), "c1");
  EXPECT_EQ(*store->CountPosts(), 2u);
  Result<CommitResult> again = store->Commit({.posts = posts, .checkpoint = {}});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->inserted_count, 0u);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "checkpoint.tmp"));
}

TEST_F(NdjsonStoreTest, CheckpointIsKeptWhenABatchCarriesNone) {
  auto store = OpenOrDie(dir_);
  ASSERT_TRUE(store->Commit({.posts = {}, .checkpoint = "c1"}).ok());
  const std::vector<ReceivedPost> posts = {Post(1, kHour10)};
  ASSERT_TRUE(store->Commit({.posts = posts, .checkpoint = {}}).ok());
  EXPECT_EQ(store->LoadCheckpoint()->value_or(""), "c1");
}

TEST_F(NdjsonStoreTest, TornLastLineIsTruncatedOnOpen) {
  const std::filesystem::path file = dir_ / "posts-2026112310.ndjson";
  const std::vector<ReceivedPost> posts = {Post(1, kHour10), Post(2, kHour10 + 1)};
  {
    auto store = OpenOrDie(dir_);
    ASSERT_TRUE(store->Commit({.posts = posts, .checkpoint = {}}).ok());
  }
  const std::string intact = ReadFile(file);
  AppendToFile(file, R"({"id":3,"te)");  // a crash in the middle of a line
  auto store = OpenOrDie(dir_);
  EXPECT_EQ(ReadFile(file), intact);
  const std::vector<ReceivedPost> more = {Post(3, kHour10 + 2)};
  ASSERT_EQ(store->Commit({.posts = more, .checkpoint = {}})->inserted_count, 1u);
  Result<std::vector<ReceivedPost>> range = store->ReadRange(kHour10, kHour10 + 10, 10);
  ASSERT_TRUE(range.ok());
  ASSERT_EQ(range->size(), 3u);
  EXPECT_EQ((*range)[2].body, more[0].body);
}

TEST_F(NdjsonStoreTest, LinesTheIndexDoesNotHoldAreTruncatedOnOpen) {
  const std::filesystem::path file = dir_ / "posts-2026112310.ndjson";
  const std::filesystem::path index = dir_ / "posts-2026112310.index";
  const std::vector<ReceivedPost> posts = {Post(1, kHour10)};
  {
    auto store = OpenOrDie(dir_);
    ASSERT_TRUE(store->Commit({.posts = posts, .checkpoint = {}}).ok());
  }
  const std::string intact_posts = ReadFile(file);
  const std::string intact_index = ReadFile(index);
  // A crash after the bodies were written but before their whole index line was.
  AppendToFile(file, Post(2, kHour10 + 1).body + "\n");
  AppendToFile(index, "2 " + std::to_string(kHour10 + 1));
  auto store = OpenOrDie(dir_);
  EXPECT_EQ(ReadFile(file), intact_posts);
  EXPECT_EQ(ReadFile(index), intact_index);
  EXPECT_EQ(*store->CountPosts(), 1u);
  const std::vector<ReceivedPost> retry = {Post(2, kHour10 + 1)};
  EXPECT_EQ(store->Commit({.posts = retry, .checkpoint = {}})->inserted_count, 1u);
}

TEST_F(NdjsonStoreTest, IndexLinesBeyondTheBodiesAreDroppedOnOpen) {
  const std::vector<ReceivedPost> posts = {Post(1, kHour10)};
  {
    auto store = OpenOrDie(dir_);
    ASSERT_TRUE(store->Commit({.posts = posts, .checkpoint = {}}).ok());
  }
  AppendToFile(dir_ / "posts-2026112310.index", "2 " + std::to_string(kHour10) + " 9999\n");
  auto store = OpenOrDie(dir_);
  EXPECT_EQ(*store->CountPosts(), 1u);
  const std::vector<ReceivedPost> retry = {Post(2, kHour10 + 1)};
  EXPECT_EQ(store->Commit({.posts = retry, .checkpoint = {}})->inserted_count, 1u);
}

TEST_F(NdjsonStoreTest, BodiesWithoutIndexAreCorruption) {
  std::filesystem::create_directories(dir_);
  AppendToFile(dir_ / "posts-2026112310.ndjson", "{}\n");
  Result<std::unique_ptr<NdjsonStore>> store = NdjsonStore::Open(dir_);
  EXPECT_EQ(store.status().code(), StatusCode::kCorruption);
}

TEST_F(NdjsonStoreTest, IdsOutsideTheDedupWindowAreNotLoaded) {
  const std::vector<ReceivedPost> old_post = {Post(1, kHour10)};
  const std::vector<ReceivedPost> recent_post = {Post(2, kHour10 + 3 * kHourMs)};
  {
    auto store = OpenOrDie(dir_);
    ASSERT_TRUE(store->Commit({.posts = old_post, .checkpoint = {}}).ok());
    ASSERT_TRUE(store->Commit({.posts = recent_post, .checkpoint = {}}).ok());
  }
  auto store = OpenOrDie(dir_, {.dedup_hours = 2});
  EXPECT_EQ(store->Commit({.posts = recent_post, .checkpoint = {}})->inserted_count, 0u);
  EXPECT_EQ(store->Commit({.posts = old_post, .checkpoint = {}})->inserted_count,
            1u);  // documented limit
}

TEST_F(NdjsonStoreTest, BodyWithNewlineIsInvalid) {
  auto store = OpenOrDie(dir_);
  const std::vector<ReceivedPost> posts = {Post(1, kHour10), {2, "{\n}", kHour10}};
  EXPECT_EQ(store->Commit({.posts = posts, .checkpoint = {}}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(*store->CountPosts(), 0u);
}

}  // namespace
}  // namespace sluice::consumer
