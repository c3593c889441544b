// ServerConfig: everything sluiced runs from, whether read from TOML (LoadServerConfig) or built
// for the demo (DemoServerConfig). The TOML schema is documented in docs/configuration.md.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

namespace sluice {

enum class StreamKind { kPowerTrack, kDecahose, kSample };
std::string_view StreamKindName(StreamKind kind);  // "powertrack", "decahose", "sample"

enum class FsyncPolicy { kAlways, kInterval };

// A user's password as stored: "pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>".
struct UserConfig {
  std::string name;
  std::string password_hash;
};

// A v2 app (Bearer) token, bound to one stream of its account. Only the token's SHA-256 is kept:
// a token is a long random string, so unlike a password it needs no slow hash (see
// app_token_hash.h).
struct AppTokenConfig {
  std::string stream;        // label of a stream of the same account
  std::string token_sha256;  // 64 lowercase hex digits; unique over all accounts
};

struct StreamConfig {
  std::string label;  // unique within its account; [A-Za-z0-9_-]{1,64}
  StreamKind kind = StreamKind::kPowerTrack;
  int connection_limit = 2;  // redundant connections (per partition for decahose)
  bool backfill = true;
  int64_t recovery_window_ms = 0;  // 0: the kind's default (24 h powertrack/sample, 5 d decahose)
  int recovery_job_limit = 2;
  bool require_gzip = true;  // 406 for a client that does not accept gzip
  int max_rules = 250000;    // rules the Rules API keeps for this stream (powertrack only)
};

// `recovery_window_ms`, or the kind's default when it is 0.
int64_t RecoveryWindowMs(const StreamConfig& stream);

struct AccountConfig {
  std::string name;  // [A-Za-z0-9_-]{1,64}
  std::vector<UserConfig> users;
  std::vector<StreamConfig> streams;
  std::vector<AppTokenConfig> tokens;
};

struct ArchiveConfig {
  FsyncPolicy fsync = FsyncPolicy::kInterval;
  int64_t fsync_interval_ms = 100;
  uint64_t segment_max_bytes = 256ull << 20;
  int64_t segment_max_ms = 3600 * 1000;
  // Synced archive bytes left in the page cache behind the writer (archive::WriterOptions).
  uint64_t page_cache_bytes = 64ull << 20;
  // How often segments older than every stream's recovery window are looked for and deleted.
  int64_t retention_check_ms = 60 * 1000;
};

struct ServerConfig {
  // [server]
  std::string listen_host = "127.0.0.1";
  uint16_t listen_port = 8080;  // 0: an ephemeral port, printed on start
  std::filesystem::path data_dir;
  int64_t heartbeat_ms = 10000;
  int64_t connection_grace_ms = 60000;       // how long limit+1 connections are tolerated
  uint64_t slow_reader_bytes = 16ull << 20;  // queued bytes that make a reader slow
  int max_connections = 10000;               // open sockets of any kind
  int64_t header_timeout_ms = 10000;         // a request's headers must arrive within this
  uint64_t max_header_bytes = 16 << 10;
  int64_t write_timeout_ms = 30000;  // a blocked write longer than this closes the socket

  // [archive]
  ArchiveConfig archive;

  // [ingest]
  std::vector<UserConfig> ingest_users;  // Basic credentials for POST /ingest
  uint64_t max_ingest_body_bytes = 64ull << 20;
  uint64_t max_post_bytes = 1ull << 20;
  std::optional<std::string> ingest_file;  // NDJSON path or "-" for stdin

  // [generator]
  double generator_rate = 0;  // posts per second, 0 = off
  uint64_t generator_seed = 1;

  std::vector<AccountConfig> accounts;

  // Command line only (`sluiced --manual-clock TIME`, for tests): the server's clock starts at
  // this time and moves only when POST /debug/clock says so.
  std::optional<int64_t> manual_clock_start_ms;
};

// Reads and validates a TOML file. Relative paths in it (server.data_dir, ingest.file) are taken
// relative to the file's directory. Errors: always InvalidArgument (an unreadable file included),
// naming the file, the key (with its table path, e.g. `accounts[0].streams[1].kind`), the bad
// value and what is allowed. Never throws.
Result<ServerConfig> LoadServerConfig(const std::filesystem::path& path);
// Same, from text (for tests); `origin` names the source in messages. Relative paths resolve
// against `base_dir` when it is not empty, and are left relative otherwise.
Result<ServerConfig> ParseServerConfig(std::string_view toml_text, std::string_view origin,
                                       const std::filesystem::path& base_dir = {});

// The demo of SPEC §8: account `demo` (user demo/demo) with streams prod, dev (powertrack),
// decahose (decahose) and sample (1 %), the v2 token `demo-token` bound to prod, ingest user
// ingest/ingest, generator at 2,000 posts/s. `data_dir` is left empty: the caller makes a fresh
// temporary one. Hashes the two passwords (about 0.1 s).
ServerConfig DemoServerConfig();

// Checks cross-field rules (unique labels, limits in range, …). ParseServerConfig calls it; call it
// again after changing a config in code (command-line overrides). Does not require data_dir (the
// demo leaves it empty). Errors: InvalidArgument "<key path>: <problem>", the key path as it would
// appear in a TOML file.
Status ValidateServerConfig(const ServerConfig& config);

}  // namespace sluice
