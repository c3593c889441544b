// The server benchmark's figures. Each function starts its own sluiced (Release build) on
// 127.0.0.1:0 with a temp data dir, drives it with a LoadClient, measures one window and stops
// everything before returning. Each returns one run's figures.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

#include "base/status.h"
#include "support/bench_config.h"
#include "support/measure_window.h"
#include "support/report.h"

namespace sluice::bench {

// The Decahose stream of the fan-out, delivery and replay figures (require_gzip = false).
inline constexpr char kFanStream[] = "fan";

struct BenchEnv {
  std::string sluiced;  // path of the sluiced binary
  std::chrono::milliseconds warmup{1000};
  std::chrono::milliseconds window{3000};
};

// A config with the `fan` stream (`connection_limit` per partition, a 1 GiB slow-reader
// allowance so that a server falling behind is measured rather than cutting readers) and the
// generator at `rate`.
BenchConfig FanConfig(int connection_limit, double rate);

// The figures every server window reports: CPU of the server (per thread), the client and the
// machine, other processes' CPU, and the connections' state at the end.
void AddCommon(Sample& s, const Window& w);

// Load that runs beside the ingest figure (replay_figures.h: recoveries), on a server whose
// archive starts as a clone of `seed_archive`.
class IngestBackground {
 public:
  explicit IngestBackground(std::filesystem::path seed_archive)
      : seed_archive(std::move(seed_archive)) {}
  virtual ~IngestBackground() = default;
  // Starts the load against the server on `port`, before the warm-up.
  virtual Status Start(uint16_t port) = 0;
  // Stops it after the window and adds its figures to `s`.
  virtual Status Stop(const Window& w, Sample& s) = 0;

  const std::filesystem::path seed_archive;
};

// (a) Generator → archive → fan-out: `sluiced --demo --rate <rate>` (fsync interval 100 ms) with
// two gzip connections on each of its four streams (decahose: one per partition); with
// `background`, that load runs beside it.
Result<Sample> RunIngest(const BenchEnv& env, double rate, IngestBackground* background = nullptr);

// (b) `connections` plain connections to Decahose partition 1, the generator at `rate`.
Result<Sample> RunFanout(const BenchEnv& env, int connections, double rate);
// (b) baseline: the bare writev loop to `connections` sockets, read by the same client.
Result<Sample> RunWritevBaseline(const BenchEnv& env, int connections);

// (c) `connections` connections (gzip or plain) to Decahose partition 1, generator at `rate`.
Result<Sample> RunDeliveryCpu(const BenchEnv& env, int connections, double rate, bool gzip);

// (d) RSS of an idle server before and after `connections` idle connections.
Result<Sample> RunIdle(const BenchEnv& env, int connections);

}  // namespace sluice::bench
