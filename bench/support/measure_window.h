// A measured window: the server's counters, CPU time (process and per thread) and the load
// client's totals at its start and at its end.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "support/load_client.h"
#include "support/proc_stats.h"
#include "support/server_process.h"

namespace sluice::bench {

struct Snapshot {
  std::chrono::steady_clock::time_point at;
  std::string metrics;  // GET /metrics
  double cpu_seconds = 0;
  double client_cpu_seconds = 0;    // this process (the load client's thread)
  double machine_busy_seconds = 0;  // all cores, all processes
  std::vector<ThreadCpu> threads;
  LoadTotals client;
  std::vector<uint64_t> latency;  // the client's latency histogram
};

// Errors: those of HttpGet and ProcessCpuSeconds.
Result<Snapshot> TakeSnapshot(ServerProcess& server, const LoadClient* client);

class Window {
 public:
  Window(Snapshot start, Snapshot end) : start_(std::move(start)), end_(std::move(end)) {}

  double seconds() const;
  // Server CPU seconds (utime + stime of every thread) spent in the window.
  double cpu_seconds() const { return end_.cpu_seconds - start_.cpu_seconds; }
  // The same for this process (the load client) and for the whole machine.
  double client_cpu_seconds() const { return end_.client_cpu_seconds - start_.client_cpu_seconds; }
  double machine_busy_seconds() const {
    return end_.machine_busy_seconds - start_.machine_busy_seconds;
  }
  // The busiest thread's CPU seconds per wall second (1.0 = one core).
  double busiest_thread_cores() const;
  // Every thread's CPU seconds per wall second, in the order the threads were created (by tid),
  // e.g. "0.00 0.87 0.10 0.21".
  std::string thread_cores() const;
  // Growth of a Prometheus metric (summed over the samples matching `label_filter`).
  double MetricDelta(std::string_view name, std::string_view label_filter = {}) const;
  double MetricAtEnd(std::string_view name, std::string_view label_filter = {}) const;
  uint64_t client_bytes() const { return end_.client.body_bytes - start_.client.body_bytes; }
  uint64_t client_messages() const { return end_.client.messages - start_.client.messages; }
  const LoadTotals& client_at_end() const { return end_.client; }
  // The q-quantile of the latencies the client recorded in the window, in ms; -1 for none.
  double latency_ms(double q) const { return LatencyQuantile(start_.latency, end_.latency, q); }

 private:
  Snapshot start_;
  Snapshot end_;
};

// Sleeps `warmup`, then measures a window of `length`.
Result<Window> MeasureWindow(ServerProcess& server, const LoadClient* client,
                             std::chrono::milliseconds warmup, std::chrono::milliseconds length);

}  // namespace sluice::bench
