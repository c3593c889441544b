// Usage (SPEC §4): distinct posts delivered per stream per hour. Redundant connections, backfill
// and recovery deliver the same posts again; each counts once, and the counts survive a restart.
#include <gtest/gtest.h>
#include <signal.h>

#include <thread>

#include "support/http_client.h"
#include "support/replay_support.h"
#include "support/test_posts.h"
#include "support/test_server.h"

namespace sluice::testing {
namespace {

constexpr char kUsageUrl[] =
    "/metrics/usage/accounts/acme.json?fromDate=202611230000&toDate=202611240000";

// The "activities" of `stream` in the usage body for the hour `time_period`, or -1.
int64_t StreamHourCount(const std::string& body, const std::string& stream,
                        const std::string& time_period) {
  const size_t at = body.find("\"name\":\"" + stream + "\"");
  if (at == std::string::npos) return -1;
  const size_t end = body.find("]}", at);
  const std::string key = "{\"timePeriod\":\"" + time_period + "\",\"activities\":";
  const size_t hour = body.find(key, at);
  if (hour == std::string::npos || hour > end) return 0;
  return std::stoll(body.substr(hour + key.size()));
}

HttpResult Usage(uint16_t port) {
  return HttpRequest(port, "GET", kUsageUrl, {{"Authorization", BasicAuth("alice", "secret")}});
}

// Deliveries are counted once written, which can trail the client's read by a moment: wait
// (bounded) until the count reaches `want`, then report what it is.
int64_t WaitForCount(uint16_t port, const std::string& stream, int64_t want) {
  int64_t count = -1;
  for (int i = 0; i < 500; ++i) {
    count = StreamHourCount(Usage(port).body, stream, "202611231000");
    if (count >= want) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return count;
}

TEST(UsageTest, PostsCountOnceAcrossRedundantConnectionsBackfillAndRecovery) {
  TestServerOptions options;
  options.manual_clock = kClockStart;
  const std::filesystem::path data_dir = MakeTempDir("sluice-usage");
  auto server = TestServer::Start(options, data_dir);
  ASSERT_TRUE(server);
  uint16_t port = server->port();
  const std::string url = std::string(kAcmeDecahose) + "?partition=1";
  auto a = StreamClient::Open(port, url, "alice", "secret", true);
  auto b = StreamClient::Open(port, url, "alice", "secret", false);
  ASSERT_EQ(a->status(), 200);
  ASSERT_EQ(b->status(), 200);
  const std::vector<uint64_t> ids = CyclingIds(6000, 5);
  ASSERT_TRUE(IngestAll(port, ids, 1000));
  const std::vector<uint64_t> p1 = InPartition(ids, 1);
  ASSERT_EQ(ReadPosts(*a, p1.size()), p1);
  ASSERT_EQ(ReadPosts(*b, p1.size()), p1);
  EXPECT_EQ(WaitForCount(port, "decahose", p1.size()), static_cast<int64_t>(p1.size()));

  // The same posts again by backfill, and again by recovery.
  AdvanceClock(port, 60'000);
  auto backfill = StreamClient::Open(port, url + "&backfillMinutes=2", "alice", "secret", false);
  ASSERT_EQ(ReadPosts(*backfill, p1.size()), p1);
  auto recovery =
      StreamClient::Open(port, url + "&startTime=" + IsoMs(kClockStartMs), "alice", "secret", true);
  ASSERT_EQ(ReadToEnd(*recovery).posts, p1);
  // Then 40 new posts, on one connection only.
  const std::vector<uint64_t> more = PartitionIds(40, 1, 77);
  ASSERT_TRUE(IngestAll(port, more));
  ASSERT_EQ(ReadPosts(*a, more.size()), more);
  const int64_t want = static_cast<int64_t>(p1.size() + more.size());
  EXPECT_EQ(WaitForCount(port, "decahose", want), want);
  // Posts no connection received are not counted.
  EXPECT_EQ(StreamHourCount(Usage(port).body, "sample", "202611231000"), 0);

  // The counts survive a restart (a clean one writes the final snapshot).
  a.reset();
  b.reset();
  backfill.reset();
  recovery.reset();
  server->Signal(SIGTERM);
  server.reset();
  options.manual_clock = IsoMs(kClockStartMs + 120'000);  // later: archive time goes on
  server = TestServer::Start(options, data_dir);
  ASSERT_TRUE(server);
  port = server->port();
  EXPECT_EQ(StreamHourCount(Usage(port).body, "decahose", "202611231000"), want);
  // A recovery after the restart re-delivers counted posts: still counted once.
  auto again = StreamClient::Open(port, url + "&startTime=" + IsoMs(kClockStartMs), "alice",
                                  "secret", false);
  ASSERT_EQ(again->status(), 200) << again->error_body();
  ASSERT_EQ(ReadToEnd(*again).posts.size(), p1.size() + more.size());
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(StreamHourCount(Usage(port).body, "decahose", "202611231000"), want);
  std::filesystem::remove_all(data_dir);
}

TEST(UsageTest, ParametersAndAccountsAreChecked) {
  TestServerOptions options;
  options.manual_clock = kClockStart;
  auto server = TestServer::Start(options);
  ASSERT_TRUE(server);
  const uint16_t port = server->port();
  EXPECT_EQ(HttpRequest(port, "GET", kUsageUrl).status, 401);
  EXPECT_EQ(
      HttpRequest(port, "GET", kUsageUrl, {{"Authorization", BasicAuth("bob", "hunter2")}}).status,
      404);
  const HttpResult bad =
      HttpRequest(port, "GET", "/metrics/usage/accounts/acme.json?fromDate=2026-11-23",
                  {{"Authorization", BasicAuth("alice", "secret")}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("fromDate"), std::string::npos) << bad.body;
  const HttpResult ok = Usage(port);
  EXPECT_EQ(ok.status, 200);
  EXPECT_NE(ok.body.find("\"account\":{\"name\":\"acme\"}"), std::string::npos) << ok.body;
}

}  // namespace
}  // namespace sluice::testing
