// `sluice consume` and `sluice reconcile`: flags and the TOML file into ConsumerOptions, stores
// opened from their URIs, the consumer run until SIGINT/SIGTERM (SPEC §8). Wiring only.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

namespace sluice {

struct ConsumeFlags {
  std::string config_file;
  std::vector<std::string> urls;
  std::string dialect;
  std::string store;
  std::string emergency_store;
  std::string metrics_listen;
  std::string credentials_file;
  std::string ca_file;
  std::optional<int64_t> stall_timeout_ms;
  std::optional<int64_t> recovery_window_ms;
  std::optional<int> max_recovery_jobs;
  std::string manual_clock;  // testing
  bool status = false;
};

struct ReconcileFlags {
  std::string from;
  std::string to;
  std::string start;
  std::string end;
};

// Adds the subcommands' options to `app`; the returned pointers say which one ran.
CLI::App* AddConsumeCommand(CLI::App& app, ConsumeFlags& flags);
CLI::App* AddReconcileCommand(CLI::App& app, ReconcileFlags& flags);

// Exit codes: 0 done, 1 runtime failure, 2 bad usage or configuration.
int RunConsume(const ConsumeFlags& flags);
int RunReconcile(const ReconcileFlags& flags);

}  // namespace sluice
