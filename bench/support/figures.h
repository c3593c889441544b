// The server benchmark's figures. Each function starts its own sluiced (Release build) on
// 127.0.0.1:0 with a temp data dir, drives it with a LoadClient, measures one window and stops
// everything before returning. Each returns one run's figures.
#pragma once

#include <chrono>
#include <string>

#include "base/status.h"
#include "support/report.h"

namespace sluice::bench {

struct BenchEnv {
  std::string sluiced;  // path of the sluiced binary
  std::chrono::milliseconds warmup{1000};
  std::chrono::milliseconds window{3000};
};

// (a) Generator → archive → fan-out: `sluiced --demo --rate <rate>` (fsync interval 100 ms) with
// two gzip connections on each of its four streams (decahose: one per partition).
Result<Sample> RunIngest(const BenchEnv& env, double rate);

// (b) `connections` plain connections to Decahose partition 1, the generator at `rate`.
Result<Sample> RunFanout(const BenchEnv& env, int connections, double rate);
// (b) baseline: the bare writev loop to `connections` sockets, read by the same client.
Result<Sample> RunWritevBaseline(const BenchEnv& env, int connections);

// (c) `connections` connections (gzip or plain) to Decahose partition 1, generator at `rate`.
Result<Sample> RunDeliveryCpu(const BenchEnv& env, int connections, double rate, bool gzip);

// (d) RSS of an idle server before and after `connections` idle connections.
Result<Sample> RunIdle(const BenchEnv& env, int connections);

}  // namespace sluice::bench
