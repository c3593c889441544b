// Starting the server of one benchmark run and connecting load clients to it: a fresh work dir
// (config, log, data), optionally seeded with a copy of a prepared archive, and the real sluiced
// on 127.0.0.1:0.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "support/bench_config.h"
#include "support/load_client.h"
#include "support/server_process.h"
#include "support/temp_dir.h"

namespace sluice::bench {

// A server with its work dir; destroyed in that order: process, then dir.
struct RunningServer {
  TempDir dir;
  std::unique_ptr<ServerProcess> process;
};

// Starts `sluiced` with `args`, plus `--config` for `config` (its data_dir replaced by the work
// dir's) or, without a config, `--data-dir`. With `seed_archive`, the data dir's archive starts
// as a clone of that archive directory (CloneArchive: the source is left as it was).
// Errors: those of TempDir, BenchConfigToml, CloneArchive and ServerProcess::Start.
Result<RunningServer> StartServer(const std::string& sluiced, const BenchConfig* config,
                                  std::vector<std::string> args,
                                  const std::filesystem::path* seed_archive = nullptr);

// `connections` connections sending `requests` round robin, of which the first
// `decode_connections` decode the chunked framing; every one has its response head on return.
Result<std::unique_ptr<LoadClient>> ConnectClients(
    uint16_t port, std::vector<std::string> requests, int connections, int decode_connections,
    std::chrono::milliseconds timeout = std::chrono::seconds(60));

}  // namespace sluice::bench
