#include "support/server_runner.h"

#include <fstream>

#include "support/generated_archive.h"

namespace sluice::bench {

Result<RunningServer> StartServer(const std::string& sluiced, const BenchConfig* config,
                                  std::vector<std::string> args,
                                  const std::filesystem::path* seed_archive) {
  Result<TempDir> dir = TempDir::Make("sluice-bench");
  if (!dir.ok()) return dir.status();
  const std::filesystem::path data = dir->path() / "data";
  if (seed_archive != nullptr) {
    SLUICE_RETURN_IF_ERROR(CloneArchive(*seed_archive, data / "archive"));
  }
  if (config) {
    BenchConfig c = *config;
    c.data_dir = data;
    Result<std::string> toml = BenchConfigToml(c);
    if (!toml.ok()) return toml.status();
    const std::filesystem::path path = dir->path() / "sluice.toml";
    std::ofstream(path) << *toml;
    args.insert(args.begin(), {"--config", path.string()});
  } else {
    args.insert(args.end(), {"--data-dir", data.string()});
  }
  Result<std::unique_ptr<ServerProcess>> process =
      ServerProcess::Start(sluiced, args, dir->path() / "sluiced.log");
  if (!process.ok()) return process.status();
  return RunningServer{std::move(*dir), std::move(*process)};
}

Result<std::unique_ptr<LoadClient>> ConnectClients(uint16_t port, std::vector<std::string> requests,
                                                   int connections, int decode_connections,
                                                   std::chrono::milliseconds timeout) {
  LoadClientOptions options;
  options.port = port;
  options.requests = std::move(requests);
  options.connections = connections;
  options.decode_connections = decode_connections;
  return LoadClient::Connect(std::move(options), timeout);
}

}  // namespace sluice::bench
