// Recovery (SPEC §4): a stream of a past range of the archive, then "Recovery Request
// Completed" and a clean close; the job limit; every bad parameter; the job list and metrics.
#include <gtest/gtest.h>

#include <thread>

#include "support/http_client.h"
#include "support/replay_support.h"
#include "support/test_posts.h"
#include "support/test_server.h"

namespace sluice::testing {
namespace {

constexpr int64_t kMinute = 60'000;

std::string RecoveryUrl(int partition, int64_t start_ms, int64_t end_ms) {
  return std::string(kAcmeDecahose) + "?partition=" + std::to_string(partition) +
         "&startTime=" + IsoMs(start_ms) + "&endTime=" + IsoMs(end_ms);
}

TEST(RecoveryTest, PastTenMinuteRangeReturnsExactlyTheArchivedPostsThenCompletes) {
  TestServerOptions options;
  options.manual_clock = kClockStart;
  options.archive_toml = "segment_max_ms = 300000";  // several segments in the range
  auto server = TestServer::Start(options);
  ASSERT_TRUE(server);
  const uint16_t port = server->port();
  // 30 minutes, one batch per minute: batch m is archived at start + m min.
  std::vector<std::vector<uint64_t>> batches;
  for (int m = 0; m < 30; ++m) {
    batches.push_back(CyclingIds(1000, 100 + m));
    ASSERT_EQ(Ingest(port, Ndjson(batches.back())).status, 200);
    AdvanceClock(port, kMinute);
  }
  for (int partition : {1, 2}) {
    for (bool gzip : {false, true}) {
      std::vector<uint64_t> expected;
      for (int m = 10; m < 20; ++m) {
        for (uint64_t id : InPartition(batches[m], partition)) expected.push_back(id);
      }
      auto client = StreamClient::Open(
          port, RecoveryUrl(partition, kClockStartMs + 10 * kMinute, kClockStartMs + 20 * kMinute),
          "alice", "secret", gzip);
      ASSERT_EQ(client->status(), 200) << client->error_body();
      const StreamEnd end = ReadToEnd(*client);
      EXPECT_EQ(end.posts, expected) << "partition " << partition << ", gzip " << gzip;
      EXPECT_EQ(ActivityCount(end.last_message), static_cast<int64_t>(expected.size()))
          << "partition " << partition << ", gzip " << gzip << ": " << end.last_message;
      EXPECT_TRUE(end.ended_cleanly) << "the zero-length chunk (and gzip trailer) must end it";
    }
  }
  // endTime defaults to now: the whole archive from start + 25 min.
  auto tail = StreamClient::Open(
      port,
      std::string(kAcmeDecahose) + "?partition=1&startTime=" + IsoMs(kClockStartMs + 25 * kMinute),
      "alice", "secret", false);
  ASSERT_EQ(tail->status(), 200);
  std::vector<uint64_t> expected_tail;
  for (int m = 25; m < 30; ++m) {
    for (uint64_t id : InPartition(batches[m], 1)) expected_tail.push_back(id);
  }
  const StreamEnd end = ReadToEnd(*tail);
  EXPECT_EQ(end.posts, expected_tail);
  EXPECT_EQ(ActivityCount(end.last_message), static_cast<int64_t>(expected_tail.size()));
}

TEST(RecoveryTest, EmptyRangeSendsOnlyTheCompletion) {
  TestServerOptions options;
  options.manual_clock = kClockStart;
  auto server = TestServer::Start(options);
  ASSERT_TRUE(server);
  AdvanceClock(server->port(), 10 * kMinute);
  for (int i = 0; i < 40; ++i) {
    const bool gzip = i % 2 == 0;
    auto client = StreamClient::Open(
        server->port(), RecoveryUrl(1 + i % 2, kClockStartMs, kClockStartMs + 5 * kMinute), "alice",
        "secret", gzip);
    ASSERT_EQ(client->status(), 200);
    const StreamEnd end = ReadToEnd(*client);
    EXPECT_TRUE(end.posts.empty());
    EXPECT_EQ(ActivityCount(end.last_message), 0) << "gzip " << gzip << ": " << end.last_message;
    EXPECT_TRUE(end.ended_cleanly);
  }
}

TEST(RecoveryTest, ThirdConcurrentJobIsRefusedAndJobsDoNotCountAsConnections) {
  TestServerOptions options;
  options.manual_clock = kClockStart;
  options.connection_limit = 1;
  auto server = TestServer::Start(options);
  ASSERT_TRUE(server);
  const uint16_t port = server->port();
  // ~40 MB in partition 1: far more than two non-reading clients' socket buffers hold, so
  // both jobs stay running, held back by their sockets.
  ASSERT_TRUE(IngestAll(port, PartitionIds(640, 1, 9), 128, 64 << 10));
  AdvanceClock(port, kMinute);
  const std::string url = RecoveryUrl(1, kClockStartMs, kClockStartMs + kMinute);
  auto first = StreamClient::Open(port, url, "alice", "secret", false, 4096);
  auto second = StreamClient::Open(port, url, "alice", "secret", false, 4096);
  ASSERT_EQ(first->status(), 200);
  ASSERT_EQ(second->status(), 200);
  auto third = StreamClient::Open(port, url, "alice", "secret", false);
  EXPECT_EQ(third->status(), 429);
  EXPECT_NE(third->error_body().find("recovery"), std::string::npos) << third->error_body();

  // Recoveries are not realtime connections: the limit-1 partition still takes one, plus one
  // in grace, and refuses the next.
  const std::string realtime = std::string(kAcmeDecahose) + "?partition=1";
  auto live1 = StreamClient::Open(port, realtime, "alice", "secret", false);
  auto live2 = StreamClient::Open(port, realtime, "alice", "secret", false);
  auto live3 = StreamClient::Open(port, realtime, "alice", "secret", false);
  EXPECT_EQ(live1->status(), 200);
  EXPECT_EQ(live2->status(), 200);
  EXPECT_EQ(live3->status(), 429);

  // The running jobs are listed for their account only, and in /metrics.
  const HttpResult jobs =
      HttpRequest(port, "GET", "/recovery/jobs", {{"Authorization", BasicAuth("alice", "secret")}});
  ASSERT_EQ(jobs.status, 200);
  EXPECT_NE(jobs.body.find("\"stream\":\"decahose\""), std::string::npos) << jobs.body;
  EXPECT_NE(jobs.body.find("\"partition\":1"), std::string::npos) << jobs.body;
  EXPECT_NE(jobs.body.find("\"postsSent\":"), std::string::npos) << jobs.body;
  EXPECT_NE(jobs.body.find("\"startTime\":\"2026-11-23T10:00:00.000Z\""), std::string::npos);
  const HttpResult other =
      HttpRequest(port, "GET", "/recovery/jobs", {{"Authorization", BasicAuth("bob", "hunter2")}});
  ASSERT_EQ(other.status, 200);
  EXPECT_EQ(other.body.find("decahose"), std::string::npos) << other.body;
  EXPECT_EQ(HttpRequest(port, "GET", "/recovery/jobs").status, 401);
  const HttpResult metrics = HttpRequest(port, "GET", "/metrics");
  EXPECT_NE(
      metrics.body.find("sluice_recovery_job_posts_sent{account=\"acme\",stream=\"decahose\""),
      std::string::npos);

  // When a job ends (its client leaves), another may start.
  first->Close();
  int status = 0;
  for (int attempt = 0; attempt < 200 && status != 200; ++attempt) {
    auto again = StreamClient::Open(port, url, "alice", "secret", false, 4096);
    status = again->status();
    if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(status, 200);
}

struct BadParameter {
  std::string query;
  std::string message_part;
};

TEST(RecoveryTest, EveryBadParameterGets400NamingIt) {
  TestServerOptions options;
  options.manual_clock = kClockStart;
  auto server = TestServer::Start(options);
  ASSERT_TRUE(server);
  const uint16_t port = server->port();
  const int64_t now = AdvanceClock(port, 0);
  ASSERT_EQ(now, kClockStartMs);
  // The test clock itself checks what it is told.
  const Headers ingest_auth = {{"Authorization", BasicAuth("ingest", "ingest")}};
  EXPECT_EQ(HttpRequest(port, "POST", "/debug/clock?advance_ms=1").status, 401);
  EXPECT_EQ(HttpRequest(port, "POST", "/debug/clock?advance_ms=-1", ingest_auth).status, 400);
  EXPECT_EQ(HttpRequest(port, "POST", "/debug/clock?advance_ms=99999999999999", ingest_auth).status,
            400);
  EXPECT_EQ(HttpRequest(port, "POST", "/debug/clock?set=2026-11-23T09:00:00Z", ingest_auth).status,
            400)
      << "the clock never goes back";
  ASSERT_EQ(AdvanceClock(port, 0), kClockStartMs);
  const std::string decahose = std::string(kAcmeDecahose) + "?partition=1";
  const std::string powertrack = "/stream/powertrack/accounts/acme/publishers/twitter/prod.json?";
  const std::string nobf =
      "/stream/sample10/accounts/acme/publishers/twitter/nobf.json?partition=1";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {decahose + "&backfillMinutes=0",
       "Invalid backfillMinutes '0': must be an integer from 1 to 5."},
      {decahose + "&backfillMinutes=6", "Invalid backfillMinutes '6'"},
      {decahose + "&backfillMinutes=abc", "Invalid backfillMinutes 'abc'"},
      {decahose + "&backfillMinutes=1.5", "Invalid backfillMinutes '1.5'"},
      {decahose + "&backfillMinutes=", "Invalid backfillMinutes ''"},
      {nobf + "&backfillMinutes=1",
       "backfillMinutes is not available: backfill is not enabled for stream 'nobf'"},
      {decahose + "&backfillMinutes=1&startTime=" + IsoMs(now - kMinute),
       "backfillMinutes cannot be combined"},
      {decahose + "&endTime=" + IsoMs(now), "endTime requires startTime"},
      {decahose + "&startTime=yesterday", "Invalid startTime: 'yesterday' is not a UTC time"},
      {decahose + "&startTime=2026-11-23T09:00:00", "Invalid startTime"},
      {decahose + "&startTime=" + IsoMs(now - kMinute) + "&endTime=soon",
       "Invalid endTime: 'soon'"},
      {decahose + "&startTime=" + IsoMs(now - kMinute) + "&endTime=" + IsoMs(now + kMinute),
       "endTime 2026-11-23T10:01:00.000Z is in the future"},
      {decahose + "&startTime=" + IsoMs(now - kMinute) + "&endTime=" + IsoMs(now - kMinute),
       "must be before endTime"},
      {decahose + "&startTime=" + IsoMs(now - 2 * kMinute) + "&endTime=" + IsoMs(now - 3 * kMinute),
       "must be before endTime"},
      {decahose + "&startTime=" + IsoMs(now - 6 * 24 * 60 * kMinute),
       "outside the recovery window of stream 'decahose': it must be within the last 5 days"},
      {powertrack + "startTime=" + IsoMs(now - 25 * 60 * kMinute), "within the last 24 hours"},
      {nobf + "&startTime=" + IsoMs(now - 61 * kMinute), "within the last 1 hour"},
  };
  for (const auto& [target, message] : cases) {
    auto client = StreamClient::Open(port, target, "alice", "secret", false);
    EXPECT_EQ(client->status(), 400) << target;
    EXPECT_NE(client->error_body().find(message), std::string::npos) << target << "\n"
                                                                     << client->error_body();
  }
  // Inside the windows is fine.
  for (const std::string& target : {decahose + "&startTime=" + IsoMs(now - 4 * 24 * 60 * kMinute),
                                    powertrack + "startTime=" + IsoMs(now - 23 * 60 * kMinute),
                                    nobf + "&startTime=" + IsoMs(now - 59 * kMinute)}) {
    auto client = StreamClient::Open(port, target, "alice", "secret", false);
    EXPECT_EQ(client->status(), 200) << target << "\n" << client->error_body();
    EXPECT_GE(ActivityCount(ReadToEnd(*client).last_message), 0) << target;
  }
}

}  // namespace
}  // namespace sluice::testing
