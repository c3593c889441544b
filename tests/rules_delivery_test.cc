// Rules in delivery (SPEC §3, §4, §5): a PowerTrack stream carries the posts its rules match,
// once each, with every matching rule in `matching_rules`; a rule change reaches connected
// clients without a reconnect; backfill and recovery apply the stream's current rules; rules
// outlive a restart and belong to one account's stream only.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "support/http_client.h"
#include "support/replay_support.h"
#include "support/test_server.h"

namespace sluice::testing {
namespace {

constexpr char kAcmeProd[] = "/stream/powertrack/accounts/acme/publishers/twitter/prod.json";
constexpr char kAcmeRules[] = "/rules/powertrack/accounts/acme/publishers/twitter/prod.json";
constexpr char kOtherRules[] = "/rules/powertrack/accounts/other/publishers/twitter/prod.json";
constexpr int64_t kMinute = 60'000;

// A v1.1 post with this text and these hashtags.
std::string Post(uint64_t id, const std::string& text, const std::vector<std::string>& tags = {}) {
  std::string hashtags;
  for (const std::string& tag : tags) {
    if (!hashtags.empty()) hashtags += ',';
    hashtags += "{\"text\":\"" + tag + "\",\"indices\":[0,1]}";
  }
  return "{\"created_at\":\"Mon Nov 23 10:00:00 +0000 2026\",\"id\":" + std::to_string(id) +
         ",\"id_str\":\"" + std::to_string(id) + "\",\"text\":\"" + text +
         "\",\"user\":{\"id\":7,\"id_str\":\"7\",\"screen_name\":\"poster\",\"name\":\"P\"}," +
         "\"entities\":{\"hashtags\":[" + hashtags + "],\"user_mentions\":[],\"urls\":[]," +
         "\"symbols\":[]},\"lang\":\"en\"}";
}

// Rule value → id, from an add response; empty when the request failed.
std::map<std::string, uint64_t> AddRules(
    uint16_t port, const char* url, const std::string& user, const std::string& password,
    const std::vector<std::pair<std::string, std::string>>& rules) {
  std::string body = "{\"rules\":[";
  for (size_t i = 0; i < rules.size(); ++i) {
    if (i) body += ',';
    body += "{\"value\":\"" + rules[i].first + "\",\"tag\":\"" + rules[i].second + "\"}";
  }
  body += "]}";
  HttpResult result = HttpRequest(
      port, "POST", url,
      {{"Authorization", BasicAuth(user, password)}, {"Content-Type", "application/json"}}, body);
  std::map<std::string, uint64_t> ids;
  EXPECT_EQ(result.status, 201) << result.body;
  if (result.status != 201) return ids;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(result.body).get(doc)) {
    ADD_FAILURE() << "add response is not JSON: " << result.body;
    return ids;
  }
  for (simdjson::dom::element detail : doc["detail"].get_array()) {
    const std::string_view value = detail["rule"]["value"].get_string().value();
    const std::string_view id_str = detail["rule"]["id_str"].get_string().value();
    ids[std::string(value)] = std::stoull(std::string(id_str));
  }
  return ids;
}

void DeleteRules(uint16_t port, const std::vector<std::string>& values) {
  std::string body = "{\"rules\":[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) body += ',';
    body += "{\"value\":\"" + values[i] + "\"}";
  }
  body += "]}";
  HttpResult result = HttpRequest(port, "POST", std::string(kAcmeRules) + "?_method=delete",
                                  {{"Authorization", BasicAuth("alice", "secret")}}, body);
  EXPECT_EQ(result.status, 200) << result.body;
}

struct Delivered {
  uint64_t id = 0;
  std::map<uint64_t, std::string> rules;  // rule id → tag
  size_t rule_entries = 0;
  bool id_matches_id_str = true;
};

// Reads the next post (heartbeats skipped) and its matching_rules.
std::optional<Delivered> NextPost(StreamClient& client) {
  while (std::optional<std::string> message = client.Next(std::chrono::seconds(30))) {
    if (message->empty()) continue;
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(*message).get(doc)) {
      ADD_FAILURE() << "a delivered message is not JSON: " << *message;
      return std::nullopt;
    }
    Delivered post;
    post.id = std::stoull(std::string(doc["id_str"].get_string().value()));
    simdjson::dom::array rules;
    if (doc["matching_rules"].get_array().get(rules)) {
      ADD_FAILURE() << "no matching_rules: " << *message;
      return post;
    }
    for (simdjson::dom::element rule : rules) {
      const uint64_t id = rule["id"].get_uint64().value();
      const std::string id_str(rule["id_str"].get_string().value());
      post.id_matches_id_str &= std::to_string(id) == id_str;
      std::string_view tag;
      post.rules[id] = rule["tag"].get_string().get(tag) ? "<null>" : std::string(tag);
      ++post.rule_entries;
    }
    return post;
  }
  return std::nullopt;
}

TEST(RulesDeliveryTest, PostMatchingThreeRulesIsDeliveredOnceWithThreeEntries) {
  auto server = TestServer::Start();
  ASSERT_TRUE(server);
  const uint16_t port = server->port();
  const auto ids =
      AddRules(port, kAcmeRules, "alice", "secret",
               {{"alpha", "a"}, {"\\\"alpha beta\\\"", "ab"}, {"#gamma", "g"}, {"delta", "d"}});
  ASSERT_EQ(ids.size(), 4u);
  auto first = StreamClient::Open(port, kAcmeProd, "alice", "secret", false);
  auto second = StreamClient::Open(port, kAcmeProd, "alice", "secret", true);
  ASSERT_EQ(first->status(), 200);
  ASSERT_EQ(second->status(), 200);
  ASSERT_EQ(Ingest(port, Post(1001, "nothing to see") + "\n" +
                             Post(1002, "Alpha beta, and more", {"Gamma"}) + "\n" +
                             Post(1003, "just delta") + "\n")
                .status,
            200);
  for (StreamClient* client : {first.get(), second.get()}) {
    std::optional<Delivered> three = NextPost(*client);
    ASSERT_TRUE(three);
    EXPECT_EQ(three->id, 1002u);
    EXPECT_EQ(three->rule_entries, 3u);
    EXPECT_EQ(three->rules, (std::map<uint64_t, std::string>{{ids.at("alpha"), "a"},
                                                             {ids.at("\"alpha beta\""), "ab"},
                                                             {ids.at("#gamma"), "g"}}));
    EXPECT_TRUE(three->id_matches_id_str);
    std::optional<Delivered> one = NextPost(*client);
    ASSERT_TRUE(one);
    EXPECT_EQ(one->id, 1003u);
    EXPECT_EQ(one->rules, (std::map<uint64_t, std::string>{{ids.at("delta"), "d"}}));
  }
}

TEST(RulesDeliveryTest, RuleChangesReachAConnectedClientWithoutReconnect) {
  auto server = TestServer::Start();
  ASSERT_TRUE(server);
  const uint16_t port = server->port();
  AddRules(port, kAcmeRules, "alice", "secret", {{"foo", "f"}});
  auto client = StreamClient::Open(port, kAcmeProd, "alice", "secret", true);
  ASSERT_EQ(client->status(), 200);
  ASSERT_EQ(Ingest(port, Post(2001, "bar first") + "\n" + Post(2002, "foo first") + "\n").status,
            200);
  std::optional<Delivered> post = NextPost(*client);
  ASSERT_TRUE(post);
  EXPECT_EQ(post->id, 2002u);

  const auto bar = AddRules(port, kAcmeRules, "alice", "secret", {{"bar", "b"}});
  ASSERT_EQ(Ingest(port, Post(2003, "bar second") + "\n").status, 200);
  post = NextPost(*client);
  ASSERT_TRUE(post);
  EXPECT_EQ(post->id, 2003u);
  EXPECT_EQ(post->rules, (std::map<uint64_t, std::string>{{bar.at("bar"), "b"}}));

  DeleteRules(port, {"foo"});
  ASSERT_EQ(Ingest(port, Post(2004, "foo again") + "\n" + Post(2005, "foo bar") + "\n").status,
            200);
  post = NextPost(*client);
  ASSERT_TRUE(post);
  EXPECT_EQ(post->id, 2005u) << "2004 matched only the deleted rule";
  EXPECT_EQ(post->rules, (std::map<uint64_t, std::string>{{bar.at("bar"), "b"}}));
}

// Once the pipeline has seen enough posts, sluiced re-indexes the rules by the key frequencies
// it learned (docs/rule-language.md, "Learned anchors"): the index changes, the matches do not.
TEST(RulesDeliveryTest, RulesAreReindexedByWhatTheStreamCarriesAndStillMatch) {
  TestServerOptions options;
  options.generator_rate = 40000;
  auto server = TestServer::Start(options);
  ASSERT_TRUE(server);
  const uint16_t port = server->port();
  // No generated post has these words. Guessing by length, the index files the phrase under
  // "the" (longer than "qx"); the counts show "the" in most posts and "qx" in none.
  const auto ids =
      AddRules(port, kAcmeRules, "alice", "secret", {{"zqxwv", "z"}, {"\\\"the qx\\\"", "phrase"}});
  ASSERT_EQ(ids.size(), 2u);
  // Bounded by time, not by polls: the generator's pace depends on the build and the machine.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  for (;;) {
    const std::string metrics = HttpRequest(port, "GET", "/metrics").body;
    if (metrics.find("sluice_rules_relearned_total 1") != std::string::npos) break;
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "never re-indexed:\n" << metrics;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  auto client = StreamClient::Open(port, kAcmeProd, "alice", "secret", false);
  ASSERT_EQ(client->status(), 200);
  ASSERT_EQ(Ingest(port, Post(7001, "a zqxwv") + "\n" + Post(7002, "The qx one") + "\n" +
                             Post(7003, "qx, the") + "\n" + Post(7004, "the end") + "\n")
                .status,
            200);
  // The generator's posts never match: ours are all that arrive, 7003 and 7004 not.
  std::optional<Delivered> post = NextPost(*client);
  ASSERT_TRUE(post);
  EXPECT_EQ(post->id, 7001u);
  EXPECT_EQ(post->rules, (std::map<uint64_t, std::string>{{ids.at("zqxwv"), "z"}}));
  post = NextPost(*client);
  ASSERT_TRUE(post);
  EXPECT_EQ(post->id, 7002u);
  EXPECT_EQ(post->rules, (std::map<uint64_t, std::string>{{ids.at("\"the qx\""), "phrase"}}));
  // Nothing else: the next message is our marker, a post matching the first rule again.
  ASSERT_EQ(Ingest(port, Post(7005, "zqxwv again") + "\n").status, 200);
  post = NextPost(*client);
  ASSERT_TRUE(post);
  EXPECT_EQ(post->id, 7005u);
}

TEST(RulesDeliveryTest, BackfillAndRecoveryUseTheCurrentRules) {
  TestServerOptions options;
  options.manual_clock = kClockStart;
  auto server = TestServer::Start(options);
  ASSERT_TRUE(server);
  const uint16_t port = server->port();
  const auto foo = AddRules(port, kAcmeRules, "alice", "secret", {{"foo", "f"}});
  ASSERT_EQ(Ingest(port, Post(3001, "foo") + "\n" + Post(3002, "bar") + "\n" +
                             Post(3003, "foo bar") + "\n" + Post(3004, "neither") + "\n")
                .status,
            200);
  AdvanceClock(port, kMinute);
  // Added after those posts were archived: replays still apply it.
  const auto bar = AddRules(port, kAcmeRules, "alice", "secret", {{"bar", "b"}});
  const std::map<uint64_t, std::map<uint64_t, std::string>> expected = {
      {3001, {{foo.at("foo"), "f"}}},
      {3002, {{bar.at("bar"), "b"}}},
      {3003, {{foo.at("foo"), "f"}, {bar.at("bar"), "b"}}}};
  for (bool gzip : {false, true}) {
    auto recovery =
        StreamClient::Open(port,
                           std::string(kAcmeProd) + "?startTime=" + IsoMs(kClockStartMs) +
                               "&endTime=" + IsoMs(kClockStartMs + kMinute),
                           "alice", "secret", gzip);
    ASSERT_EQ(recovery->status(), 200) << recovery->error_body();
    std::map<uint64_t, std::map<uint64_t, std::string>> got;
    for (int i = 0; i < 3; ++i) {
      std::optional<Delivered> post = NextPost(*recovery);
      ASSERT_TRUE(post);
      got[post->id] = post->rules;
    }
    EXPECT_EQ(got, expected) << "recovery, gzip " << gzip;
    const StreamEnd end = ReadToEnd(*recovery);
    EXPECT_TRUE(end.posts.empty());
    EXPECT_EQ(ActivityCount(end.last_message), 3) << end.last_message;

    auto backfill = StreamClient::Open(port, std::string(kAcmeProd) + "?backfillMinutes=2", "alice",
                                       "secret", gzip);
    ASSERT_EQ(backfill->status(), 200) << backfill->error_body();
    got.clear();
    for (int i = 0; i < 3; ++i) {
      std::optional<Delivered> post = NextPost(*backfill);
      ASSERT_TRUE(post);
      got[post->id] = post->rules;
    }
    EXPECT_EQ(got, expected) << "backfill, gzip " << gzip;
  }
}

TEST(RulesDeliveryTest, RulesSurviveARestartAndStayWithTheirAccount) {
  const auto data_dir = MakeTempDir("sluice-rules-delivery");
  std::map<std::string, uint64_t> ids;
  {
    auto server = TestServer::Start({}, data_dir);
    ASSERT_TRUE(server);
    ids = AddRules(server->port(), kAcmeRules, "alice", "secret", {{"sentinel", "s"}});
    // The other account's rule must never reach acme's stream.
    AddRules(server->port(), kOtherRules, "bob", "hunter2", {{"foo", "other"}});
  }
  auto server = TestServer::Start({}, data_dir);
  ASSERT_TRUE(server);
  const uint16_t port = server->port();
  auto client = StreamClient::Open(port, kAcmeProd, "alice", "secret", false);
  ASSERT_EQ(client->status(), 200);
  ASSERT_EQ(Ingest(port, Post(4001, "foo") + "\n" + Post(4002, "the sentinel") + "\n").status, 200);
  std::optional<Delivered> post = NextPost(*client);
  ASSERT_TRUE(post);
  EXPECT_EQ(post->id, 4002u)
      << "acme's stream delivered a post only the other account's rule matches";
  EXPECT_EQ(post->rules, (std::map<uint64_t, std::string>{{ids.at("sentinel"), "s"}}));
  std::filesystem::remove_all(data_dir);
}

}  // namespace
}  // namespace sluice::testing
