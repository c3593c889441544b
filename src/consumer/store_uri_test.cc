#include "consumer/store_uri.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "consumer/store_test_util.h"

namespace sluice::consumer {
namespace {

std::filesystem::path FreshDir() { return testing::FreshTestDir("sluice-uri"); }

class StoreUriTest : public ::testing::Test {
 protected:
  void TearDown() override { std::filesystem::remove_all(dir_); }
  const std::filesystem::path dir_ = FreshDir();
};

TEST_F(StoreUriTest, OpensSqlite) {
  const std::string path = (dir_ / "posts.db").string();
  Result<std::unique_ptr<PostStore>> store = OpenStore("sqlite:" + path);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ((*store)->Describe(), "sqlite:" + path);
}

TEST_F(StoreUriTest, OpensNdjson) {
  const std::string dir = (dir_ / "out").string();
  Result<std::unique_ptr<PostStore>> store = OpenStore("ndjson:" + dir);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ((*store)->Describe(), "ndjson:" + dir);
  EXPECT_TRUE(std::filesystem::is_directory(dir));
}

TEST_F(StoreUriTest, UnknownSchemeIsInvalid) {
  for (const char* uri : {"mysql:db", "sqlite3:/tmp/x", "file:/tmp/x", ":x"}) {
    Result<std::unique_ptr<PostStore>> store = OpenStore(uri);
    EXPECT_EQ(store.status().code(), StatusCode::kInvalidArgument) << uri;
    EXPECT_NE(store.status().message().find("expected sqlite:PATH"), std::string::npos)
        << store.status().message();
  }
}

TEST_F(StoreUriTest, MissingSchemeIsInvalid) {
  for (const char* uri : {"", "/tmp/posts.db"}) {
    Result<std::unique_ptr<PostStore>> store = OpenStore(uri);
    EXPECT_EQ(store.status().code(), StatusCode::kInvalidArgument) << uri;
    EXPECT_NE(store.status().message().find("no scheme"), std::string::npos);
  }
}

TEST_F(StoreUriTest, EmptyPathIsInvalid) {
  for (const char* uri : {"sqlite:", "ndjson:", "postgres:"}) {
    EXPECT_EQ(OpenStore(uri).status().code(), StatusCode::kInvalidArgument) << uri;
  }
}

TEST_F(StoreUriTest, BadPostgresConninfoIsInvalidWithoutConnecting) {
  Result<std::unique_ptr<PostStore>> store = OpenStore("postgres:nosuchoption=1 password=hunter2");
  EXPECT_EQ(store.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store.status().message().find("hunter2"), std::string::npos);
}

TEST_F(StoreUriTest, UnreachablePostgresIsAnIoErrorWithoutThePassword) {
  // Port 1 on loopback refuses at once.
  Result<std::unique_ptr<PostStore>> store =
      OpenStore("postgresql://sluice:hunter2@127.0.0.1:1/db");
  EXPECT_EQ(store.status().code(), StatusCode::kIoError);
  EXPECT_EQ(store.status().message().find("hunter2"), std::string::npos)
      << store.status().message();
}

}  // namespace
}  // namespace sluice::consumer
