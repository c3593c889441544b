// ServerProcess: the real sluiced, started with the given arguments and its stdout/stderr in a
// log file, once it has printed "sluiced listening on HOST:PORT". Destroying it sends SIGTERM,
// waits (bounded) for the drain, then SIGKILLs and reaps it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"

namespace sluice::bench {

class ServerProcess {
 public:
  // Starts `binary` with `args` and waits up to `timeout` for its listening line.
  // Errors: Internal when fork fails, the server exits or does not say it listens (with its log).
  static Result<std::unique_ptr<ServerProcess>> Start(
      const std::string& binary, const std::vector<std::string>& args,
      const std::filesystem::path& log_path,
      std::chrono::milliseconds timeout = std::chrono::seconds(30));
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  pid_t pid() const { return pid_; }
  uint16_t port() const { return port_; }
  // True while the process has not exited (reaps it if it has).
  bool Alive();
  // The log so far (for error messages).
  std::string Log() const;

 private:
  ServerProcess(pid_t pid, std::filesystem::path log_path)
      : pid_(pid), log_path_(std::move(log_path)) {}
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  std::filesystem::path log_path_;
};

}  // namespace sluice::bench
