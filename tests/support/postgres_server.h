// PostgresServer: a throwaway PostgreSQL server for tests, from the installed server binaries
// (/usr/lib/postgresql/<version>/bin), on a fresh temp dir and a free 127.0.0.1 port with fsync
// on. Run as the `postgres` system user when the tests run as root (initdb refuses root).
// Stopped (SIGINT fast shutdown, then SIGKILL) and its directory removed when destroyed.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

namespace sluice::testing {

class PostgresServer {
 public:
  // Initializes a cluster and starts the server, waiting until it accepts connections. Returns
  // nullptr with `skip_reason` set when it cannot (binaries missing, initdb or start failed);
  // tests then GTEST_SKIP() << *skip_reason.
  static std::unique_ptr<PostgresServer> Start(std::string* skip_reason);
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;  // owns the process and the directory
  PostgresServer& operator=(const PostgresServer&) = delete;

  // "host=127.0.0.1 port=N user=sluice dbname=postgres" (trust authentication).
  std::string conninfo() const;
  uint16_t port() const { return port_; }

  // Stops the server (fast shutdown) and starts it again on the same port and data, which
  // breaks every open connection. False if it did not come back; `error` says why.
  bool Restart(std::string* error);

 private:
  PostgresServer() = default;
  bool Launch(std::string* error);
  void Stop();

  std::filesystem::path bin_dir_;
  std::filesystem::path root_;  // temp dir: data/, sockets, server.log
  uint16_t port_ = 0;
  pid_t pid_ = -1;
  uid_t run_uid_ = 0;  // 0: run as ourselves
  gid_t run_gid_ = 0;
};

}  // namespace sluice::testing
