// Reading a ServerConfig from TOML. Every table is read by a TomlTableReader that rejects unknown
// keys, so a misspelt key is an error rather than a silently ignored setting.
#include "config/server_config.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "config/config_limits.h"
#include "config/listen_address.h"
#include "config/toml_table_reader.h"

namespace sluice {
namespace {

// A config file is a few kilobytes; the bound keeps a wrong path (a device, a huge log) from
// being read whole.
constexpr size_t kMaxConfigFileBytes = 16 << 20;

std::filesystem::path ResolvePath(const std::filesystem::path& base_dir, const std::string& value) {
  std::filesystem::path path(value);
  if (path.is_relative() && !base_dir.empty()) path = (base_dir / path).lexically_normal();
  return path;
}

Status ReadServerTable(const TomlTableReader& server, const std::filesystem::path& base_dir,
                       ServerConfig* config) {
  SLUICE_RETURN_IF_ERROR(server.CheckKeys(
      {"listen", "data_dir", "heartbeat_ms", "connection_grace_ms", "slow_reader_bytes",
       "max_connections", "header_timeout_ms", "max_header_bytes", "write_timeout_ms"}));
  std::string listen;
  SLUICE_RETURN_IF_ERROR(server.ReadString("listen", &listen));
  if (server.Has("listen")) {
    Result<ListenAddress> address = ParseListenAddress(listen);
    if (!address.ok()) return ConfigError(server.PathOf("listen"), address.status().message());
    config->listen_host = address->host;
    config->listen_port = address->port;
  }
  std::string data_dir;
  SLUICE_RETURN_IF_ERROR(server.ReadString("data_dir", &data_dir));
  if (data_dir.empty()) {
    // Only a file config needs it: the demo makes a temporary directory instead.
    return server.Has("data_dir") ? ConfigError(server.PathOf("data_dir"), "must not be empty")
                                  : server.MissingError("data_dir");
  }
  config->data_dir = ResolvePath(base_dir, data_dir);
  SLUICE_RETURN_IF_ERROR(server.ReadInt("heartbeat_ms", kHeartbeatMsRange, &config->heartbeat_ms));
  SLUICE_RETURN_IF_ERROR(
      server.ReadInt("connection_grace_ms", kConnectionGraceMsRange, &config->connection_grace_ms));
  SLUICE_RETURN_IF_ERROR(
      server.ReadInt("slow_reader_bytes", kSlowReaderBytesRange, &config->slow_reader_bytes));
  SLUICE_RETURN_IF_ERROR(
      server.ReadInt("max_connections", kMaxConnectionsRange, &config->max_connections));
  SLUICE_RETURN_IF_ERROR(
      server.ReadInt("header_timeout_ms", kHeaderTimeoutMsRange, &config->header_timeout_ms));
  SLUICE_RETURN_IF_ERROR(
      server.ReadInt("max_header_bytes", kMaxHeaderBytesRange, &config->max_header_bytes));
  return server.ReadInt("write_timeout_ms", kWriteTimeoutMsRange, &config->write_timeout_ms);
}

Status ReadArchiveTable(const TomlTableReader& archive, ArchiveConfig* config) {
  SLUICE_RETURN_IF_ERROR(
      archive.CheckKeys({"fsync", "fsync_interval_ms", "segment_max_bytes", "segment_max_ms",
                         "page_cache_bytes", "retention_check_ms"}));
  std::string fsync;
  SLUICE_RETURN_IF_ERROR(archive.ReadString("fsync", &fsync));
  if (fsync == "always") {
    config->fsync = FsyncPolicy::kAlways;
  } else if (fsync == "interval") {
    config->fsync = FsyncPolicy::kInterval;
  } else if (archive.Has("fsync")) {
    return ConfigError(archive.PathOf("fsync"),
                       QuoteForMessage(fsync) + " is not one of always, interval");
  }
  SLUICE_RETURN_IF_ERROR(
      archive.ReadInt("fsync_interval_ms", kFsyncIntervalMsRange, &config->fsync_interval_ms));
  SLUICE_RETURN_IF_ERROR(
      archive.ReadInt("segment_max_bytes", kSegmentMaxBytesRange, &config->segment_max_bytes));
  SLUICE_RETURN_IF_ERROR(
      archive.ReadInt("segment_max_ms", kSegmentMaxMsRange, &config->segment_max_ms));
  SLUICE_RETURN_IF_ERROR(
      archive.ReadInt("page_cache_bytes", kPageCacheBytesRange, &config->page_cache_bytes));
  return archive.ReadInt("retention_check_ms", kRetentionCheckMsRange, &config->retention_check_ms);
}

// [[ingest.users]] and [[accounts.users]].
Status ReadUsers(const TomlTableReader& parent, std::vector<UserConfig>* users) {
  Result<std::vector<const toml::table*>> tables = parent.ReadArrayOfTables("users");
  if (!tables.ok()) return tables.status();
  for (size_t i = 0; i < tables->size(); ++i) {
    const TomlTableReader user_table(*(*tables)[i], IndexPath(parent.PathOf("users"), i));
    if (user_table.Has("password")) {
      return ConfigError(user_table.PathOf("password"),
                         "plain-text passwords are not accepted; set password_hash to the output "
                         "of `sluice hash-password`");
    }
    SLUICE_RETURN_IF_ERROR(user_table.CheckKeys({"name", "password_hash"}));
    UserConfig user;
    SLUICE_RETURN_IF_ERROR(user_table.ReadString("name", &user.name));
    if (!user_table.Has("name")) return user_table.MissingError("name");
    SLUICE_RETURN_IF_ERROR(user_table.ReadString("password_hash", &user.password_hash));
    if (!user_table.Has("password_hash")) return user_table.MissingError("password_hash");
    users->push_back(std::move(user));
  }
  return Status::Ok();
}

Status ReadIngestTable(const TomlTableReader& ingest, const std::filesystem::path& base_dir,
                       ServerConfig* config) {
  SLUICE_RETURN_IF_ERROR(ingest.CheckKeys({"max_body_bytes", "max_post_bytes", "file", "users"}));
  SLUICE_RETURN_IF_ERROR(
      ingest.ReadInt("max_body_bytes", kMaxIngestBodyBytesRange, &config->max_ingest_body_bytes));
  SLUICE_RETURN_IF_ERROR(
      ingest.ReadInt("max_post_bytes", kMaxPostBytesRange, &config->max_post_bytes));
  if (ingest.Has("file")) {
    std::string file;
    SLUICE_RETURN_IF_ERROR(ingest.ReadString("file", &file));
    if (file.empty()) {
      return ConfigError(ingest.PathOf("file"),
                         "must not be empty; give a path, or \"-\" for stdin");
    }
    config->ingest_file = file == "-" ? file : ResolvePath(base_dir, file).string();
  }
  return ReadUsers(ingest, &config->ingest_users);
}

Status ReadGeneratorTable(const TomlTableReader& generator, ServerConfig* config) {
  SLUICE_RETURN_IF_ERROR(generator.CheckKeys({"rate", "seed"}));
  SLUICE_RETURN_IF_ERROR(
      generator.ReadNumber("rate", 0, kMaxGeneratorRate, &config->generator_rate));
  return generator.ReadInt("seed", kGeneratorSeedRange, &config->generator_seed);
}

Status ReadStreams(const TomlTableReader& account, std::vector<StreamConfig>* streams) {
  Result<std::vector<const toml::table*>> tables = account.ReadArrayOfTables("streams");
  if (!tables.ok()) return tables.status();
  for (size_t i = 0; i < tables->size(); ++i) {
    const TomlTableReader table(*(*tables)[i], IndexPath(account.PathOf("streams"), i));
    SLUICE_RETURN_IF_ERROR(
        table.CheckKeys({"label", "kind", "connection_limit", "backfill", "recovery_window_ms",
                         "recovery_job_limit", "require_gzip", "max_rules"}));
    StreamConfig stream;
    SLUICE_RETURN_IF_ERROR(table.ReadString("label", &stream.label));
    if (!table.Has("label")) return table.MissingError("label");
    std::string kind;
    SLUICE_RETURN_IF_ERROR(table.ReadString("kind", &kind));
    if (kind == "powertrack") {
      stream.kind = StreamKind::kPowerTrack;
    } else if (kind == "decahose") {
      stream.kind = StreamKind::kDecahose;
    } else if (kind == "sample") {
      stream.kind = StreamKind::kSample;
    } else if (table.Has("kind")) {
      return ConfigError(table.PathOf("kind"),
                         QuoteForMessage(kind) + " is not one of powertrack, decahose, sample");
    }
    SLUICE_RETURN_IF_ERROR(
        table.ReadInt("connection_limit", kConnectionLimitRange, &stream.connection_limit));
    SLUICE_RETURN_IF_ERROR(table.ReadBool("backfill", &stream.backfill));
    SLUICE_RETURN_IF_ERROR(
        table.ReadInt("recovery_window_ms", kRecoveryWindowMsRange, &stream.recovery_window_ms));
    SLUICE_RETURN_IF_ERROR(
        table.ReadInt("recovery_job_limit", kRecoveryJobLimitRange, &stream.recovery_job_limit));
    SLUICE_RETURN_IF_ERROR(table.ReadBool("require_gzip", &stream.require_gzip));
    SLUICE_RETURN_IF_ERROR(table.ReadInt("max_rules", kMaxRulesRange, &stream.max_rules));
    streams->push_back(std::move(stream));
  }
  return Status::Ok();
}

Status ReadTokens(const TomlTableReader& account, std::vector<AppTokenConfig>* tokens) {
  Result<std::vector<const toml::table*>> tables = account.ReadArrayOfTables("tokens");
  if (!tables.ok()) return tables.status();
  for (size_t i = 0; i < tables->size(); ++i) {
    const TomlTableReader table(*(*tables)[i], IndexPath(account.PathOf("tokens"), i));
    if (table.Has("token")) {
      return ConfigError(table.PathOf("token"),
                         "plain tokens are not accepted; set token_sha256 to the token's SHA-256 "
                         "(printf %s TOKEN | sha256sum)");
    }
    SLUICE_RETURN_IF_ERROR(table.CheckKeys({"stream", "token_sha256"}));
    AppTokenConfig token;
    SLUICE_RETURN_IF_ERROR(table.ReadString("stream", &token.stream));
    if (!table.Has("stream")) return table.MissingError("stream");
    SLUICE_RETURN_IF_ERROR(table.ReadString("token_sha256", &token.token_sha256));
    if (!table.Has("token_sha256")) return table.MissingError("token_sha256");
    tokens->push_back(std::move(token));
  }
  return Status::Ok();
}

Status ReadAccounts(const TomlTableReader& root, std::vector<AccountConfig>* accounts) {
  Result<std::vector<const toml::table*>> tables = root.ReadArrayOfTables("accounts");
  if (!tables.ok()) return tables.status();
  for (size_t i = 0; i < tables->size(); ++i) {
    const TomlTableReader table(*(*tables)[i], IndexPath("accounts", i));
    SLUICE_RETURN_IF_ERROR(table.CheckKeys({"name", "users", "streams", "tokens"}));
    AccountConfig account;
    SLUICE_RETURN_IF_ERROR(table.ReadString("name", &account.name));
    if (!table.Has("name")) return table.MissingError("name");
    SLUICE_RETURN_IF_ERROR(ReadUsers(table, &account.users));
    SLUICE_RETURN_IF_ERROR(ReadStreams(table, &account.streams));
    SLUICE_RETURN_IF_ERROR(ReadTokens(table, &account.tokens));
    accounts->push_back(std::move(account));
  }
  return Status::Ok();
}

// Reads the optional table `key` of `root` with `read`; an absent table keeps the defaults.
template <typename ReadFn>
Status ReadOptionalTable(const TomlTableReader& root, std::string_view key, ReadFn read) {
  Result<const toml::table*> table = root.ReadTable(key);
  if (!table.ok()) return table.status();
  const toml::table empty;
  return read(TomlTableReader(*table != nullptr ? **table : empty, std::string(key)));
}

Status ReadDocument(const toml::table& document, const std::filesystem::path& base_dir,
                    ServerConfig* config) {
  const TomlTableReader root(document, "");
  SLUICE_RETURN_IF_ERROR(root.CheckKeys({"server", "archive", "ingest", "generator", "accounts"}));
  // [server] is read even when absent, so that the missing data_dir is reported.
  SLUICE_RETURN_IF_ERROR(ReadOptionalTable(root, "server", [&](const TomlTableReader& table) {
    return ReadServerTable(table, base_dir, config);
  }));
  SLUICE_RETURN_IF_ERROR(ReadOptionalTable(root, "archive", [&](const TomlTableReader& table) {
    return ReadArchiveTable(table, &config->archive);
  }));
  SLUICE_RETURN_IF_ERROR(ReadOptionalTable(root, "ingest", [&](const TomlTableReader& table) {
    return ReadIngestTable(table, base_dir, config);
  }));
  SLUICE_RETURN_IF_ERROR(ReadOptionalTable(root, "generator", [&](const TomlTableReader& table) {
    return ReadGeneratorTable(table, config);
  }));
  return ReadAccounts(root, &config->accounts);
}

Status WithOrigin(std::string_view origin, const Status& status) {
  return Status::InvalidArgument(std::string(origin) + ": " + status.message());
}

}  // namespace

std::string_view StreamKindName(StreamKind kind) {
  switch (kind) {
    case StreamKind::kPowerTrack:
      return "powertrack";
    case StreamKind::kDecahose:
      return "decahose";
    case StreamKind::kSample:
      return "sample";
  }
  return "unknown";
}

int64_t RecoveryWindowMs(const StreamConfig& stream) {
  if (stream.recovery_window_ms != 0) return stream.recovery_window_ms;
  return stream.kind == StreamKind::kDecahose ? 5 * kDayMs : kDayMs;
}

Result<ServerConfig> ParseServerConfig(std::string_view toml_text, std::string_view origin,
                                       const std::filesystem::path& base_dir) {
  toml::table document;
  try {
    document = toml::parse(toml_text, origin);
  } catch (const toml::parse_error& error) {
    const toml::source_position where = error.source().begin;
    return Status::InvalidArgument(std::string(origin) + ": line " + std::to_string(where.line) +
                                   ", column " + std::to_string(where.column) + ": " +
                                   std::string(error.description()));
  }
  ServerConfig config;
  if (Status status = ReadDocument(document, base_dir, &config); !status.ok()) {
    return WithOrigin(origin, status);
  }
  if (Status status = ValidateServerConfig(config); !status.ok()) {
    return WithOrigin(origin, status);
  }
  return config;
}

Result<ServerConfig> LoadServerConfig(const std::filesystem::path& path) {
  const std::string origin = path.string();
  const auto cannot_read = [&](int error) {
    return Status::InvalidArgument(origin + ": cannot read: " + std::strerror(error));
  };
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(origin.c_str(), "rb"),
                                                       &std::fclose);
  if (file == nullptr) return cannot_read(errno);
  std::string text;
  char buffer[64 << 10];
  while (true) {
    const size_t read = std::fread(buffer, 1, sizeof buffer, file.get());
    text.append(buffer, read);
    if (text.size() > kMaxConfigFileBytes) {
      return Status::InvalidArgument(origin + ": larger than " +
                                     std::to_string(kMaxConfigFileBytes) + " bytes; not a config");
    }
    if (read < sizeof buffer) break;
  }
  if (std::ferror(file.get())) return cannot_read(errno);

  std::error_code error;
  const std::filesystem::path absolute = std::filesystem::absolute(path, error);
  if (error) return cannot_read(error.value());
  return ParseServerConfig(text, origin, absolute.parent_path());
}

}  // namespace sluice
