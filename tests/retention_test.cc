// Archive retention in the running server: segments older than every stream's recovery window
// are deleted in the background, what is left stays readable, and a request into a deleted
// range (possible once a window is made longer) gets a clear error instead of a silent gap.
#include <gtest/gtest.h>
#include <signal.h>

#include <thread>

#include "support/http_client.h"
#include "support/replay_support.h"
#include "support/test_posts.h"
#include "support/test_server.h"

namespace sluice::testing {
namespace {

constexpr int64_t kMinute = 60'000;
constexpr int64_t kDay = 24 * 60 * kMinute;

// The value of the first series of `name` in /metrics, or -1.
int64_t Metric(uint16_t port, const std::string& name) {
  const std::string body = HttpRequest(port, "GET", "/metrics").body;
  const size_t at = body.find("\n" + name + " ");
  if (at == std::string::npos) return -1;
  return std::stoll(body.substr(at + name.size() + 2));
}

TEST(RetentionTest, OldSegmentsAreDeletedAndADeletedRangeIsRefused) {
  TestServerOptions options;
  options.manual_clock = kClockStart;
  options.archive_toml = "segment_max_ms = 60000\nretention_check_ms = 20";
  const std::filesystem::path data_dir = MakeTempDir("sluice-retention");
  auto server = TestServer::Start(options, data_dir);
  ASSERT_TRUE(server);
  uint16_t port = server->port();
  // Three segments: at the start, 2 minutes later, and 5 days later. The longest window of the
  // test config is the Decahose's 5 days.
  const std::vector<uint64_t> a = PartitionIds(100, 1, 1), b = PartitionIds(100, 1, 2),
                              c = PartitionIds(100, 1, 3);
  ASSERT_TRUE(IngestAll(port, a, 100, 2000));
  AdvanceClock(port, 2 * kMinute);
  ASSERT_TRUE(IngestAll(port, b, 100, 2000));
  const int64_t before_bytes = Metric(port, "sluice_archive_disk_bytes");
  AdvanceClock(port, 5 * kDay + kMinute);
  ASSERT_TRUE(IngestAll(port, c, 100, 2000));  // rolls: the older segments are now sealed
  AdvanceClock(port, kMinute);

  int64_t deleted = 0;
  for (int i = 0; i < 500 && deleted < 2; ++i) {
    deleted = Metric(port, "sluice_archive_segments_deleted_total");
    if (deleted < 2) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(deleted, 2);
  EXPECT_GT(before_bytes, 0);
  // The newest segment is left, and still served.
  const int64_t now = kClockStartMs + 5 * kDay + 4 * kMinute;
  auto recent = StreamClient::Open(
      port, std::string(kAcmeDecahose) + "?partition=1&startTime=" + IsoMs(now - 4 * kDay), "alice",
      "secret", false);
  ASSERT_EQ(recent->status(), 200) << recent->error_body();
  EXPECT_EQ(ReadToEnd(*recent).posts, c);

  // Make a window longer than what was kept: the deleted range is refused, not clamped.
  recent.reset();
  server->Signal(SIGTERM);
  server.reset();
  options.manual_clock = IsoMs(now);
  options.extra_toml =
      "[[accounts.streams]]\nlabel = \"long\"\nkind = \"decahose\"\nrequire_gzip = false\n"
      "recovery_window_ms = 864000000\n";  // 10 days; account "other" (user bob)
  server = TestServer::Start(options, data_dir);
  ASSERT_TRUE(server);
  port = server->port();
  const std::string long_stream = "/stream/sample10/accounts/other/publishers/twitter/long.json";
  auto gone = StreamClient::Open(
      port, long_stream + "?partition=1&startTime=" + IsoMs(kClockStartMs + kMinute), "bob",
      "hunter2", false);
  EXPECT_EQ(gone->status(), 400);
  EXPECT_NE(gone->error_body().find("is in a range the archive no longer holds: retention "
                                    "deleted posts up to 2026-11-23T10:02:00.000Z"),
            std::string::npos)
      << gone->error_body();
  auto kept = StreamClient::Open(
      port, long_stream + "?partition=1&startTime=" + IsoMs(kClockStartMs + 3 * kMinute), "bob",
      "hunter2", false);
  EXPECT_EQ(kept->status(), 200) << kept->error_body();
  server.reset();
  std::filesystem::remove_all(data_dir);
}

}  // namespace
}  // namespace sluice::testing
