// Heartbeats, gzip framing for a client joining mid-stream, slow readers, clean shutdown.
#include <gtest/gtest.h>
#include <signal.h>

#include <set>

#include "post/sample.h"
#include "stream/system_message.h"
#include "support/http_client.h"
#include "support/test_posts.h"
#include "support/test_server.h"

namespace sluice::testing {
namespace {

const std::string kDecahose = "/stream/sample10/accounts/acme/publishers/twitter/decahose.json";
const std::string kGz = "/stream/sample10/accounts/acme/publishers/twitter/gz.json";

TEST(StreamWireTest, IdleStreamGetsHeartbeats) {
  TestServerOptions options;
  options.heartbeat_ms = 20;  // the 10 s heartbeat, in milliseconds
  auto server = TestServer::Start(options);
  ASSERT_TRUE(server);
  for (bool gzip : {false, true}) {
    auto c =
        StreamClient::Open(server->port(), kDecahose + "?partition=2", "alice", "secret", gzip);
    ASSERT_EQ(c->status(), 200);
    EXPECT_EQ(c->headers().count("content-encoding"), gzip ? 1u : 0u);
    for (int i = 0; i < 3; ++i) {
      std::optional<std::string> m = c->Next();
      ASSERT_TRUE(m) << "no heartbeat (gzip " << gzip << ")";
      EXPECT_EQ(*m, "");
    }
  }
  const HttpResult metrics = HttpRequest(server->port(), "GET", "/metrics");
  EXPECT_NE(
      metrics.body.find("sluice_stream_heartbeats_total{account=\"acme\",stream=\"decahose\"}"),
      std::string::npos);
}

TEST(StreamWireTest, GzipClientJoiningMidStreamDecodesEverythingAfterIt) {
  auto server = TestServer::Start();
  ASSERT_TRUE(server);
  // A first gzip client makes the stream deflate its batches; a second joins after some batches.
  auto early = StreamClient::Open(server->port(), kGz + "?partition=1", "alice", "secret", true);
  ASSERT_EQ(early->status(), 200);
  const auto before = CyclingIds(4000, 1);
  ASSERT_EQ(Ingest(server->port(), Ndjson(before)).status, 200);
  auto late = StreamClient::Open(server->port(), kGz + "?partition=1", "alice", "secret", true);
  ASSERT_EQ(late->status(), 200);
  ASSERT_EQ(late->headers().at("content-encoding"), "gzip");
  const auto after = CyclingIds(4000, 2);
  for (size_t i = 0; i < after.size(); i += 500) {
    std::vector<uint64_t> part(after.begin() + i, after.begin() + i + 500);
    ASSERT_EQ(Ingest(server->port(), Ndjson(part)).status, 200);
  }
  std::vector<uint64_t> expected;
  for (uint64_t id : after) {
    if (InDecahose(id) && DecahosePartition(id) == 1) expected.push_back(id);
  }
  std::vector<uint64_t> got;
  while (got.size() < expected.size()) {
    std::optional<std::string> m = late->Next();
    ASSERT_TRUE(m) << "gzip stream broke after " << got.size() << " posts";
    if (!m->empty()) got.push_back(IdOf(*m));
  }
  EXPECT_EQ(got, expected);
  // A clean server close ends the gzip member properly (trailer CRC verified by zlib).
  server->Signal(SIGTERM);
  std::string last;
  while (std::optional<std::string> m = late->Next()) {
    if (!m->empty()) last = *m;
  }
  EXPECT_TRUE(late->ended_cleanly());
  EXPECT_NE(last.find(kOperationalMessage), std::string::npos) << last;
}

TEST(StreamWireTest, SlowReaderIsCutWhileFastReaderKeepsReceiving) {
  TestServerOptions options;
  options.slow_reader_bytes = 256 << 10;
  auto server = TestServer::Start(options);
  ASSERT_TRUE(server);
  const std::string url = kDecahose + "?partition=1";
  auto slow = StreamClient::Open(server->port(), url, "alice", "secret", false, 4096);
  auto fast = StreamClient::Open(server->port(), url, "alice", "secret", false);
  ASSERT_EQ(slow->status(), 200);
  ASSERT_EQ(fast->status(), 200);

  // Ingest until the server reports the slow reader cut, reading the fast one as we go.
  size_t fast_posts = 0;
  std::set<uint64_t> expected;
  bool cut = false;
  for (int round = 0; round < 200 && !cut; ++round) {
    const auto ids = CyclingIds(2000, 100 + round);
    ASSERT_EQ(Ingest(server->port(), Ndjson(ids, 2000)).status, 200);
    for (uint64_t id : ids) {
      if (InDecahose(id) && DecahosePartition(id) == 1) expected.insert(id);
    }
    while (fast_posts < expected.size()) {
      std::optional<std::string> m = fast->Next();
      ASSERT_TRUE(m) << "the fast reader was disturbed";
      if (!m->empty()) {
        EXPECT_TRUE(expected.count(IdOf(*m)));
        ++fast_posts;
      }
    }
    cut = HttpRequest(server->port(), "GET", "/metrics")
              .body.find(
                  "sluice_stream_slow_reader_disconnects_total{account=\"acme\","
                  "stream=\"decahose\"} 1") != std::string::npos;
  }
  ASSERT_TRUE(cut) << "the slow reader was never cut";
  EXPECT_EQ(fast_posts, expected.size());

  // The slow reader now drains what was in flight, then finds the message and a clean end.
  std::string last;
  while (std::optional<std::string> m = slow->Next()) {
    if (!m->empty()) last = *m;
  }
  EXPECT_TRUE(slow->ended_cleanly());
  EXPECT_NE(last.find(kSlowReaderMessage), std::string::npos) << last.substr(0, 200);
}

TEST(StreamWireTest, ShutdownSendsOperationalDisconnectAndEndsCleanly) {
  auto server = TestServer::Start();
  ASSERT_TRUE(server);
  auto c = StreamClient::Open(server->port(), kDecahose + "?partition=1", "alice", "secret", false);
  ASSERT_EQ(c->status(), 200);
  const int status = server->Signal(SIGTERM);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << server->Log();
  std::optional<std::string> m;
  std::string last;
  while ((m = c->Next())) last = *m;
  EXPECT_TRUE(c->ended_cleanly());
  EXPECT_EQ(last.rfind("{\"error\":{\"message\":\"" + std::string(kOperationalMessage), 0), 0u)
      << last;
}

}  // namespace
}  // namespace sluice::testing
