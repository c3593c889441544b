// TestServer: the real sluiced binary, started on 127.0.0.1 with an ephemeral port and a temp
// data dir, from a generated TOML config. Stopped (SIGTERM, then SIGKILL) when destroyed.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace sluice::testing {

struct TestServerOptions {
  int64_t heartbeat_ms = 10000;
  int64_t connection_grace_ms = 60000;
  uint64_t slow_reader_bytes = 16ull << 20;
  int64_t write_timeout_ms = 30000;
  int connection_limit = 2;
  std::string fsync = "interval";  // or "always"
  int64_t fsync_interval_ms = 20;
  double generator_rate = 0;
  // Non-empty: `--manual-clock` with this UTC time; the test moves the clock with AdvanceClock.
  std::string manual_clock;
  // Extra lines for the [archive] table (e.g. "segment_max_ms = 60000").
  std::string archive_toml;
  // Extra TOML appended to the generated file (e.g. more streams).
  std::string extra_toml;
  // Extra command-line arguments after --config FILE.
  std::vector<std::string> extra_args;
};

// Accounts of the generated config:
//   acme  (user alice / secret): prod (powertrack), decahose (decahose), sample (sample),
//         gz (decahose, require_gzip = true), nobf (decahose, backfill = false, recovery window
//         1 h); every other stream does not require gzip.
//   other (user bob / hunter2):  prod (powertrack), capped (powertrack, max_rules = 3)
//   ingest user: ingest / ingest
class TestServer {
 public:
  // Starts sluiced and waits for its "listening" line. Fails the current test (ADD_FAILURE) and
  // returns nullptr if it does not start.
  static std::unique_ptr<TestServer> Start(const TestServerOptions& options = {},
                                           const std::filesystem::path& data_dir = {});
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  uint16_t port() const { return port_; }
  const std::filesystem::path& data_dir() const { return data_dir_; }
  // Sends `signal` and waits for the process; returns its wait status.
  int Signal(int signal);
  // Everything sluiced wrote to stdout and stderr so far (for failure messages).
  std::string Log() const;

 private:
  TestServer() = default;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  std::filesystem::path data_dir_;
  std::filesystem::path log_path_;
  bool owns_data_dir_ = false;
};

// Moves a --manual-clock server's clock forward by `ms`; returns the new time (ms), or -1.
int64_t AdvanceClock(uint16_t port, int64_t ms);

// A fresh directory under the system temp dir.
std::filesystem::path MakeTempDir(const std::string& prefix);

}  // namespace sluice::testing
