// The TOML configuration and the stream requests of the server benchmark. Every config has one
// account `bench` (user bench / bench) with the streams asked for, listens on 127.0.0.1:0 and
// keeps its archive in the given data dir.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "base/status.h"

namespace sluice::bench {

inline constexpr char kBenchAccount[] = "bench";
inline constexpr char kBenchUser[] = "bench";
inline constexpr char kBenchPassword[] = "bench";

struct BenchStream {
  std::string label;
  std::string kind;  // powertrack | decahose | sample
  int connection_limit = 2;
  bool require_gzip = false;
};

struct BenchConfig {
  std::filesystem::path data_dir;
  int64_t heartbeat_ms = 10000;
  uint64_t slow_reader_bytes = 16ull << 20;
  int max_connections = 10000;
  std::string fsync = "interval";
  int64_t fsync_interval_ms = 100;
  double generator_rate = 0;
  std::vector<BenchStream> streams;
};

// The TOML text of `config`. Errors: Internal when the password cannot be hashed.
Result<std::string> BenchConfigToml(const BenchConfig& config);

// A GET request for a stream, with Basic credentials and, when `gzip`, Accept-Encoding: gzip.
std::string StreamRequest(const std::string& target, const std::string& user,
                          const std::string& password, bool gzip);

// The enterprise URL path of a stream of account `account`: kind "powertrack", "sample" or
// "decahose" (then with ?partition=N).
std::string StreamTarget(const std::string& account, const std::string& kind,
                         const std::string& label, int partition = 0);

}  // namespace sluice::bench
