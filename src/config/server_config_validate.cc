// ValidateServerConfig: the rules a ServerConfig must satisfy however it was made (TOML file,
// demo, command-line overrides). Messages use TOML key paths so they read the same as the
// loader's.
#include <map>

#include "config/app_token_hash.h"
#include "config/config_limits.h"
#include "config/listen_address.h"
#include "config/password_hash.h"
#include "config/server_config.h"

namespace sluice {
namespace {

Status CheckName(const std::string& path, std::string_view name) {
  if (IsBareKey(name) && name.size() <= kMaxNameChars) return Status::Ok();
  return ConfigError(path, QuoteForMessage(name) + " must match [A-Za-z0-9_-]{1,64}");
}

// Remembers the names seen in one scope and reports the second use of one, pointing at the first.
class UniqueNames {
 public:
  Status Add(std::string_view name, const std::string& path) {
    const auto [it, inserted] = first_use_.emplace(std::string(name), path);
    if (inserted) return Status::Ok();
    return ConfigError(path, QuoteForMessage(name) + " is already used by " + it->second);
  }

 private:
  std::map<std::string, std::string> first_use_;  // name → key path of its first use
};

// Checks a [[users]] array; `array_path` is "ingest.users" or "accounts[0].users".
Status CheckUsers(const std::vector<UserConfig>& users, const std::string& array_path) {
  UniqueNames names;
  for (size_t i = 0; i < users.size(); ++i) {
    const std::string path = IndexPath(array_path, i);
    SLUICE_RETURN_IF_ERROR(CheckName(path + ".name", users[i].name));
    SLUICE_RETURN_IF_ERROR(names.Add(users[i].name, path + ".name"));
    if (Status format = CheckPasswordHashFormat(users[i].password_hash); !format.ok()) {
      return ConfigError(path + ".password_hash", format.message());
    }
  }
  return Status::Ok();
}

Status CheckStream(const StreamConfig& stream, const std::string& path) {
  SLUICE_RETURN_IF_ERROR(CheckName(path + ".label", stream.label));
  SLUICE_RETURN_IF_ERROR(
      CheckIntRange(path + ".connection_limit", stream.connection_limit, kConnectionLimitRange));
  // 0 stands for the kind's default; anything else was set and must be sensible.
  if (stream.recovery_window_ms != 0) {
    SLUICE_RETURN_IF_ERROR(CheckIntRange(path + ".recovery_window_ms", stream.recovery_window_ms,
                                         kRecoveryWindowMsRange));
  }
  SLUICE_RETURN_IF_ERROR(CheckIntRange(path + ".recovery_job_limit", stream.recovery_job_limit,
                                       kRecoveryJobLimitRange));
  return CheckIntRange(path + ".max_rules", stream.max_rules, kMaxRulesRange);
}

// `token_hashes` spans all accounts: a v2 request names no account, so the token alone must
// identify its stream.
Status CheckAccount(const AccountConfig& account, const std::string& path,
                    UniqueNames* token_hashes) {
  SLUICE_RETURN_IF_ERROR(CheckName(path + ".name", account.name));
  SLUICE_RETURN_IF_ERROR(CheckUsers(account.users, path + ".users"));
  UniqueNames labels;
  for (size_t i = 0; i < account.streams.size(); ++i) {
    const std::string stream_path = IndexPath(path + ".streams", i);
    SLUICE_RETURN_IF_ERROR(CheckStream(account.streams[i], stream_path));
    SLUICE_RETURN_IF_ERROR(labels.Add(account.streams[i].label, stream_path + ".label"));
  }
  for (size_t i = 0; i < account.tokens.size(); ++i) {
    const AppTokenConfig& token = account.tokens[i];
    const std::string token_path = IndexPath(path + ".tokens", i);
    bool stream_exists = false;
    for (const StreamConfig& stream : account.streams) {
      stream_exists = stream_exists || stream.label == token.stream;
    }
    if (!stream_exists) {
      return ConfigError(token_path + ".stream", QuoteForMessage(token.stream) +
                                                     " is not a stream label of " +
                                                     QuoteForMessage(account.name));
    }
    if (Status format = CheckAppTokenHashFormat(token.token_sha256); !format.ok()) {
      return ConfigError(token_path + ".token_sha256", format.message());
    }
    SLUICE_RETURN_IF_ERROR(token_hashes->Add(token.token_sha256, token_path + ".token_sha256"));
  }
  return Status::Ok();
}

Status CheckServer(const ServerConfig& config) {
  if (!ParseListenAddress(FormatListenAddress(config.listen_host, config.listen_port)).ok()) {
    return ConfigError("server.listen",
                       QuoteForMessage(config.listen_host) + " is not a host name or address");
  }
  SLUICE_RETURN_IF_ERROR(
      CheckIntRange("server.heartbeat_ms", config.heartbeat_ms, kHeartbeatMsRange));
  SLUICE_RETURN_IF_ERROR(CheckIntRange("server.connection_grace_ms", config.connection_grace_ms,
                                       kConnectionGraceMsRange));
  SLUICE_RETURN_IF_ERROR(
      CheckIntRange("server.slow_reader_bytes", config.slow_reader_bytes, kSlowReaderBytesRange));
  SLUICE_RETURN_IF_ERROR(
      CheckIntRange("server.max_connections", config.max_connections, kMaxConnectionsRange));
  SLUICE_RETURN_IF_ERROR(
      CheckIntRange("server.header_timeout_ms", config.header_timeout_ms, kHeaderTimeoutMsRange));
  SLUICE_RETURN_IF_ERROR(
      CheckIntRange("server.max_header_bytes", config.max_header_bytes, kMaxHeaderBytesRange));
  return CheckIntRange("server.write_timeout_ms", config.write_timeout_ms, kWriteTimeoutMsRange);
}

Status CheckArchive(const ArchiveConfig& archive) {
  SLUICE_RETURN_IF_ERROR(
      CheckIntRange("archive.fsync_interval_ms", archive.fsync_interval_ms, kFsyncIntervalMsRange));
  SLUICE_RETURN_IF_ERROR(
      CheckIntRange("archive.segment_max_bytes", archive.segment_max_bytes, kSegmentMaxBytesRange));
  SLUICE_RETURN_IF_ERROR(
      CheckIntRange("archive.segment_max_ms", archive.segment_max_ms, kSegmentMaxMsRange));
  SLUICE_RETURN_IF_ERROR(
      CheckIntRange("archive.page_cache_bytes", archive.page_cache_bytes, kPageCacheBytesRange));
  return CheckIntRange("archive.retention_check_ms", archive.retention_check_ms,
                       kRetentionCheckMsRange);
}

Status CheckIngestAndGenerator(const ServerConfig& config) {
  SLUICE_RETURN_IF_ERROR(CheckIntRange("ingest.max_body_bytes", config.max_ingest_body_bytes,
                                       kMaxIngestBodyBytesRange));
  SLUICE_RETURN_IF_ERROR(
      CheckIntRange("ingest.max_post_bytes", config.max_post_bytes, kMaxPostBytesRange));
  if (config.max_post_bytes > config.max_ingest_body_bytes) {
    // A post that cannot fit in any request body could never be ingested over HTTP.
    return ConfigError("ingest.max_post_bytes",
                       std::to_string(config.max_post_bytes) + " exceeds ingest.max_body_bytes (" +
                           std::to_string(config.max_ingest_body_bytes) + ")");
  }
  if (config.ingest_file.has_value() && config.ingest_file->empty()) {
    return ConfigError("ingest.file", "must not be empty; give a path, or \"-\" for stdin");
  }
  SLUICE_RETURN_IF_ERROR(CheckUsers(config.ingest_users, "ingest.users"));
  return CheckNumberRange("generator.rate", config.generator_rate, 0, kMaxGeneratorRate);
}

}  // namespace

Status ValidateServerConfig(const ServerConfig& config) {
  SLUICE_RETURN_IF_ERROR(CheckServer(config));
  SLUICE_RETURN_IF_ERROR(CheckArchive(config.archive));
  SLUICE_RETURN_IF_ERROR(CheckIngestAndGenerator(config));
  if (config.accounts.empty()) {
    return ConfigError("accounts", "at least one [[accounts]] table is required");
  }
  UniqueNames account_names;
  UniqueNames token_hashes;
  for (size_t i = 0; i < config.accounts.size(); ++i) {
    const std::string path = IndexPath("accounts", i);
    SLUICE_RETURN_IF_ERROR(CheckAccount(config.accounts[i], path, &token_hashes));
    SLUICE_RETURN_IF_ERROR(account_names.Add(config.accounts[i].name, path + ".name"));
  }
  return Status::Ok();
}

}  // namespace sluice
