// PostgresStore against a real PostgreSQL server (tests/support/postgres_server.h); skipped,
// visibly, where no server binaries are installed.
#include "consumer/postgres_store.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "support/postgres_server.h"

namespace sluice::consumer {
namespace {

using sluice::testing::PostgresServer;

ReceivedPost Post(uint64_t id, int64_t received_ms) {
  return {id, R"({"id":)" + std::to_string(id) + "}", received_ms};
}

std::vector<uint64_t> Ids(const std::vector<ReceivedPost>& posts) {
  std::vector<uint64_t> ids;
  for (const ReceivedPost& post : posts) ids.push_back(post.id);
  return ids;
}

class PostgresStoreTest : public ::testing::Test {
 protected:
  // One server for the suite (initdb takes a second or two); each test starts without tables.
  static void SetUpTestSuite() { server_ = PostgresServer::Start(&skip_reason_).release(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  void SetUp() override {
    if (!server_) GTEST_SKIP() << "PostgreSQL unavailable: " << skip_reason_;
    ASSERT_TRUE(Sql("DROP TABLE IF EXISTS posts, consumer_checkpoint CASCADE").empty());
  }

  std::unique_ptr<PostgresStore> OpenOrDie() {
    Result<std::unique_ptr<PostgresStore>> store = PostgresStore::Open(server_->conninfo());
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(*store) : nullptr;
  }

  // Runs `sql` on its own connection; the first value of the result, or the error.
  static std::string Sql(const std::string& sql) {
    PgConnection connection(PQconnectdb(server_->conninfo().c_str()));
    if (PQstatus(connection.get()) != CONNECTION_OK) return PQerrorMessage(connection.get());
    PQsetNoticeProcessor(
        connection.get(), [](void*, const char*) {}, nullptr);
    PgResult result(PQexec(connection.get(), sql.c_str()));
    if (PQresultStatus(result.get()) == PGRES_TUPLES_OK && PQntuples(result.get()) > 0) {
      return PQgetvalue(result.get(), 0, 0);
    }
    if (PQresultStatus(result.get()) == PGRES_COMMAND_OK) return "";
    return PQresultErrorMessage(result.get());
  }

  static PostgresServer* server_;
  static std::string skip_reason_;
};

PostgresServer* PostgresStoreTest::server_ = nullptr;
std::string PostgresStoreTest::skip_reason_;

TEST_F(PostgresStoreTest, CommitStoresEachIdOnceWithinABatch) {
  auto store = OpenOrDie();
  const std::vector<ReceivedPost> posts = {Post(1, 10), Post(2, 11), Post(1, 12), Post(3, 13)};
  Result<CommitResult> result = store->Commit({.posts = posts, .checkpoint = {}});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->inserted, (std::vector<uint8_t>{1, 1, 0, 1}));
  EXPECT_EQ(result->inserted_count, 3u);
  EXPECT_EQ(*store->CountPosts(), 3u);
}

TEST_F(PostgresStoreTest, CommitSkipsIdsOfEarlierBatches) {
  auto store = OpenOrDie();
  const std::vector<ReceivedPost> first = {Post(1, 10), Post(2, 11)};
  const std::vector<ReceivedPost> second = {Post(2, 20), Post(3, 21), Post(3, 22)};
  ASSERT_TRUE(store->Commit({.posts = first, .checkpoint = {}}).ok());
  Result<CommitResult> result = store->Commit({.posts = second, .checkpoint = {}});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->inserted, (std::vector<uint8_t>{0, 1, 0}));
  EXPECT_EQ(Sql("SELECT received_ms FROM posts WHERE id = 2"), "11");
}

TEST_F(PostgresStoreTest, BodiesRoundTripExactly) {
  auto store = OpenOrDie();
  const std::vector<ReceivedPost> posts = {
      {1,
       R"({"text":"back\\slash \"quoted\" tab	cr)"
       "\r"
       R"( nl)"
       "\n"
       R"( é 😀"})",
       10},
      {2, R"(\N)", 11},  // COPY's NULL marker must arrive as the two characters
      {(uint64_t{1} << 63) - 1, "{}", 12}};
  ASSERT_TRUE(store->Commit({.posts = posts, .checkpoint = {}}).ok());
  Result<std::vector<ReceivedPost>> stored = store->ReadRange(0, 100, 10);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  ASSERT_EQ(stored->size(), 3u);
  for (size_t i = 0; i < posts.size(); ++i) {
    EXPECT_EQ((*stored)[i].id, posts[i].id);
    EXPECT_EQ((*stored)[i].body, posts[i].body);
    EXPECT_EQ((*stored)[i].received_ms, posts[i].received_ms);
  }
}

TEST_F(PostgresStoreTest, CheckpointIsReplacedOnlyWhenGiven) {
  auto store = OpenOrDie();
  EXPECT_FALSE(store->LoadCheckpoint()->has_value());
  const std::vector<ReceivedPost> posts = {Post(1, 10)};
  ASSERT_TRUE(store->Commit({.posts = posts, .checkpoint = "c1"}).ok());
  ASSERT_TRUE(store->Commit({.posts = {}, .checkpoint = {}}).ok());
  EXPECT_EQ(store->LoadCheckpoint()->value_or(""), "c1");
  ASSERT_TRUE(store->Commit({.posts = {}, .checkpoint = "c2"}).ok());
  EXPECT_EQ(store->LoadCheckpoint()->value_or(""), "c2");
}

TEST_F(PostgresStoreTest, FailedCommitStoresNeitherPostsNorCheckpoint) {
  auto store = OpenOrDie();
  ASSERT_EQ(Sql("CREATE OR REPLACE FUNCTION fail_666() RETURNS trigger AS $$ BEGIN "
                "IF NEW.id = 666 THEN RAISE EXCEPTION 'injected'; END IF; RETURN NEW; END $$ "
                "LANGUAGE plpgsql"),
            "");
  ASSERT_EQ(Sql("CREATE TRIGGER fail BEFORE INSERT ON posts FOR EACH ROW "
                "EXECUTE FUNCTION fail_666()"),
            "");
  const std::vector<ReceivedPost> posts = {Post(1, 10), Post(666, 11)};
  Result<CommitResult> result = store->Commit({.posts = posts, .checkpoint = "after 666"});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kIoError);
  EXPECT_EQ(*store->CountPosts(), 0u);
  EXPECT_FALSE(store->LoadCheckpoint()->has_value());
  // The session is usable again and its temp table empty.
  const std::vector<ReceivedPost> retry = {Post(1, 10)};
  Result<CommitResult> again = store->Commit({.posts = retry, .checkpoint = "c"});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->inserted_count, 1u);
  EXPECT_EQ(*store->CountPosts(), 1u);
}

TEST_F(PostgresStoreTest, IdAbove2To63IsInvalid) {
  auto store = OpenOrDie();
  const std::vector<ReceivedPost> posts = {Post(uint64_t{1} << 63, 10)};
  EXPECT_EQ(store->Commit({.posts = posts, .checkpoint = {}}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(PostgresStoreTest, ReopenKeepsPostsAndCheckpoint) {
  const std::vector<ReceivedPost> posts = {Post(1, 10), Post(2, 11)};
  {
    auto store = OpenOrDie();
    ASSERT_TRUE(store->Commit({.posts = posts, .checkpoint = "c"}).ok());
  }
  auto store = OpenOrDie();
  EXPECT_EQ(*store->CountPosts(), 2u);
  EXPECT_EQ(store->LoadCheckpoint()->value_or(""), "c");
  EXPECT_EQ(store->Commit({.posts = posts, .checkpoint = {}})->inserted_count, 0u);
}

TEST_F(PostgresStoreTest, ReadRangeIsHalfOpenOrderedByTimeAndLimited) {
  auto store = OpenOrDie();
  const std::vector<ReceivedPost> posts = {Post(5, 30), Post(4, 10), Post(3, 20), Post(2, 40)};
  ASSERT_TRUE(store->Commit({.posts = posts, .checkpoint = {}}).ok());
  EXPECT_EQ(Ids(*store->ReadRange(10, 40, 10)), (std::vector<uint64_t>{4, 3, 5}));
  EXPECT_EQ(Ids(*store->ReadRange(10, 40, 2)), (std::vector<uint64_t>{4, 3}));
}

TEST_F(PostgresStoreTest, TablesAreTheDocumentedInterface) {
  auto store = OpenOrDie();
  const std::vector<ReceivedPost> posts = {Post(42, 10)};
  ASSERT_TRUE(store->Commit({.posts = posts, .checkpoint = {}}).ok());
  EXPECT_EQ(Sql("SELECT id FROM posts"), "42");
  EXPECT_EQ(Sql("SELECT body FROM posts WHERE id = 42"), posts[0].body);
}

TEST_F(PostgresStoreTest, DescribeNeverShowsThePassword) {
  Result<std::unique_ptr<PostgresStore>> store =
      PostgresStore::Open(server_->conninfo() + " password=hunter2");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ((*store)->Describe().find("hunter2"), std::string::npos) << (*store)->Describe();
  EXPECT_NE((*store)->Describe().find("port=" + std::to_string(server_->port())),
            std::string::npos);
}

TEST_F(PostgresStoreTest, AcceptsAPostgresqlUrl) {
  Result<std::unique_ptr<PostgresStore>> store = PostgresStore::Open(
      "postgresql://sluice@127.0.0.1:" + std::to_string(server_->port()) + "/postgres");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
}

TEST_F(PostgresStoreTest, ReconnectsOnceAfterTheServerRestarts) {
  auto store = OpenOrDie();
  const std::vector<ReceivedPost> first = {Post(1, 10)};
  ASSERT_TRUE(store->Commit({.posts = first, .checkpoint = "c1"}).ok());
  std::string error;
  ASSERT_TRUE(server_->Restart(&error)) << error;
  const std::vector<ReceivedPost> second = {Post(1, 10), Post(2, 11)};
  Result<CommitResult> result = store->Commit({.posts = second, .checkpoint = "c2"});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->inserted, (std::vector<uint8_t>{0, 1}));
  EXPECT_EQ(store->LoadCheckpoint()->value_or(""), "c2");
}

}  // namespace
}  // namespace sluice::consumer
