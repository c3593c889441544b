// The redundant connection limit with its grace rule (SPEC §4).
#include <gtest/gtest.h>

#include "stream/system_message.h"
#include "support/http_client.h"
#include "support/test_server.h"

namespace sluice::testing {
namespace {

const std::string kDecahose = "/stream/sample10/accounts/acme/publishers/twitter/decahose.json";

TEST(ConnectionLimitTest, ThirdIsGracedAndThenClosedFourthIsRefused) {
  TestServerOptions options;
  options.connection_limit = 2;
  options.connection_grace_ms = 300;
  options.heartbeat_ms = 50;
  auto server = TestServer::Start(options);
  ASSERT_TRUE(server);
  const std::string url = kDecahose + "?partition=1";
  auto first = StreamClient::Open(server->port(), url, "alice", "secret", false);
  auto second = StreamClient::Open(server->port(), url, "alice", "secret", false);
  auto third = StreamClient::Open(server->port(), url, "alice", "secret", false);
  ASSERT_EQ(first->status(), 200);
  ASSERT_EQ(second->status(), 200);
  ASSERT_EQ(third->status(), 200) << "limit + 1 is accepted for the grace period";

  auto fourth = StreamClient::Open(server->port(), url, "alice", "secret", false);
  EXPECT_EQ(fourth->status(), 429);
  EXPECT_NE(fourth->error_body().find(kConnectionLimitMessage), std::string::npos)
      << fourth->error_body();

  // The other partition counts separately.
  auto other_partition =
      StreamClient::Open(server->port(), kDecahose + "?partition=2", "alice", "secret", false);
  EXPECT_EQ(other_partition->status(), 200);

  // After the grace period the newest (third) connection gets the limit message and a clean end.
  std::string last;
  for (;;) {
    std::optional<std::string> m = third->Next();
    if (!m) break;
    if (!m->empty()) last = *m;
  }
  EXPECT_TRUE(third->ended_cleanly()) << "no zero-length chunk after the system message";
  EXPECT_NE(last.find(kConnectionLimitMessage), std::string::npos) << last;
  EXPECT_EQ(last.rfind("{\"error\":{\"message\":", 0), 0u) << last;

  // The first two keep streaming (heartbeats).
  EXPECT_EQ(first->Next(), "");
  EXPECT_EQ(second->Next(), "");
}

TEST(ConnectionLimitTest, ClosingAConnectionFreesItsSlot) {
  TestServerOptions options;
  options.connection_limit = 1;
  options.heartbeat_ms = 50;
  auto server = TestServer::Start(options);
  ASSERT_TRUE(server);
  const std::string url = kDecahose + "?partition=1";
  auto a = StreamClient::Open(server->port(), url, "alice", "secret", false);
  auto b = StreamClient::Open(server->port(), url, "alice", "secret", false);  // in grace
  ASSERT_EQ(a->status(), 200);
  ASSERT_EQ(b->status(), 200);
  a->Close();
  b->Close();
  // The server notices the closed sockets; a new pair is then admitted again. Poll the
  // connection gauge rather than sleeping a guessed time.
  for (int i = 0; i < 2000; ++i) {
    const HttpResult metrics = HttpRequest(server->port(), "GET", "/metrics");
    if (metrics.body.find("sluice_stream_connections{account=\"acme\",stream=\"decahose\","
                          "partition=\"1\"} 0") != std::string::npos) {
      break;
    }
  }
  auto c = StreamClient::Open(server->port(), url, "alice", "secret", false);
  auto d = StreamClient::Open(server->port(), url, "alice", "secret", false);
  EXPECT_EQ(c->status(), 200);
  EXPECT_EQ(d->status(), 200);
}

}  // namespace
}  // namespace sluice::testing
