// Backfill (SPEC §4): a reconnecting client gets every post of the last N minutes, then live
// posts, with no gap and no repeat at the seam. Time is the server's manual clock, so "90 s
// disconnected" takes no time at all.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "support/http_client.h"
#include "support/replay_support.h"
#include "support/test_posts.h"
#include "support/test_server.h"

namespace sluice::testing {
namespace {

const std::string kPartition1 = std::string(kAcmeDecahose) + "?partition=1";

TEST(BackfillTest, ClientDisconnectedFor90sRecoversEverythingWithTwoMinutes) {
  TestServerOptions options;
  options.manual_clock = kClockStart;
  auto server = TestServer::Start(options);
  ASSERT_TRUE(server);
  const uint16_t port = server->port();
  auto steady = StreamClient::Open(port, kPartition1, "alice", "secret", true);
  auto before = StreamClient::Open(port, kPartition1, "alice", "secret", false);
  ASSERT_EQ(steady->status(), 200);
  ASSERT_EQ(before->status(), 200);

  // One batch per simulated second: 60 s connected, 90 s disconnected, then 10 s after the
  // reconnect. Batch k is archived at clock start + k s.
  std::vector<std::vector<uint64_t>> batches;
  for (int k = 0; k < 160; ++k) batches.push_back(CyclingIds(100, k));
  std::vector<uint64_t> all;  // partition-1 posts, in archive order
  std::vector<int64_t> batch_of;
  auto ingest_batch = [&](int k) {
    ASSERT_EQ(Ingest(port, Ndjson(batches[k])).status, 200);
    for (uint64_t id : InPartition(batches[k], 1)) {
      all.push_back(id);
      batch_of.push_back(k);
    }
    ASSERT_GT(AdvanceClock(port, 1000), 0);
  };
  for (int k = 0; k < 60; ++k) ingest_batch(k);
  const std::vector<uint64_t> seen_before = ReadPosts(*before, all.size());
  ASSERT_EQ(seen_before, all);
  before->Close();
  for (int k = 60; k < 150; ++k) ingest_batch(k);

  // Reconnect at clock start + 150 s: backfill reaches back to start + 30 s.
  auto after =
      StreamClient::Open(port, kPartition1 + "&backfillMinutes=2", "alice", "secret", true);
  ASSERT_EQ(after->status(), 200);
  for (int k = 150; k < 160; ++k) ingest_batch(k);

  const std::vector<uint64_t> steady_posts = ReadPosts(*steady, all.size());
  ASSERT_EQ(steady_posts, all) << "the never-disconnected connection is the reference";
  std::vector<uint64_t> expected_after;
  for (size_t i = 0; i < all.size(); ++i) {
    if (batch_of[i] >= 30) expected_after.push_back(all[i]);
  }
  const std::vector<uint64_t> after_posts = ReadPosts(*after, expected_after.size());
  EXPECT_EQ(after_posts, expected_after) << "backfill from connect - 2 min, then live, in order";

  std::set<uint64_t> union_ids(seen_before.begin(), seen_before.end());
  union_ids.insert(after_posts.begin(), after_posts.end());
  EXPECT_EQ(union_ids, std::set<uint64_t>(all.begin(), all.end()))
      << "with duplicates removed, the reconnecting client holds exactly the reference";
}

TEST(BackfillTest, SeamHasNoGapAndNoRepeatUnderContinuousIngest) {
  TestServerOptions options;
  options.manual_clock = kClockStart;  // frozen: every backfill reaches back to the first post
  // Small, frequent batches, each fsynced: the live stream moves on often while a backfill
  // makes its last catch-up step, so both ways of making the seam occur.
  options.fsync = "always";
  auto server = TestServer::Start(options);
  ASSERT_TRUE(server);
  const uint16_t port = server->port();

  // One writer ingests partition-1 posts without pause while clients connect at random moments.
  const std::vector<uint64_t> ids = PartitionIds(100'000, 1, 3);
  std::atomic<size_t> ingested{0};
  std::atomic<bool> stop{false};
  std::atomic<bool> ingest_failed{false};
  std::thread writer([&] {
    constexpr size_t kBatch = 20;
    for (size_t i = 0; i + kBatch <= ids.size() && !stop; i += kBatch) {
      std::vector<uint64_t> part(ids.begin() + i, ids.begin() + i + kBatch);
      if (Ingest(port, Ndjson(part)).status != 200) {
        ingest_failed = true;
        return;
      }
      ingested = i + kBatch;
      // Paced, so that ingest goes on for all the rounds (and stays bounded).
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  StopAndJoin join_writer(stop, writer);

  std::mt19937 rng(20261123);
  constexpr int kRounds = 30;
  for (int round = 0; round < kRounds && !ingest_failed; ++round) {
    std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 40));
    const bool gzip = rng() % 2 == 0;
    auto client =
        StreamClient::Open(port, kPartition1 + "&backfillMinutes=1", "alice", "secret", gzip);
    ASSERT_EQ(client->status(), 200);
    // Read past the seam: everything ingested when the connection opened, then live posts.
    const size_t at_open = ingested.load();
    const size_t want = std::min(ids.size(), at_open + 100 + rng() % 200);
    const std::vector<uint64_t> got = ReadPosts(*client, want);
    ASSERT_EQ(got.size(), want) << "round " << round << ": the stream stalled";
    for (size_t i = 0; i < got.size(); ++i) {
      ASSERT_EQ(got[i], ids[i]) << "round " << round << " (gzip " << gzip << "): post " << i
                                << " of " << got.size() << ", opened after " << at_open;
    }
  }
  stop = true;
  writer.join();
  EXPECT_FALSE(ingest_failed);
  // Which way each seam was made depends on timing; both ways are checked above.
  const std::string metrics = HttpRequest(port, "GET", "/metrics").body;
  for (const char* seam : {"immediate", "held"}) {
    const std::string key =
        "sluice_stream_backfill_joins_total{account=\"acme\",stream=\"decahose\",seam=\"" +
        std::string(seam) + "\"} ";
    const size_t at = metrics.find(key);
    ASSERT_NE(at, std::string::npos) << key;
    std::printf("backfill seams %s: %s\n", seam,
                metrics.substr(at + key.size(), metrics.find('\n', at) - at - key.size()).c_str());
  }
}

TEST(BackfillTest, BackfillOnlyReachesBackTheMinutesAsked) {
  TestServerOptions options;
  options.manual_clock = kClockStart;
  auto server = TestServer::Start(options);
  ASSERT_TRUE(server);
  const uint16_t port = server->port();
  // Posts at start, start + 2 min, start + 4 min; the clock then stands at start + 5 min.
  const std::vector<uint64_t> a = PartitionIds(50, 2, 1), b = PartitionIds(50, 2, 2),
                              c = PartitionIds(50, 2, 3);
  ASSERT_TRUE(IngestAll(port, a));
  AdvanceClock(port, 120'000);
  ASSERT_TRUE(IngestAll(port, b));
  AdvanceClock(port, 120'000);
  ASSERT_TRUE(IngestAll(port, c));
  AdvanceClock(port, 60'000);
  auto client =
      StreamClient::Open(port, std::string(kAcmeDecahose) + "?partition=2&backfillMinutes=3",
                         "alice", "secret", false);
  ASSERT_EQ(client->status(), 200);
  std::vector<uint64_t> expected = b;
  expected.insert(expected.end(), c.begin(), c.end());
  EXPECT_EQ(ReadPosts(*client, expected.size()), expected);
  // Nothing else comes: the next message is a heartbeat or live post, and there is none.
  std::optional<std::string> more = client->Next(std::chrono::milliseconds(300));
  EXPECT_TRUE(!more || more->empty());
}

}  // namespace
}  // namespace sluice::testing
