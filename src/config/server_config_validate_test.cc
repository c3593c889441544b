#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

#include "config/config_test_util.h"
#include "config/server_config.h"

namespace sluice {
namespace {

using testing::ConfigText;
using testing::kWellFormedHash;
using testing::ParseErrorOf;

std::string UserTable(std::string_view array, std::string_view name) {
  return "[[" + std::string(array) + "]]\nname = \"" + std::string(name) +
         "\"\npassword_hash = \"" + kWellFormedHash + "\"\n";
}

constexpr char kTokenHashA[] = "37cdb2c696d7f6367b9ef6797b911c4368d3534e140f628c15fda0c645092d68";

TEST(ValidateServerConfigTest, MinimalConfigIsValid) {
  EXPECT_EQ(ParseErrorOf(ConfigText{}), "(ok)");
}

TEST(ValidateServerConfigTest, AtLeastOneAccount) {
  EXPECT_EQ(ParseErrorOf("[server]\ndata_dir = \"/data\"\n"),
            "sluice.toml: accounts: at least one [[accounts]] table is required");
  EXPECT_EQ(ParseErrorOf("accounts = []\n[server]\ndata_dir = \"/data\"\n"),
            "sluice.toml: accounts: at least one [[accounts]] table is required");
}

// Each server, archive, ingest and generator key just outside its range, below and above.
TEST(ValidateServerConfigTest, ValuesOutOfRange) {
  struct Case {
    std::string table;
    std::string line;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"server", "heartbeat_ms = 0", "server.heartbeat_ms: 0 is out of range [1, 600000]"},
      {"server", "heartbeat_ms = 600001",
       "server.heartbeat_ms: 600001 is out of range [1, 600000]"},
      {"server", "connection_grace_ms = 0",
       "server.connection_grace_ms: 0 is out of range [1, 3600000]"},
      {"server", "slow_reader_bytes = 0",
       "server.slow_reader_bytes: 0 is out of range [1, 1073741824]"},
      {"server", "max_connections = 0", "server.max_connections: 0 is out of range [1, 1000000]"},
      {"server", "header_timeout_ms = -5",
       "server.header_timeout_ms: -5 is out of range [1, 600000]"},
      {"server", "max_header_bytes = 1048577",
       "server.max_header_bytes: 1048577 is out of range [1, 1048576]"},
      {"server", "write_timeout_ms = 0", "server.write_timeout_ms: 0 is out of range [1, 3600000]"},
      {"archive", "fsync_interval_ms = 60001",
       "archive.fsync_interval_ms: 60001 is out of range [1, 60000]"},
      {"archive", "segment_max_bytes = 0",
       "archive.segment_max_bytes: 0 is out of range [1, 68719476736]"},
      {"archive", "segment_max_ms = 0",
       "archive.segment_max_ms: 0 is out of range [1, 2592000000]"},
      {"ingest", "max_body_bytes = 0", "ingest.max_body_bytes: 0 is out of range [1, 4294967296]"},
      {"ingest", "max_post_bytes = 67108865",
       "ingest.max_post_bytes: 67108865 is out of range [1, 67108864]"},
      {"generator", "rate = -1", "generator.rate: -1 is out of range [0, 1000000]"},
      {"generator", "rate = 1000000.5", "generator.rate: 1000000.5 is out of range [0, 1000000]"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.line);
    ConfigText text;
    if (c.table == "server") {
      text.server = c.line;
    } else {
      text.tail = "[" + c.table + "]\n" + c.line;
    }
    EXPECT_EQ(ParseErrorOf(text), "sluice.toml: " + c.message);
  }
}

TEST(ValidateServerConfigTest, StreamValuesOutOfRange) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"connection_limit = 0", "connection_limit: 0 is out of range [1, 1000]"},
      {"connection_limit = 1001", "connection_limit: 1001 is out of range [1, 1000]"},
      {"recovery_job_limit = 0", "recovery_job_limit: 0 is out of range [1, 100]"},
      {"recovery_job_limit = 101", "recovery_job_limit: 101 is out of range [1, 100]"},
      {"max_rules = 0", "max_rules: 0 is out of range [1, 1000000]"},
      {"max_rules = 1000001", "max_rules: 1000001 is out of range [1, 1000000]"},
      {"recovery_window_ms = 59999",
       "recovery_window_ms: 59999 is out of range [60000, 2592000000]"},
      {"recovery_window_ms = 2592000001",
       "recovery_window_ms: 2592000001 is out of range [60000, 2592000000]"},
  };
  for (const auto& [line, message] : cases) {
    SCOPED_TRACE(line);
    ConfigText text;
    text.stream = line;
    EXPECT_EQ(ParseErrorOf(text), "sluice.toml: accounts[0].streams[0]." + message);
  }
}

TEST(ValidateServerConfigTest, BoundsThemselvesAreAccepted) {
  ConfigText text;
  text.server = "heartbeat_ms = 600000\nlisten = \"127.0.0.1:65535\"";
  text.stream =
      "connection_limit = 1000\nrecovery_job_limit = 100\nrecovery_window_ms = 60000\n"
      "max_rules = 1000000";
  text.tail = "[generator]\nrate = 1000000\n";
  EXPECT_EQ(ParseErrorOf(text), "(ok)");
}

TEST(ValidateServerConfigTest, PostLargerThanBody) {
  ConfigText text;
  text.tail = "[ingest]\nmax_body_bytes = 1000\nmax_post_bytes = 1001\n";
  EXPECT_EQ(ParseErrorOf(text),
            "sluice.toml: ingest.max_post_bytes: 1001 exceeds ingest.max_body_bytes (1000)");
}

TEST(ValidateServerConfigTest, BadAccountName) {
  const std::string body = "[server]\ndata_dir = \"/data\"\n[[accounts]]\nname = \"ac me\"\n";
  EXPECT_EQ(ParseErrorOf(body),
            "sluice.toml: accounts[0].name: \"ac me\" must match [A-Za-z0-9_-]{1,64}");
}

TEST(ValidateServerConfigTest, EmptyAccountName) {
  const std::string body = "[server]\ndata_dir = \"/data\"\n[[accounts]]\nname = \"\"\n";
  EXPECT_EQ(ParseErrorOf(body),
            "sluice.toml: accounts[0].name: \"\" must match [A-Za-z0-9_-]{1,64}");
}

TEST(ValidateServerConfigTest, NameOf65CharactersIsTooLong) {
  const std::string name(65, 'a');
  ConfigText text;
  text.tail = "[[accounts.streams]]\nlabel = \"" + name + "\"\n";
  EXPECT_EQ(ParseErrorOf(text), "sluice.toml: accounts[0].streams[1].label: \"" + name +
                                    "\" must match [A-Za-z0-9_-]{1,64}");
  text.tail = "[[accounts.streams]]\nlabel = \"" + name.substr(1) + "\"\n";
  EXPECT_EQ(ParseErrorOf(text), "(ok)");
}

TEST(ValidateServerConfigTest, BadStreamLabel) {
  ConfigText text;
  text.tail = "[[accounts.streams]]\nlabel = \"prod.json\"\n";
  EXPECT_EQ(ParseErrorOf(text),
            "sluice.toml: accounts[0].streams[1].label: \"prod.json\" must match "
            "[A-Za-z0-9_-]{1,64}");
}

TEST(ValidateServerConfigTest, BadUserName) {
  ConfigText text;
  text.tail = UserTable("accounts.users", "bob:smith");
  EXPECT_EQ(ParseErrorOf(text),
            "sluice.toml: accounts[0].users[1].name: \"bob:smith\" must match "
            "[A-Za-z0-9_-]{1,64}");
}

TEST(ValidateServerConfigTest, DuplicateAccountName) {
  ConfigText text;
  text.tail = "[[accounts]]\nname = \"acme\"\n";
  EXPECT_EQ(ParseErrorOf(text),
            "sluice.toml: accounts[1].name: \"acme\" is already used by accounts[0].name");
}

TEST(ValidateServerConfigTest, DuplicateStreamLabel) {
  ConfigText text;
  text.tail = "[[accounts.streams]]\nlabel = \"dev\"\n[[accounts.streams]]\nlabel = \"prod\"\n";
  EXPECT_EQ(ParseErrorOf(text),
            "sluice.toml: accounts[0].streams[2].label: \"prod\" is already used by "
            "accounts[0].streams[0].label");
}

TEST(ValidateServerConfigTest, SameLabelInTwoAccountsIsFine) {
  ConfigText text;
  text.tail = "[[accounts]]\nname = \"other\"\n" + UserTable("accounts.users", "alice") +
              "[[accounts.streams]]\nlabel = \"prod\"\n";
  EXPECT_EQ(ParseErrorOf(text), "(ok)");
}

TEST(ValidateServerConfigTest, DuplicateAccountUser) {
  ConfigText text;
  text.tail = UserTable("accounts.users", "alice");
  EXPECT_EQ(ParseErrorOf(text),
            "sluice.toml: accounts[0].users[1].name: \"alice\" is already used by "
            "accounts[0].users[0].name");
}

TEST(ValidateServerConfigTest, DuplicateIngestUser) {
  ConfigText text;
  text.tail = UserTable("ingest.users", "ingest") + UserTable("ingest.users", "ingest");
  EXPECT_EQ(ParseErrorOf(text),
            "sluice.toml: ingest.users[1].name: \"ingest\" is already used by "
            "ingest.users[0].name");
}

TEST(ValidateServerConfigTest, MalformedPasswordHash) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"hunter2",
       "not a password hash: expected pbkdf2-sha256$<iterations>$<salt base64>$<hash base64> "
       "(make one with `sluice hash-password`)"},
      {"pbkdf2-sha256$0$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
       "iteration count is not an integer in [1, 10000000]"},
      {"pbkdf2-sha256$1000$AAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
       "salt is not base64 of 8 to 64 bytes"},
      {"pbkdf2-sha256$1000$AAAAAAAAAAAAAAAAAAAAAA==$AAAA", "hash is not base64 of 32 bytes"},
  };
  for (const auto& [hash, message] : cases) {
    SCOPED_TRACE(hash);
    ConfigText text;
    text.tail = "[[ingest.users]]\nname = \"ingest\"\npassword_hash = \"" + hash + "\"\n";
    EXPECT_EQ(ParseErrorOf(text), "sluice.toml: ingest.users[0].password_hash: " + message);
  }
}

TEST(ValidateServerConfigTest, TokenForUnknownStream) {
  ConfigText text;
  text.tail = "[[accounts.tokens]]\nstream = \"staging\"\ntoken_sha256 = \"" +
              std::string(kTokenHashA) + "\"\n";
  EXPECT_EQ(ParseErrorOf(text),
            "sluice.toml: accounts[0].tokens[0].stream: \"staging\" is not a stream label of "
            "\"acme\"");
}

TEST(ValidateServerConfigTest, MalformedTokenHash) {
  ConfigText text;
  text.tail = "[[accounts.tokens]]\nstream = \"prod\"\ntoken_sha256 = \"demo-token\"\n";
  EXPECT_EQ(ParseErrorOf(text),
            "sluice.toml: accounts[0].tokens[0].token_sha256: not a token hash: expected 64 "
            "lowercase hex digits, the SHA-256 of the token (printf %s TOKEN | sha256sum)");
}

TEST(ValidateServerConfigTest, DuplicateTokenAcrossAccounts) {
  const std::string token = "[[accounts.tokens]]\nstream = \"prod\"\ntoken_sha256 = \"" +
                            std::string(kTokenHashA) + "\"\n";
  ConfigText text;
  text.tail =
      token + "[[accounts]]\nname = \"other\"\n[[accounts.streams]]\nlabel = \"prod\"\n" + token;
  EXPECT_EQ(ParseErrorOf(text), "sluice.toml: accounts[1].tokens[0].token_sha256: \"" +
                                    std::string(kTokenHashA) +
                                    "\" is already used by accounts[0].tokens[0].token_sha256");
}

// Rules that a TOML file cannot break but a config built in code (CLI overrides) can.
TEST(ValidateServerConfigTest, ValuesBuiltInCode) {
  ServerConfig config;
  config.accounts.push_back(AccountConfig{"acme", {}, {}, {}});
  ASSERT_TRUE(ValidateServerConfig(config).ok());

  ServerConfig huge = config;
  huge.slow_reader_bytes = std::numeric_limits<uint64_t>::max();
  EXPECT_EQ(ValidateServerConfig(huge).message(),
            "server.slow_reader_bytes: 18446744073709551615 is out of range [1, 1073741824]");

  ServerConfig no_host = config;
  no_host.listen_host = "";
  EXPECT_EQ(ValidateServerConfig(no_host).message(),
            "server.listen: \"\" is not a host name or address");

  ServerConfig empty_file = config;
  empty_file.ingest_file = "";
  EXPECT_EQ(ValidateServerConfig(empty_file).message(),
            "ingest.file: must not be empty; give a path, or \"-\" for stdin");

  ServerConfig nan_rate = config;
  nan_rate.generator_rate = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(ValidateServerConfig(nan_rate).message(),
            "generator.rate: nan is out of range [0, 1000000]");

  ServerConfig default_window = config;
  default_window.accounts[0].streams.push_back(StreamConfig{.label = "prod"});
  EXPECT_TRUE(ValidateServerConfig(default_window).ok());  // recovery_window_ms 0 = default
}

TEST(ValidateServerConfigTest, ErrorsAreInvalidArgument) {
  ServerConfig config;  // no accounts
  EXPECT_EQ(ValidateServerConfig(config).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sluice
