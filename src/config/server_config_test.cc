#include "config/server_config.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "config/config_test_util.h"
#include "config/password_hash.h"

namespace sluice {
namespace {

using testing::ConfigText;
using testing::ParseErrorOf;

TEST(ServerConfigTest, ExampleFileLoads) {
  Result<ServerConfig> config =
      LoadServerConfig(std::filesystem::path(SLUICE_SOURCE_DIR) / "config" / "example.toml");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->listen_host, "127.0.0.1");
  EXPECT_EQ(config->listen_port, 8080);
  EXPECT_EQ(config->data_dir, "/var/lib/sluice");
  EXPECT_EQ(config->heartbeat_ms, 10000);
  EXPECT_EQ(config->archive.fsync, FsyncPolicy::kInterval);
  EXPECT_EQ(config->max_ingest_body_bytes, 64u << 20);
  EXPECT_FALSE(config->ingest_file.has_value());
  ASSERT_EQ(config->ingest_users.size(), 1u);
  EXPECT_TRUE(VerifyPassword("ingest-secret", config->ingest_users[0].password_hash));
  ASSERT_EQ(config->accounts.size(), 1u);
  const AccountConfig& acme = config->accounts[0];
  EXPECT_EQ(acme.name, "acme");
  ASSERT_EQ(acme.users.size(), 2u);
  EXPECT_TRUE(VerifyPassword("alice-secret", acme.users[0].password_hash));
  EXPECT_TRUE(VerifyPassword("bob-secret", acme.users[1].password_hash));
  ASSERT_EQ(acme.streams.size(), 4u);
  EXPECT_EQ(acme.streams[0].label, "prod");
  EXPECT_EQ(acme.streams[0].recovery_window_ms, 86400000);
  EXPECT_FALSE(acme.streams[1].require_gzip);
  EXPECT_EQ(acme.streams[2].kind, StreamKind::kDecahose);
  EXPECT_EQ(acme.streams[2].connection_limit, 4);
  EXPECT_EQ(acme.streams[3].kind, StreamKind::kSample);
  ASSERT_EQ(acme.tokens.size(), 1u);
  EXPECT_EQ(acme.tokens[0].stream, "prod");
}

std::string ReadWholeFile(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

TEST(ServerConfigTest, DocumentationShowsTheExampleFile) {
  const std::filesystem::path root(SLUICE_SOURCE_DIR);
  const std::string example = ReadWholeFile(root / "config" / "example.toml");
  ASSERT_FALSE(example.empty());
  const std::string docs = ReadWholeFile(root / "docs" / "configuration.md");
  EXPECT_NE(docs.find("```toml\n" + example + "```"), std::string::npos)
      << "docs/configuration.md must quote config/example.toml verbatim";
}

TEST(ServerConfigTest, MinimalConfigTakesDefaults) {
  Result<ServerConfig> config = ParseServerConfig(ConfigText{}.Build(), "sluice.toml");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  const ServerConfig defaults;
  EXPECT_EQ(config->listen_host, defaults.listen_host);
  EXPECT_EQ(config->listen_port, defaults.listen_port);
  EXPECT_EQ(config->heartbeat_ms, defaults.heartbeat_ms);
  EXPECT_EQ(config->archive.segment_max_bytes, defaults.archive.segment_max_bytes);
  EXPECT_EQ(config->generator_rate, 0);
  EXPECT_TRUE(config->ingest_users.empty());
  const StreamConfig& stream = config->accounts[0].streams[0];
  EXPECT_EQ(stream.kind, StreamKind::kPowerTrack);
  EXPECT_EQ(stream.connection_limit, 2);
  EXPECT_TRUE(stream.backfill);
  EXPECT_EQ(stream.recovery_window_ms, 0);
  EXPECT_EQ(RecoveryWindowMs(stream), 86400000);
  EXPECT_TRUE(stream.require_gzip);
  EXPECT_EQ(stream.max_rules, 250000);
}

TEST(ServerConfigTest, ReadsEveryKey) {
  ConfigText text;
  text.server =
      "listen = \"[::1]:0\"\nheartbeat_ms = 500\nconnection_grace_ms = 1000\n"
      "slow_reader_bytes = 4096\nmax_connections = 7\nheader_timeout_ms = 2000\n"
      "max_header_bytes = 8192\nwrite_timeout_ms = 3000\n";
  text.stream =
      "kind = \"decahose\"\nconnection_limit = 3\nbackfill = false\n"
      "recovery_window_ms = 60000\nrecovery_job_limit = 5\nrequire_gzip = false\n"
      "max_rules = 1000\n";
  text.tail =
      "[archive]\nfsync = \"always\"\nfsync_interval_ms = 5\nsegment_max_bytes = 1024\n"
      "segment_max_ms = 60000\npage_cache_bytes = 0\n"
      "[ingest]\nmax_body_bytes = 2048\nmax_post_bytes = 1024\nfile = \"-\"\n"
      "[[ingest.users]]\nname = \"ingest\"\npassword_hash = \"" +
      std::string(testing::kWellFormedHash) + "\"\n[generator]\nrate = 0.5\nseed = 42\n";
  Result<ServerConfig> config = ParseServerConfig(text.Build(), "sluice.toml");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->listen_host, "::1");
  EXPECT_EQ(config->listen_port, 0);
  EXPECT_EQ(config->heartbeat_ms, 500);
  EXPECT_EQ(config->connection_grace_ms, 1000);
  EXPECT_EQ(config->slow_reader_bytes, 4096u);
  EXPECT_EQ(config->max_connections, 7);
  EXPECT_EQ(config->header_timeout_ms, 2000);
  EXPECT_EQ(config->max_header_bytes, 8192u);
  EXPECT_EQ(config->write_timeout_ms, 3000);
  EXPECT_EQ(config->archive.fsync, FsyncPolicy::kAlways);
  EXPECT_EQ(config->archive.fsync_interval_ms, 5);
  EXPECT_EQ(config->archive.segment_max_bytes, 1024u);
  EXPECT_EQ(config->archive.segment_max_ms, 60000);
  EXPECT_EQ(config->archive.page_cache_bytes, 0u);
  EXPECT_EQ(config->max_ingest_body_bytes, 2048u);
  EXPECT_EQ(config->max_post_bytes, 1024u);
  EXPECT_EQ(config->ingest_file, "-");
  ASSERT_EQ(config->ingest_users.size(), 1u);
  EXPECT_EQ(config->ingest_users[0].name, "ingest");
  EXPECT_EQ(config->generator_rate, 0.5);
  EXPECT_EQ(config->generator_seed, 42u);
  const StreamConfig& stream = config->accounts[0].streams[0];
  EXPECT_EQ(stream.kind, StreamKind::kDecahose);
  EXPECT_EQ(stream.connection_limit, 3);
  EXPECT_FALSE(stream.backfill);
  EXPECT_EQ(stream.recovery_window_ms, 60000);
  EXPECT_EQ(stream.recovery_job_limit, 5);
  EXPECT_FALSE(stream.require_gzip);
  EXPECT_EQ(stream.max_rules, 1000);
}

TEST(ServerConfigTest, RelativePathsResolveAgainstTheConfigDirectory) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("sluice_config_test_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir / "etc");
  ConfigText text;
  text.tail = "[ingest]\nfile = \"../posts/today.ndjson\"\n";
  std::string body = text.Build();
  body.replace(body.find("\"/data\""), 7, "\"data\"");
  std::ofstream(dir / "etc" / "sluice.toml") << body;

  Result<ServerConfig> config = LoadServerConfig(dir / "etc" / "sluice.toml");
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->data_dir, dir / "etc" / "data");
  EXPECT_EQ(config->ingest_file, (dir / "posts" / "today.ndjson").string());
}

TEST(ServerConfigTest, ParseLeavesRelativePathsAloneWithoutBaseDir) {
  std::string body = ConfigText{}.Build();
  body.replace(body.find("\"/data\""), 7, "\"data\"");
  Result<ServerConfig> config = ParseServerConfig(body, "sluice.toml");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->data_dir, "data");
}

TEST(ServerConfigTest, MissingFileNamesIt) {
  Result<ServerConfig> config = LoadServerConfig("/nonexistent/sluice.toml");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(config.status().message(),
            "/nonexistent/sluice.toml: cannot read: No such file or directory");
}

TEST(ServerConfigTest, DirectoryIsNotAConfig) {
  Result<ServerConfig> config = LoadServerConfig(std::filesystem::temp_directory_path());
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().message(),
            std::filesystem::temp_directory_path().string() + ": cannot read: Is a directory");
}

TEST(ServerConfigTest, SyntaxErrorNamesFileLineAndColumn) {
  const std::string message = ParseErrorOf("[server]\ndata_dir = \"/data\"\nheartbeat_ms = = 5\n");
  EXPECT_EQ(message.rfind("sluice.toml: line 3, column ", 0), 0u) << message;
}

TEST(ServerConfigTest, UnknownTopLevelKey) {
  ConfigText text;
  text.tail = "[genrator]\nrate = 5\n";
  EXPECT_EQ(ParseErrorOf(text),
            "sluice.toml: genrator: unknown key; expected one of server, archive, ingest, "
            "generator, accounts");
}

TEST(ServerConfigTest, UnknownServerKey) {
  ConfigText text;
  text.server = "heartbeat = 5\n";
  EXPECT_EQ(ParseErrorOf(text),
            "sluice.toml: server.heartbeat: unknown key; expected one of listen, data_dir, "
            "heartbeat_ms, connection_grace_ms, slow_reader_bytes, max_connections, "
            "header_timeout_ms, max_header_bytes, write_timeout_ms");
}

TEST(ServerConfigTest, UnknownStreamKey) {
  ConfigText text;
  text.stream = "connection_limt = 3\n";
  EXPECT_EQ(ParseErrorOf(text),
            "sluice.toml: accounts[0].streams[0].connection_limt: unknown key; expected one of "
            "label, kind, connection_limit, backfill, recovery_window_ms, recovery_job_limit, "
            "require_gzip, max_rules");
}

TEST(ServerConfigTest, UnknownKeyThatIsNotBareIsQuoted) {
  ConfigText text;
  text.tail = "[archive]\n\"fsync mode\" = 1\n";
  EXPECT_EQ(ParseErrorOf(text),
            "sluice.toml: archive.\"fsync mode\": unknown key; expected one of fsync, "
            "fsync_interval_ms, segment_max_bytes, segment_max_ms, page_cache_bytes, "
            "retention_check_ms");
}

TEST(ServerConfigTest, UnknownAccountAndUserKeys) {
  ConfigText account;
  account.account = "owner = \"x\"\n";
  EXPECT_EQ(ParseErrorOf(account),
            "sluice.toml: accounts[0].owner: unknown key; expected one of name, users, streams, "
            "tokens");
  ConfigText user;
  user.user = "email = \"a@example.com\"\n";
  EXPECT_EQ(ParseErrorOf(user),
            "sluice.toml: accounts[0].users[0].email: unknown key; expected one of name, "
            "password_hash");
}

TEST(ServerConfigTest, PlainPasswordIsRejected) {
  ConfigText text;
  text.user = "password = \"hunter2\"\n";
  EXPECT_EQ(ParseErrorOf(text),
            "sluice.toml: accounts[0].users[0].password: plain-text passwords are not accepted; "
            "set password_hash to the output of `sluice hash-password`");
}

TEST(ServerConfigTest, PlainTokenIsRejected) {
  ConfigText text;
  text.tail = "[[accounts.tokens]]\nstream = \"prod\"\ntoken = \"abc\"\n";
  EXPECT_EQ(ParseErrorOf(text),
            "sluice.toml: accounts[0].tokens[0].token: plain tokens are not accepted; set "
            "token_sha256 to the token's SHA-256 (printf %s TOKEN | sha256sum)");
}

TEST(ServerConfigTest, BadStreamKind) {
  ConfigText text;
  text.tail = "[[accounts.streams]]\nlabel = \"dev\"\nkind = \"powertrak\"\n";
  EXPECT_EQ(ParseErrorOf(text),
            "sluice.toml: accounts[0].streams[1].kind: \"powertrak\" is not one of powertrack, "
            "decahose, sample");
}

TEST(ServerConfigTest, BadFsyncPolicy) {
  ConfigText text;
  text.tail = "[archive]\nfsync = \"never\"\n";
  EXPECT_EQ(ParseErrorOf(text),
            "sluice.toml: archive.fsync: \"never\" is not one of always, interval");
}

TEST(ServerConfigTest, StringWhereIntegerExpected) {
  ConfigText text;
  text.server = "heartbeat_ms = \"10s\"\n";
  EXPECT_EQ(ParseErrorOf(text),
            "sluice.toml: server.heartbeat_ms: expected an integer, got a string \"10s\"");
}

TEST(ServerConfigTest, FloatWhereIntegerExpected) {
  ConfigText text;
  text.stream = "connection_limit = 2.5\n";
  EXPECT_EQ(ParseErrorOf(text),
            "sluice.toml: accounts[0].streams[0].connection_limit: expected an integer, got a "
            "float 2.5");
}

TEST(ServerConfigTest, IntegerWhereStringExpected) {
  ConfigText text;
  text.server = "listen = 8080\n";
  EXPECT_EQ(ParseErrorOf(text),
            "sluice.toml: server.listen: expected a string, got an integer 8080");
}

TEST(ServerConfigTest, StringWhereBooleanExpected) {
  ConfigText text;
  text.stream = "backfill = \"yes\"\n";
  EXPECT_EQ(ParseErrorOf(text),
            "sluice.toml: accounts[0].streams[0].backfill: expected a boolean (true or false), got "
            "a string \"yes\"");
}

TEST(ServerConfigTest, StringWhereNumberExpected) {
  ConfigText text;
  text.tail = "[generator]\nrate = \"fast\"\n";
  EXPECT_EQ(ParseErrorOf(text),
            "sluice.toml: generator.rate: expected a number, got a string \"fast\"");
}

TEST(ServerConfigTest, ValueWhereTableExpected) {
  // A bare key after [[accounts.streams]] belongs to that stream, so put it at the top instead.
  const std::string body = "archive = 5\n" + ConfigText{}.Build();
  EXPECT_EQ(ParseErrorOf(body),
            "sluice.toml: archive: expected a table ([archive]), got an integer 5");
}

TEST(ServerConfigTest, TableWhereArrayOfTablesExpected) {
  const std::string body = "[server]\ndata_dir = \"/data\"\n[accounts]\nname = \"acme\"\n";
  EXPECT_EQ(ParseErrorOf(body),
            "sluice.toml: accounts: expected an array of tables ([[accounts]]), got a table");
}

TEST(ServerConfigTest, NestedArrayOfTablesTypeError) {
  ConfigText text;
  text.account = "streams = [1, 2]\n";
  std::string body = text.Build();
  // Drop the [[accounts.streams]] table the template adds, which would clash with `streams`.
  const std::string stream_table = "[[accounts.streams]]\nlabel = \"prod\"\n";
  body.replace(body.find(stream_table), stream_table.size(), "");
  EXPECT_EQ(ParseErrorOf(body),
            "sluice.toml: accounts[0].streams: expected an array of tables ([[accounts.streams]]), "
            "got an array");
}

TEST(ServerConfigTest, DataDirIsRequired) {
  EXPECT_EQ(ParseErrorOf("[[accounts]]\nname = \"acme\"\n"),
            "sluice.toml: server.data_dir: missing (required)");
  EXPECT_EQ(ParseErrorOf("[server]\ndata_dir = \"\"\n"),
            "sluice.toml: server.data_dir: must not be empty");
}

TEST(ServerConfigTest, AccountNeedsName) {
  EXPECT_EQ(ParseErrorOf("[server]\ndata_dir = \"/data\"\n[[accounts]]\n"),
            "sluice.toml: accounts[0].name: missing (required)");
}

TEST(ServerConfigTest, StreamNeedsLabel) {
  ConfigText text;
  text.tail = "[[accounts.streams]]\nkind = \"sample\"\n";
  EXPECT_EQ(ParseErrorOf(text), "sluice.toml: accounts[0].streams[1].label: missing (required)");
}

TEST(ServerConfigTest, UserNeedsNameAndHash) {
  ConfigText no_name;
  no_name.tail = "[[ingest.users]]\npassword_hash = \"x\"\n";
  EXPECT_EQ(ParseErrorOf(no_name), "sluice.toml: ingest.users[0].name: missing (required)");
  ConfigText no_hash;
  no_hash.tail = "[[accounts.users]]\nname = \"bob\"\n";
  EXPECT_EQ(ParseErrorOf(no_hash),
            "sluice.toml: accounts[0].users[1].password_hash: missing (required)");
}

TEST(ServerConfigTest, TokenNeedsStreamAndHash) {
  ConfigText no_stream;
  no_stream.tail = "[[accounts.tokens]]\ntoken_sha256 = \"x\"\n";
  EXPECT_EQ(ParseErrorOf(no_stream),
            "sluice.toml: accounts[0].tokens[0].stream: missing (required)");
  ConfigText no_hash;
  no_hash.tail = "[[accounts.tokens]]\nstream = \"prod\"\n";
  EXPECT_EQ(ParseErrorOf(no_hash),
            "sluice.toml: accounts[0].tokens[0].token_sha256: missing (required)");
}

TEST(ServerConfigTest, EmptyIngestFile) {
  ConfigText text;
  text.tail = "[ingest]\nfile = \"\"\n";
  EXPECT_EQ(ParseErrorOf(text),
            "sluice.toml: ingest.file: must not be empty; give a path, or \"-\" for stdin");
}

TEST(ServerConfigTest, ListenWithoutPort) {
  ConfigText text;
  text.server = "listen = \"localhost\"\n";
  EXPECT_EQ(ParseErrorOf(text),
            "sluice.toml: server.listen: \"localhost\" is not HOST:PORT (e.g. 127.0.0.1:8080 or "
            "[::1]:8080)");
}

TEST(ServerConfigTest, ListenPortOutOfRange) {
  ConfigText text;
  text.server = "listen = \"0.0.0.0:70000\"\n";
  EXPECT_EQ(ParseErrorOf(text),
            "sluice.toml: server.listen: port \"70000\" is not a number in [0, 65535]");
}

TEST(ServerConfigTest, IntegerTooLargeForFieldIsOutOfRange) {
  ConfigText text;
  text.stream = "connection_limit = 4294967297\n";  // would wrap to 1 in an int
  EXPECT_EQ(ParseErrorOf(text),
            "sluice.toml: accounts[0].streams[0].connection_limit: 4294967297 is out of range [1, "
            "1000]");
}

TEST(ServerConfigTest, NegativeSeed) {
  ConfigText text;
  text.tail = "[generator]\nseed = -1\n";
  EXPECT_EQ(ParseErrorOf(text),
            "sluice.toml: generator.seed: -1 is out of range [0, 9223372036854775807]");
}

TEST(ServerConfigTest, NanRate) {
  ConfigText text;
  text.tail = "[generator]\nrate = nan\n";
  EXPECT_EQ(ParseErrorOf(text), "sluice.toml: generator.rate: nan is out of range [0, 1000000]");
}

TEST(ServerConfigTest, StreamKindNames) {
  EXPECT_EQ(StreamKindName(StreamKind::kPowerTrack), "powertrack");
  EXPECT_EQ(StreamKindName(StreamKind::kDecahose), "decahose");
  EXPECT_EQ(StreamKindName(StreamKind::kSample), "sample");
}

TEST(ServerConfigTest, RecoveryWindowDefaultsByKind) {
  StreamConfig stream;
  stream.kind = StreamKind::kPowerTrack;
  EXPECT_EQ(RecoveryWindowMs(stream), 24 * 3600 * 1000);
  stream.kind = StreamKind::kSample;
  EXPECT_EQ(RecoveryWindowMs(stream), 24 * 3600 * 1000);
  stream.kind = StreamKind::kDecahose;
  EXPECT_EQ(RecoveryWindowMs(stream), int64_t{5} * 24 * 3600 * 1000);
  stream.recovery_window_ms = 60000;
  EXPECT_EQ(RecoveryWindowMs(stream), 60000);
}

}  // namespace
}  // namespace sluice
