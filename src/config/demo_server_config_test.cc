#include <gtest/gtest.h>

#include "config/app_token_hash.h"
#include "config/password_hash.h"
#include "config/server_config.h"

namespace sluice {
namespace {

// SPEC §8 is a stable interface: scripts and docs rely on every value checked here.
TEST(DemoServerConfigTest, MatchesSpec) {
  const ServerConfig config = DemoServerConfig();
  EXPECT_EQ(config.listen_host, "127.0.0.1");
  EXPECT_EQ(config.listen_port, 8080);
  EXPECT_TRUE(config.data_dir.empty());
  EXPECT_EQ(config.heartbeat_ms, 10000);
  EXPECT_EQ(config.generator_rate, 2000);
  EXPECT_EQ(config.generator_seed, 1u);
  EXPECT_FALSE(config.ingest_file.has_value());

  ASSERT_EQ(config.ingest_users.size(), 1u);
  EXPECT_EQ(config.ingest_users[0].name, "ingest");
  EXPECT_TRUE(VerifyPassword("ingest", config.ingest_users[0].password_hash));

  ASSERT_EQ(config.accounts.size(), 1u);
  const AccountConfig& demo = config.accounts[0];
  EXPECT_EQ(demo.name, "demo");
  ASSERT_EQ(demo.users.size(), 1u);
  EXPECT_EQ(demo.users[0].name, "demo");
  EXPECT_TRUE(VerifyPassword("demo", demo.users[0].password_hash));
  EXPECT_FALSE(VerifyPassword("ingest", demo.users[0].password_hash));

  ASSERT_EQ(demo.streams.size(), 4u);
  const std::pair<const char*, StreamKind> expected[] = {{"prod", StreamKind::kPowerTrack},
                                                         {"dev", StreamKind::kPowerTrack},
                                                         {"decahose", StreamKind::kDecahose},
                                                         {"sample", StreamKind::kSample}};
  for (size_t i = 0; i < demo.streams.size(); ++i) {
    SCOPED_TRACE(expected[i].first);
    const StreamConfig& stream = demo.streams[i];
    EXPECT_EQ(stream.label, expected[i].first);
    EXPECT_EQ(stream.kind, expected[i].second);
    EXPECT_TRUE(stream.require_gzip);
    EXPECT_EQ(stream.connection_limit, 2);
    EXPECT_TRUE(stream.backfill);
    EXPECT_EQ(stream.recovery_job_limit, 2);
    EXPECT_EQ(stream.recovery_window_ms, 0);  // the kind's default
  }

  ASSERT_EQ(demo.tokens.size(), 1u);
  EXPECT_EQ(demo.tokens[0].stream, "prod");
  EXPECT_EQ(demo.tokens[0].token_sha256, HashAppToken("demo-token"));
}

TEST(DemoServerConfigTest, Validates) {
  const Status status = ValidateServerConfig(DemoServerConfig());
  EXPECT_TRUE(status.ok()) << status.ToString();
}

TEST(DemoServerConfigTest, SaltsDifferBetweenCalls) {
  EXPECT_NE(DemoServerConfig().accounts[0].users[0].password_hash,
            DemoServerConfig().accounts[0].users[0].password_hash);
}

}  // namespace
}  // namespace sluice
