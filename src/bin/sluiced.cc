// sluiced: the Sluice server. Argument parsing and wiring only (SPEC §8).
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "base/time_format.h"
#include "bin/server_app.h"
#include "config/listen_address.h"
#include "config/server_config.h"

namespace {

using sluice::ServerConfig;

// Every stream connection is a socket: take all the descriptors the hard limit allows.
void RaiseDescriptorLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

void PrintDemoHelp(const ServerConfig& config, uint16_t port) {
  const std::string base =
      "http://" +
      (config.listen_host.find(':') != std::string::npos ? "[" + config.listen_host + "]"
                                                         : config.listen_host) +
      ":" + std::to_string(port);
  const std::string pt = base + "/stream/powertrack/accounts/demo/publishers/twitter/";
  const std::string rules = base + "/rules/powertrack/accounts/demo/publishers/twitter/";
  std::printf(
      "\nSluice demo is running: account 'demo' (user demo, password demo).\n"
      "Data directory: %s (generator at %.0f posts/s, seed %llu)\n\n"
      "Connect (every stream wants gzip, as PowerTrack does: curl --compressed):\n"
      "  Decahose, partition 1:  curl --compressed -u demo:demo "
      "'%s/stream/sample10/accounts/demo/publishers/twitter/decahose.json?partition=1'\n"
      "  Decahose, partition 2:  curl --compressed -u demo:demo "
      "'%s/stream/sample10/accounts/demo/publishers/twitter/decahose.json?partition=2'\n"
      "  1%% sample:              curl --compressed -u demo:demo "
      "'%s/stream/sample1/accounts/demo/publishers/twitter/sample.json'\n"
      "  PowerTrack prod:        curl --compressed -u demo:demo '%sprod.json'\n"
      "  Give prod rules:        curl -u demo:demo -H 'Content-Type: application/json' "
      "-d '{\"rules\":[{\"value\":\"coffee OR #music\",\"tag\":\"demo\"}]}' %sprod.json\n"
      "                          (a PowerTrack stream carries only what its rules match)\n"
      "Backfill the last minute: add &backfillMinutes=1 to a Decahose URL; recover a range with\n"
      "                          &startTime=YYYY-MM-DDTHH:MM:SSZ[&endTime=…]\n"
      "Ingest your own posts:    curl -u ingest:ingest --data-binary @posts.ndjson %s/ingest\n"
      "Metrics:                  curl %s/metrics\n"
      "Store a stream, losing nothing (two redundant connections):\n"
      "  SLUICE_USER=demo SLUICE_PASSWORD=demo build/sluice consume --store sqlite:/tmp/demo.db "
      "\\\n"
      "    --url '%s/stream/sample10/accounts/demo/publishers/twitter/decahose.json?partition=1' "
      "\\\n"
      "    --url "
      "'%s/stream/sample10/accounts/demo/publishers/twitter/decahose.json?partition=1'\n\n",
      config.data_dir.c_str(), config.generator_rate,
      static_cast<unsigned long long>(config.generator_seed), base.c_str(), base.c_str(),
      base.c_str(), pt.c_str(), rules.c_str(), base.c_str(), base.c_str(), base.c_str(),
      base.c_str());
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"sluiced: a self-hostable realtime filtered-stream server (PowerTrack, Decahose)"};
  std::string config_path, listen, data_dir, ingest_file, tls_listen, tls_cert, tls_key,
      manual_clock;
  bool demo = false;
  std::optional<double> rate;
  std::optional<uint64_t> seed;
  std::optional<int64_t> heartbeat_ms;
  auto* config_opt = app.add_option("--config", config_path, "TOML configuration file");
  auto* demo_opt = app.add_flag("--demo", demo, "Run the demo account; needs no file");
  config_opt->excludes(demo_opt);
  app.add_option("--listen", listen, "HOST:PORT to listen on (default 127.0.0.1:8080)");
  app.add_option("--data-dir", data_dir, "Data directory (demo default: a fresh temp dir)");
  app.add_option("--rate", rate, "Generator posts per second (demo default 2000; 0 = off)");
  app.add_option("--seed", seed, "Generator seed");
  app.add_option("--heartbeat-ms", heartbeat_ms, "Heartbeat interval in ms (default 10000)");
  app.add_option("--ingest-file", ingest_file, "Ingest this NDJSON file at start (- = stdin)");
  app.add_option("--tls-listen", tls_listen, "HOST:PORT for HTTPS beside HTTP");
  app.add_option("--tls-cert", tls_cert, "TLS certificate chain (PEM)");
  app.add_option("--tls-key", tls_key, "TLS private key (PEM)");
  app.add_option("--manual-clock", manual_clock,
                 "Testing: start the clock at this UTC time (YYYY-MM-DDTHH:mm:ssZ); it moves only "
                 "on POST /debug/clock?advance_ms=N (ingest credentials)");
  CLI11_PARSE(app, argc, argv);

  if (!demo && config_path.empty()) {
    std::cerr << "sluiced: give --config FILE or --demo\n";
    return 2;
  }
  ServerConfig config;
  if (demo) {
    config = sluice::DemoServerConfig();
  } else {
    sluice::Result<ServerConfig> loaded = sluice::LoadServerConfig(config_path);
    if (!loaded.ok()) {
      std::cerr << "sluiced: " << loaded.status().message() << "\n";
      return 2;
    }
    config = std::move(loaded).value();
  }
  if (!listen.empty()) {
    sluice::Result<sluice::ListenAddress> address = sluice::ParseListenAddress(listen);
    if (!address.ok()) {
      std::cerr << "sluiced: --listen: " << address.status().message() << "\n";
      return 2;
    }
    config.listen_host = address->host;
    config.listen_port = address->port;
  }
  if (!data_dir.empty()) config.data_dir = data_dir;
  if (rate) config.generator_rate = *rate;
  if (seed) config.generator_seed = *seed;
  if (heartbeat_ms) config.heartbeat_ms = *heartbeat_ms;
  if (!ingest_file.empty()) config.ingest_file = ingest_file;
  if (!manual_clock.empty()) {
    sluice::Result<int64_t> start = sluice::ParseIsoTime(manual_clock);
    if (!start.ok()) {
      std::cerr << "sluiced: --manual-clock: " << start.status().message() << "\n";
      return 2;
    }
    config.manual_clock_start_ms = *start;
  }
  if (!tls_listen.empty() || !tls_cert.empty() || !tls_key.empty()) {
    std::cerr << "sluiced: TLS (--tls-listen, --tls-cert, --tls-key) is not available in this "
                 "build yet; serve plain HTTP on loopback or terminate TLS in front of sluiced\n";
    return 2;
  }
  if (demo && config.data_dir.empty()) {
    std::string pattern = (std::filesystem::temp_directory_path() / "sluice-demo-XXXXXX").string();
    if (!mkdtemp(pattern.data())) {
      std::perror("sluiced: cannot create a temporary data directory");
      return 1;
    }
    config.data_dir = pattern;
  }
  if (sluice::Status valid = sluice::ValidateServerConfig(config); !valid.ok()) {
    std::cerr << "sluiced: " << valid.message() << "\n";
    return 2;
  }

  RaiseDescriptorLimit();
  sluice::ServerApp server(std::move(config));
  if (sluice::Status started = server.Start(); !started.ok()) {
    std::cerr << "sluiced: " << started.message() << "\n";
    return 1;
  }
  // Tests and scripts read this line to find an ephemeral port.
  std::printf("sluiced listening on %s:%u\n", server.config().listen_host.c_str(), server.port());
  std::fflush(stdout);
  if (demo) PrintDemoHelp(server.config(), server.port());
  server.RunUntilSignal();
  return 0;
}
