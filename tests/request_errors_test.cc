// Each user error gets the right status and a specific body (SPEC §2).
#include <gtest/gtest.h>

#include "support/http_client.h"
#include "support/test_posts.h"
#include "support/test_server.h"

namespace sluice::testing {
namespace {

const std::string kBase = "/stream/sample10/accounts/acme/publishers/twitter/";

class RequestErrorsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = TestServer::Start().release(); }
  static void TearDownTestSuite() { delete server_; }
  static TestServer* server_;

  HttpResult Get(const std::string& target, const std::string& user, const std::string& password,
                 bool gzip = true) {
    Headers headers;
    if (!user.empty()) headers.emplace_back("Authorization", BasicAuth(user, password));
    if (gzip) headers.emplace_back("Accept-Encoding", "gzip");
    return HttpRequest(server_->port(), "GET", target, headers);
  }
};
TestServer* RequestErrorsTest::server_ = nullptr;

TEST_F(RequestErrorsTest, MissingCredentialsAre401) {
  ASSERT_TRUE(server_);
  const HttpResult r = Get(kBase + "decahose.json?partition=1", "", "");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.headers.at("www-authenticate"), "Basic realm=\"sluice\"");
  EXPECT_NE(r.body.find("\"error\":{\"message\":\"Authentication failed"), std::string::npos)
      << r.body;
}

TEST_F(RequestErrorsTest, WrongPasswordIs401) {
  ASSERT_TRUE(server_);
  EXPECT_EQ(Get(kBase + "decahose.json?partition=1", "alice", "wrong").status, 401);
  EXPECT_EQ(Get(kBase + "decahose.json?partition=1", "mallory", "secret").status, 401);
}

TEST_F(RequestErrorsTest, AnotherAccountsStreamIs404) {
  ASSERT_TRUE(server_);
  const HttpResult r = Get(kBase + "decahose.json?partition=1", "bob", "hunter2");
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("No stream at this URL for your account."), std::string::npos) << r.body;
  EXPECT_EQ(Get("/stream/powertrack/accounts/other/publishers/twitter/prod.json", "alice", "secret")
                .status,
            404);
}

TEST_F(RequestErrorsTest, UnknownStreamAndWrongProductAre404) {
  ASSERT_TRUE(server_);
  EXPECT_EQ(Get(kBase + "nope.json?partition=1", "alice", "secret").status, 404);
  const HttpResult r =
      Get("/stream/powertrack/accounts/acme/publishers/twitter/decahose.json", "alice", "secret");
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("is not a powertrack stream"), std::string::npos) << r.body;
}

TEST_F(RequestErrorsTest, BadOrMissingPartitionIs400) {
  ASSERT_TRUE(server_);
  HttpResult r = Get(kBase + "decahose.json", "alice", "secret");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("The partition parameter is required"), std::string::npos) << r.body;
  r = Get(kBase + "decahose.json?partition=3", "alice", "secret");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("Invalid partition '3': must be 1 or 2."), std::string::npos) << r.body;
}

TEST_F(RequestErrorsTest, MissingGzipIs406WhenRequired) {
  ASSERT_TRUE(server_);
  const HttpResult r = Get(kBase + "gz.json?partition=1", "alice", "secret", /*gzip=*/false);
  EXPECT_EQ(r.status, 406);
  EXPECT_NE(r.body.find("Accept-Encoding: gzip"), std::string::npos) << r.body;
}

TEST_F(RequestErrorsTest, UnknownPathIs404AndWrongMethodIs405) {
  ASSERT_TRUE(server_);
  EXPECT_EQ(HttpRequest(server_->port(), "GET", "/nothing/here").status, 404);
  // The test clock exists only on a server started with --manual-clock.
  EXPECT_EQ(HttpRequest(server_->port(), "POST", "/debug/clock?advance_ms=1",
                        {{"Authorization", BasicAuth("ingest", "ingest")}})
                .status,
            404);
  EXPECT_EQ(HttpRequest(server_->port(), "POST", kBase + "decahose.json?partition=1",
                        {{"Authorization", BasicAuth("alice", "secret")}})
                .status,
            405);
}

TEST_F(RequestErrorsTest, IngestNeedsItsOwnCredentials) {
  ASSERT_TRUE(server_);
  const HttpResult r =
      HttpRequest(server_->port(), "POST", "/ingest",
                  {{"Authorization", BasicAuth("alice", "secret")}}, Ndjson(CyclingIds(1)));
  EXPECT_EQ(r.status, 401);
}

TEST_F(RequestErrorsTest, MalformedIngestLinesAreReportedAndTheRestKept) {
  ASSERT_TRUE(server_);
  const auto ids = CyclingIds(3, 9);
  const std::string body = PostJson(ids[0]) + "\n{\"id_str\":\"12\", broken\n" + PostJson(ids[1]) +
                           "\n[1,2]\n" + PostJson(ids[2]) + "\n";
  const HttpResult r = Ingest(server_->port(), body);
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("\"accepted\":3,\"rejected\":2"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("{\"line\":2,"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("{\"line\":4,\"message\":\"post is not a JSON object\"}"),
            std::string::npos)
      << r.body;
}

TEST_F(RequestErrorsTest, IngestOfOnlyBadLinesIs400) {
  ASSERT_TRUE(server_);
  const HttpResult r = Ingest(server_->port(), "not json\n");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("\"accepted\":0,\"rejected\":1"), std::string::npos) << r.body;
}

TEST_F(RequestErrorsTest, OversizedHeadersAre431) {
  ASSERT_TRUE(server_);
  const HttpResult r =
      HttpRequest(server_->port(), "GET", "/metrics", {{"X-Filler", std::string(20000, 'a')}});
  EXPECT_EQ(r.status, 431);
}

}  // namespace
}  // namespace sluice::testing
