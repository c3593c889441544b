// The time index after a crash: kill -9 the server while it ingests, restart it on the same
// data directory, and every acknowledged post is found again by time (recovery requests).
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "support/http_client.h"
#include "support/replay_support.h"
#include "support/test_posts.h"
#include "support/test_server.h"

namespace sluice::testing {
namespace {

constexpr int64_t kSecond = 1000;

TEST(TimeIndexCrashTest, AcknowledgedPostsAreFoundByTimeAfterKill9) {
  TestServerOptions options;
  options.manual_clock = kClockStart;
  options.fsync = "always";
  // Small segments: the crash meets sealed segments with index files and an active one.
  options.archive_toml = "segment_max_bytes = 65536";
  const std::filesystem::path data_dir = MakeTempDir("sluice-crash");
  auto server = TestServer::Start(options, data_dir);
  ASSERT_TRUE(server);
  const uint16_t port = server->port();

  // Batch k is archived at start + k s; the writer acknowledges it, then moves the clock.
  std::mutex mu;
  std::vector<std::vector<uint64_t>> acked;  // partition-1 posts of acknowledged batches
  std::vector<uint64_t> in_flight;           // of the batch being ingested at the kill
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int k = 0; k < 1024 && !stop; ++k) {  // PartitionIds' salt keeps batches distinct
      const std::vector<uint64_t> tagged = PartitionIds(40, 1, k);
      {
        std::lock_guard lock(mu);
        in_flight = tagged;
      }
      if (Ingest(port, Ndjson(tagged)).status != 200) return;
      std::lock_guard lock(mu);
      acked.push_back(tagged);
      in_flight.clear();
      if (AdvanceClock(port, kSecond) < 0) return;
    }
  });
  StopAndJoin join_writer(stop, writer);
  // Let it write a few hundred batches (several segments), then kill it mid-stream.
  for (int i = 0; i < 3000; ++i) {
    {
      std::lock_guard lock(mu);
      if (acked.size() >= 300) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  server->Signal(SIGKILL);
  stop = true;
  writer.join();
  server.reset();
  std::vector<std::vector<uint64_t>> batches;
  std::vector<uint64_t> maybe;
  {
    std::lock_guard lock(mu);
    batches = acked;
    maybe = in_flight;
  }
  ASSERT_GE(batches.size(), 50u);

  // Restart later on the same data; the index is reloaded and checked against the segments.
  options.manual_clock = IsoMs(kClockStartMs + 3600 * kSecond);
  auto restarted = TestServer::Start(options, data_dir);
  ASSERT_TRUE(restarted) << "the archive did not reopen after kill -9";
  const int n = static_cast<int>(batches.size());
  for (int k : {0, 1, n / 3, n / 2, n - 2, n - 1, n}) {
    std::vector<uint64_t> expected;
    for (int j = k; j < n; ++j)
      expected.insert(expected.end(), batches[j].begin(), batches[j].end());
    auto client = StreamClient::Open(
        restarted->port(),
        std::string(kAcmeDecahose) + "?partition=1&startTime=" + IsoMs(kClockStartMs + k * kSecond),
        "alice", "secret", false);
    ASSERT_EQ(client->status(), 200) << client->error_body();
    const StreamEnd end = ReadToEnd(*client);
    ASSERT_TRUE(end.ended_cleanly);
    ASSERT_GE(end.posts.size(), expected.size()) << "from batch " << k;
    EXPECT_TRUE(std::equal(expected.begin(), expected.end(), end.posts.begin()))
        << "from batch " << k << ": every acknowledged post, in order";
    // After them, at most a prefix of the batch that was in flight (durable, unacknowledged).
    const std::vector<uint64_t> extra(end.posts.begin() + expected.size(), end.posts.end());
    ASSERT_LE(extra.size(), maybe.size());
    EXPECT_TRUE(std::equal(extra.begin(), extra.end(), maybe.begin())) << "from batch " << k;
  }
  restarted.reset();
  std::filesystem::remove_all(data_dir);
}

}  // namespace
}  // namespace sluice::testing
