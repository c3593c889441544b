// ServerApp: sluiced's wiring — archive, pipeline, HTTP server, generator and file ingest — and
// the order in which they start and drain.
#pragma once

#include <boost/asio/io_context.hpp>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "base/clock.h"
#include "base/metrics.h"
#include "config/server_config.h"
#include "http/server.h"
#include "ingest/generator_source.h"
#include "stream/pipeline.h"
#include "stream/stream_registry.h"

namespace sluice {

class ServerApp {
 public:
  explicit ServerApp(ServerConfig config);
  ~ServerApp();
  ServerApp(const ServerApp&) = delete;
  ServerApp& operator=(const ServerApp&) = delete;

  // Opens the archive, binds the listener and starts every thread. Errors name what failed.
  Status Start();
  // Blocks until SIGINT/SIGTERM, then drains: sources stop, the pipeline archives and fans out
  // what it holds, every stream gets the operational disconnect message, threads join.
  void RunUntilSignal();

  uint16_t port() const { return port_; }
  const ServerConfig& config() const { return config_; }

 private:
  void Drain();

  ServerConfig config_;
  SystemClock clock_;
  MetricsRegistry metrics_;
  boost::asio::io_context io_{1};
  std::unique_ptr<StreamRegistry> registry_;
  std::unique_ptr<Pipeline> pipeline_;
  std::unique_ptr<ServerContext> context_;
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<GeneratorSource> generator_;
  std::thread network_thread_;
  std::thread file_thread_;
  uint16_t port_ = 0;
};

}  // namespace sluice
