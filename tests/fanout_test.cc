// Live fan-out: redundant connections get identical copies; samples are exact and disjoint.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "post/sample.h"
#include "support/http_client.h"
#include "support/test_posts.h"
#include "support/test_server.h"

namespace sluice::testing {
namespace {

const std::string kDecahose = "/stream/sample10/accounts/acme/publishers/twitter/decahose.json";
const std::string kSample = "/stream/sample1/accounts/acme/publishers/twitter/sample.json";

// Reads posts until `expected` of them arrived (heartbeats skipped) or the stream stops.
std::vector<uint64_t> ReadPosts(StreamClient& client, size_t expected) {
  std::vector<uint64_t> ids;
  while (ids.size() < expected) {
    std::optional<std::string> m = client.Next();
    if (!m) break;
    if (m->empty()) continue;
    ids.push_back(IdOf(*m));
  }
  return ids;
}

std::vector<uint64_t> Expected(const std::vector<uint64_t>& ids, bool (*pred)(uint64_t)) {
  std::vector<uint64_t> out;
  for (uint64_t id : ids) {
    if (pred(id)) out.push_back(id);
  }
  return out;
}

TEST(FanoutTest, RedundantConnectionsReceiveIdenticalSequences) {
  auto server = TestServer::Start();
  ASSERT_TRUE(server);
  auto a = StreamClient::Open(server->port(), kDecahose + "?partition=1", "alice", "secret", false);
  auto b = StreamClient::Open(server->port(), kDecahose + "?partition=1", "alice", "secret", true);
  ASSERT_EQ(a->status(), 200);
  ASSERT_EQ(b->status(), 200);

  const std::vector<uint64_t> ids = CyclingIds(20000);
  // Several requests, so the posts cross many batches and chunks.
  for (size_t i = 0; i < ids.size(); i += 2500) {
    std::vector<uint64_t> part(ids.begin() + i, ids.begin() + std::min(ids.size(), i + 2500));
    ASSERT_EQ(Ingest(server->port(), Ndjson(part, 200)).status, 200);
  }
  const auto expected =
      Expected(ids, [](uint64_t id) { return InDecahose(id) && DecahosePartition(id) == 1; });
  ASSERT_EQ(expected.size(), 1000u);
  const auto got_a = ReadPosts(*a, expected.size());
  const auto got_b = ReadPosts(*b, expected.size());
  EXPECT_EQ(got_a, expected);  // every post, in archive order
  EXPECT_EQ(got_b, expected);
}

TEST(FanoutTest, DecahosePartitionsAreDisjointAndTogetherTheTenPercent) {
  auto server = TestServer::Start();
  ASSERT_TRUE(server);
  auto p1 = StreamClient::Open(server->port(), kDecahose + "?partition=1", "alice", "secret", true);
  auto p2 = StreamClient::Open(server->port(), kDecahose + "?partition=2", "alice", "secret", true);
  auto one = StreamClient::Open(server->port(), kSample, "alice", "secret", true);
  ASSERT_EQ(p1->status(), 200);
  ASSERT_EQ(p2->status(), 200);
  ASSERT_EQ(one->status(), 200);

  const std::vector<uint64_t> ids = CyclingIds(10000, 3);
  ASSERT_EQ(Ingest(server->port(), Ndjson(ids)).status, 200);

  const auto decahose = Expected(ids, [](uint64_t id) { return InDecahose(id); });
  const auto sample = Expected(ids, [](uint64_t id) { return InOnePercentSample(id); });
  ASSERT_EQ(decahose.size(), 1000u);
  ASSERT_EQ(sample.size(), 100u);

  const auto got1 = ReadPosts(*p1, 500);
  const auto got2 = ReadPosts(*p2, 500);
  const auto got_sample = ReadPosts(*one, 100);
  std::set<uint64_t> s1(got1.begin(), got1.end()), s2(got2.begin(), got2.end());
  ASSERT_EQ(s1.size(), 500u);
  ASSERT_EQ(s2.size(), 500u);
  for (uint64_t id : s1) EXPECT_FALSE(s2.count(id)) << id << " is in both partitions";
  std::set<uint64_t> both = s1;
  both.insert(s2.begin(), s2.end());
  EXPECT_EQ(both, std::set<uint64_t>(decahose.begin(), decahose.end()));
  EXPECT_EQ(got_sample, sample);
  for (uint64_t id : got_sample) EXPECT_TRUE(both.count(id)) << "1 % post not in the Decahose";
}

TEST(FanoutTest, PowerTrackWithoutRulesConnectsAndDeliversNothing) {
  TestServerOptions options;
  options.heartbeat_ms = 30;
  auto server = TestServer::Start(options);
  ASSERT_TRUE(server);
  auto c = StreamClient::Open(server->port(),
                              "/stream/powertrack/accounts/acme/publishers/twitter/prod.json",
                              "alice", "secret", true);
  ASSERT_EQ(c->status(), 200);
  ASSERT_EQ(Ingest(server->port(), Ndjson(CyclingIds(1000))).status, 200);
  // Only heartbeats until we have seen several: no post may come through without rules.
  for (int heartbeats = 0; heartbeats < 5;) {
    std::optional<std::string> m = c->Next();
    ASSERT_TRUE(m) << "stream ended";
    ASSERT_EQ(*m, "") << "a post was delivered on a stream without rules";
    ++heartbeats;
  }
}

}  // namespace
}  // namespace sluice::testing
