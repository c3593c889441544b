#include "consumer/sqlite_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "consumer/store_test_util.h"

namespace sluice::consumer {
namespace {

std::filesystem::path FreshDir() { return testing::FreshTestDir("sluice-sqlite"); }

ReceivedPost Post(uint64_t id, int64_t received_ms) {
  return {id, R"({"id":)" + std::to_string(id) + R"(,"text":"tab\there"})", received_ms};
}

std::unique_ptr<SqliteStore> OpenOrDie(const std::filesystem::path& path) {
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path.string());
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(*store) : nullptr;
}

std::vector<ReceivedPost> BigPosts(uint64_t first_id, size_t count) {
  std::vector<ReceivedPost> posts;
  for (uint64_t id = first_id; id < first_id + count; ++id) {
    posts.push_back(
        {id, R"({"id":)" + std::to_string(id) + R"(,"text":")" + std::string(3000, 'x') + R"("})",
         static_cast<int64_t>(id)});
  }
  return posts;
}

uint64_t FileSize(const std::filesystem::path& path) {
  std::error_code error;
  const uintmax_t size = std::filesystem::file_size(path, error);
  return error ? 0 : static_cast<uint64_t>(size);
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  void TearDown() override { std::filesystem::remove_all(dir_); }
  const std::filesystem::path dir_ = FreshDir();
};

TEST_F(SqliteStoreTest, CommitStoresEachIdOnceWithinABatch) {
  auto store = OpenOrDie(dir_ / "posts.db");
  const std::vector<ReceivedPost> posts = {Post(1, 10), Post(2, 11), Post(1, 12), Post(3, 13)};
  Result<CommitResult> result = store->Commit({.posts = posts, .checkpoint = {}});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->inserted, (std::vector<uint8_t>{1, 1, 0, 1}));
  EXPECT_EQ(result->inserted_count, 3u);
  EXPECT_EQ(*store->CountPosts(), 3u);
}

TEST_F(SqliteStoreTest, CommitSkipsIdsOfEarlierBatches) {
  auto store = OpenOrDie(dir_ / "posts.db");
  const std::vector<ReceivedPost> first = {Post(1, 10), Post(2, 11)};
  const std::vector<ReceivedPost> second = {Post(2, 20), Post(3, 21)};
  ASSERT_TRUE(store->Commit({.posts = first, .checkpoint = {}}).ok());
  Result<CommitResult> result = store->Commit({.posts = second, .checkpoint = {}});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->inserted, (std::vector<uint8_t>{0, 1}));
  // The first body and time of id 2 are kept.
  Result<std::vector<ReceivedPost>> stored = store->ReadRange(0, 100, 10);
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->size(), 3u);
  EXPECT_EQ((*stored)[1].id, 2u);
  EXPECT_EQ((*stored)[1].received_ms, 11);
}

TEST_F(SqliteStoreTest, CheckpointIsKeptWhenABatchCarriesNone) {
  auto store = OpenOrDie(dir_ / "posts.db");
  EXPECT_FALSE(store->LoadCheckpoint()->has_value());
  const std::vector<ReceivedPost> posts = {Post(1, 10)};
  ASSERT_TRUE(store->Commit({.posts = posts, .checkpoint = "c1"}).ok());
  ASSERT_TRUE(store->Commit({.posts = {}, .checkpoint = {}}).ok());
  EXPECT_EQ(store->LoadCheckpoint()->value_or(""), "c1");
  ASSERT_TRUE(store->Commit({.posts = {}, .checkpoint = "c2"}).ok());
  EXPECT_EQ(store->LoadCheckpoint()->value_or(""), "c2");
}

TEST_F(SqliteStoreTest, FailedCommitStoresNeitherPostsNorCheckpoint) {
  const std::filesystem::path path = dir_ / "posts.db";
  auto store = OpenOrDie(path);
  {
    // A trigger makes the second insert of the batch fail inside the transaction.
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
    SqliteHandle db(raw);
    ASSERT_EQ(sqlite3_exec(db.get(),
                           "CREATE TRIGGER fail BEFORE INSERT ON posts WHEN NEW.id = 666 "
                           "BEGIN SELECT RAISE(ABORT, 'injected'); END;",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
  }
  const std::vector<ReceivedPost> posts = {Post(1, 10), Post(666, 11)};
  Result<CommitResult> result = store->Commit({.posts = posts, .checkpoint = "after 666"});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kIoError);
  EXPECT_EQ(*store->CountPosts(), 0u);
  EXPECT_FALSE(store->LoadCheckpoint()->has_value());
  // The connection is usable again: no transaction was left open.
  const std::vector<ReceivedPost> retry = {Post(1, 10)};
  EXPECT_TRUE(store->Commit({.posts = retry, .checkpoint = "c"}).ok());
  EXPECT_EQ(*store->CountPosts(), 1u);
}

TEST_F(SqliteStoreTest, IdAbove2To63IsInvalidAndNothingIsStored) {
  auto store = OpenOrDie(dir_ / "posts.db");
  const std::vector<ReceivedPost> posts = {Post(1, 10), Post(uint64_t{1} << 63, 11)};
  Result<CommitResult> result = store->Commit({.posts = posts, .checkpoint = {}});
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(*store->CountPosts(), 0u);
}

TEST_F(SqliteStoreTest, ReopenKeepsPostsAndCheckpoint) {
  const std::filesystem::path path = dir_ / "posts.db";
  const std::vector<ReceivedPost> posts = {Post(7, 10), Post((uint64_t{1} << 63) - 1, 11)};
  {
    auto store = OpenOrDie(path);
    ASSERT_TRUE(store->Commit({.posts = posts, .checkpoint = "c"}).ok());
  }
  auto store = OpenOrDie(path);
  EXPECT_EQ(*store->CountPosts(), 2u);
  EXPECT_EQ(store->LoadCheckpoint()->value_or(""), "c");
  Result<std::vector<ReceivedPost>> stored = store->ReadRange(0, 100, 10);
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->size(), 2u);
  EXPECT_EQ((*stored)[1].id, posts[1].id);
  EXPECT_EQ((*stored)[1].body, posts[1].body);
  Result<CommitResult> again = store->Commit({.posts = posts, .checkpoint = {}});
  EXPECT_EQ(again->inserted_count, 0u);
}

TEST_F(SqliteStoreTest, ReadRangeIsHalfOpenOrderedByTimeAndLimited) {
  auto store = OpenOrDie(dir_ / "posts.db");
  const std::vector<ReceivedPost> posts = {Post(5, 30), Post(4, 10), Post(3, 20), Post(2, 40)};
  ASSERT_TRUE(store->Commit({.posts = posts, .checkpoint = {}}).ok());
  Result<std::vector<ReceivedPost>> range = store->ReadRange(10, 40, 10);
  ASSERT_TRUE(range.ok());
  std::vector<uint64_t> ids;
  for (const ReceivedPost& post : *range) ids.push_back(post.id);
  EXPECT_EQ(ids, (std::vector<uint64_t>{4, 3, 5}));
  EXPECT_EQ(store->ReadRange(10, 40, 2)->size(), 2u);
}

TEST_F(SqliteStoreTest, TablesAreTheDocumentedInterface) {
  const std::filesystem::path path = dir_ / "posts.db";
  auto store = OpenOrDie(path);
  const std::vector<ReceivedPost> posts = {Post(42, 10)};
  ASSERT_TRUE(store->Commit({.posts = posts, .checkpoint = {}}).ok());
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
  SqliteHandle db(raw);
  sqlite3_stmt* raw_statement = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db.get(), "SELECT id, body, received_ms FROM posts", -1,
                               &raw_statement, nullptr),
            SQLITE_OK);
  SqliteStatement statement(raw_statement);
  ASSERT_EQ(sqlite3_step(statement.get()), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int64(statement.get(), 0), 42);
  EXPECT_EQ(reinterpret_cast<const char*>(sqlite3_column_text(statement.get(), 1)), posts[0].body);
  EXPECT_EQ(sqlite3_column_int64(statement.get(), 2), 10);
}

TEST_F(SqliteStoreTest, LogStaysBoundedWhileAnotherConnectionReads) {
  const std::filesystem::path path = dir_ / "posts.db";
  // A checkpoint pass after every Commit, racing the writer's own checkpoints at small sizes.
  const SqliteStoreOptions options = {.wal_checkpoint_bytes = 1,
                                      .checkpoint_interval = std::chrono::milliseconds(1),
                                      .wal_restart_bytes = 256 << 10,
                                      .wal_limit_bytes = 1 << 20};
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path.string(), options);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  std::atomic<bool> writing = true;
  std::atomic<int64_t> reads = 0;
  std::atomic<int64_t> last_seen = 0;
  std::atomic<bool> reader_failed = false;
  std::thread reader([&] {
    sqlite3* raw = nullptr;
    if (sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      reader_failed = true;
    }
    SqliteHandle db(raw);
    sqlite3_busy_timeout(db.get(), 5000);
    while (writing && !reader_failed) {
      sqlite3_stmt* raw_statement = nullptr;
      if (sqlite3_prepare_v2(db.get(), "SELECT count(*) FROM posts", -1, &raw_statement, nullptr) !=
          SQLITE_OK) {
        reader_failed = true;
        break;
      }
      SqliteStatement count(raw_statement);
      if (sqlite3_step(count.get()) != SQLITE_ROW) {
        reader_failed = true;
        break;
      }
      const int64_t seen = sqlite3_column_int64(count.get(), 0);
      if (seen < last_seen) reader_failed = true;  // a reader never sees commits undone
      last_seen = seen;
      ++reads;
    }
  });
  constexpr size_t kBatch = 20;  // ~60 KB
  constexpr size_t kBatches = 100;
  uint64_t largest_log = 0;
  for (size_t i = 0; i < kBatches; ++i) {
    const std::vector<ReceivedPost> posts = BigPosts(1 + i * kBatch, kBatch);
    Result<CommitResult> result = (*store)->Commit({.posts = posts, .checkpoint = "c"});
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    ASSERT_EQ(result->inserted_count, kBatch);
    largest_log = std::max(largest_log, FileSize(path.string() + "-wal"));
  }
  writing = false;
  reader.join();
  EXPECT_FALSE(reader_failed);
  EXPECT_GT(reads, 0);
  // 6 MB written in all; the log never holds much more than the limit plus one batch.
  EXPECT_LT(largest_log, uint64_t{2} << 20);
  EXPECT_EQ(*(*store)->CountPosts(), kBatch * kBatches);
}

TEST_F(SqliteStoreTest, LogStartsOverAtTheRestartSize) {
  const std::filesystem::path path = dir_ / "posts.db";
  // The background checkpointer stays idle: the writer's own checkpoint bounds the log.
  const SqliteStoreOptions options = {.wal_checkpoint_bytes = uint64_t{1} << 40,
                                      .checkpoint_interval = std::chrono::hours(1),
                                      .wal_restart_bytes = 512 << 10};
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path.string(), options);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  uint64_t largest_log = 0;
  for (uint64_t first = 1; first <= 2000; first += 20) {
    const std::vector<ReceivedPost> posts = BigPosts(first, 20);
    ASSERT_TRUE((*store)->Commit({.posts = posts, .checkpoint = "c"}).ok());
    largest_log = std::max(largest_log, FileSize(path.string() + "-wal"));
  }
  EXPECT_LT(largest_log, uint64_t{1} << 20);  // of 6 MB written
  EXPECT_EQ(*(*store)->CountPosts(), 2000u);
}

TEST_F(SqliteStoreTest, CommitFailsCleanlyWhileAReaderPinsAFullLog) {
  const std::filesystem::path path = dir_ / "posts.db";
  const SqliteStoreOptions options = {.wal_restart_bytes = 256 << 10,
                                      .wal_limit_bytes = 512 << 10,
                                      .busy_timeout = std::chrono::milliseconds(10)};
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path.string(), options);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
  SqliteHandle reader(raw);
  // An open read transaction keeps its snapshot, and thus the log after it, alive.
  ASSERT_EQ(
      sqlite3_exec(reader.get(), "BEGIN; SELECT count(*) FROM posts;", nullptr, nullptr, nullptr),
      SQLITE_OK);
  uint64_t next_id = 1;
  Status failure = Status::Ok();
  for (int i = 0; i < 100 && failure.ok(); ++i) {
    const std::vector<ReceivedPost> posts = BigPosts(next_id, 20);
    Result<CommitResult> result = (*store)->Commit({.posts = posts, .checkpoint = {}});
    if (result.ok()) {
      next_id += posts.size();
    } else {
      failure = result.status();
    }
  }
  ASSERT_FALSE(failure.ok()) << "the log grew past its limit without a failed Commit";
  EXPECT_EQ(failure.code(), StatusCode::kIoError);
  EXPECT_NE(failure.message().find("cannot be checkpointed"), std::string::npos)
      << failure.ToString();
  EXPECT_EQ(*(*store)->CountPosts(), next_id - 1);  // nothing of the failed batch
  ASSERT_EQ(sqlite3_exec(reader.get(), "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
  const std::vector<ReceivedPost> retry = BigPosts(next_id, 20);
  Result<CommitResult> result = (*store)->Commit({.posts = retry, .checkpoint = {}});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->inserted_count, retry.size());
}

TEST_F(SqliteStoreTest, CloseCheckpointsEverythingAndRemovesTheLog) {
  const std::filesystem::path path = dir_ / "posts.db";
  const SqliteStoreOptions options = {.wal_checkpoint_bytes = 1};
  for (int open = 0; open < 3; ++open) {
    Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path.string(), options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    for (int i = 0; i < 5; ++i) {
      const std::vector<ReceivedPost> posts = BigPosts(1 + (open * 5 + i) * 10, 10);
      ASSERT_TRUE((*store)->Commit({.posts = posts, .checkpoint = "c"}).ok());
    }
  }  // each destructor stops and joins the checkpointer, then closes the last connection
  EXPECT_FALSE(std::filesystem::exists(path.string() + "-wal"));
  auto store = OpenOrDie(path);
  EXPECT_EQ(*store->CountPosts(), 150u);
}

TEST_F(SqliteStoreTest, DescribeNamesThePath) {
  const std::filesystem::path path = dir_ / "posts.db";
  EXPECT_EQ(OpenOrDie(path)->Describe(), "sqlite:" + path.string());
}

TEST_F(SqliteStoreTest, OpenFailsForAPathThatCannotBeADatabase) {
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open("/nonexistent-dir/x/posts.db");
  EXPECT_EQ(store.status().code(), StatusCode::kIoError);
}

}  // namespace
}  // namespace sluice::consumer
