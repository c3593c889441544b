#include "support/measure_window.h"

#include <unistd.h>

#include <cstdio>
#include <map>
#include <thread>

#include "support/http_get.h"

namespace sluice::bench {
namespace {

constexpr std::chrono::milliseconds kWindowPhase{300};

}  // namespace

Result<Snapshot> TakeSnapshot(ServerProcess& server, const LoadClient* client) {
  Snapshot s;
  // The client's totals and the CPU times at one instant (the window's ends, whole seconds
  // apart), then the server's counters: /metrics is rendered by the network thread, which may
  // be busy writing, so it may answer some milliseconds later.
  s.at = std::chrono::steady_clock::now();
  if (client) {
    s.client = client->Totals();
    s.latency = client->LatencySnapshot();
  }
  Result<double> cpu = ProcessCpuSeconds(server.pid());
  if (!cpu.ok()) return cpu.status();
  s.cpu_seconds = *cpu;
  s.threads = ThreadCpuSeconds(server.pid());
  Result<double> self = ProcessCpuSeconds(::getpid());
  if (self.ok()) s.client_cpu_seconds = *self;
  s.machine_busy_seconds = MachineBusySeconds();
  Result<std::string> metrics = HttpGet(server.port(), "/metrics");
  if (!metrics.ok()) return metrics.status();
  s.metrics = std::move(*metrics);
  return s;
}

double Window::seconds() const {
  return std::chrono::duration<double>(end_.at - start_.at).count();
}

namespace {

// Per thread: CPU seconds in the window.
std::map<pid_t, std::pair<std::string, double>> ThreadDeltas(const Snapshot& start,
                                                             const Snapshot& end) {
  std::map<pid_t, std::pair<std::string, double>> deltas;
  for (const ThreadCpu& t : end.threads) deltas[t.tid] = {t.name, t.seconds};
  for (const ThreadCpu& t : start.threads) {
    auto it = deltas.find(t.tid);
    if (it != deltas.end()) it->second.second -= t.seconds;
  }
  return deltas;
}

}  // namespace

double Window::busiest_thread_cores() const {
  double best = 0;
  for (const auto& [tid, delta] : ThreadDeltas(start_, end_)) best = std::max(best, delta.second);
  return seconds() > 0 ? best / seconds() : 0;
}

std::string Window::thread_cores() const {
  std::string list;
  char buf[32];
  for (const auto& [tid, delta] : ThreadDeltas(start_, end_)) {  // by tid: creation order
    std::snprintf(buf, sizeof buf, "%s%.2f", list.empty() ? "" : " ", delta.second / seconds());
    list += buf;
  }
  return list;
}

double Window::MetricDelta(std::string_view name, std::string_view label_filter) const {
  return MetricSum(end_.metrics, name, label_filter) -
         MetricSum(start_.metrics, name, label_filter);
}

double Window::MetricAtEnd(std::string_view name, std::string_view label_filter) const {
  return MetricSum(end_.metrics, name, label_filter);
}

Result<Window> MeasureWindow(ServerProcess& server, const LoadClient* client,
                             std::chrono::milliseconds warmup, std::chrono::milliseconds length) {
  std::this_thread::sleep_for(warmup);
  // The generator's posts reach a sampled stream in one burst a second: the Decahose takes the
  // ids whose millisecond is 600–699, the 1 % sample 657–666, and ids carry the wall-clock time.
  // Both ends of the window fall at 300 ms past a wall-clock second, between the bursts, and
  // whole seconds apart, so the window holds whole bursts.
  const auto now = std::chrono::system_clock::now();
  const auto second = std::chrono::floor<std::chrono::seconds>(now);
  auto start_at = second + kWindowPhase;
  if (start_at <= now) start_at += std::chrono::seconds(1);
  std::this_thread::sleep_until(start_at);
  Result<Snapshot> start = TakeSnapshot(server, client);
  if (!start.ok()) return start.status();
  std::this_thread::sleep_until(start_at + std::chrono::ceil<std::chrono::seconds>(length));
  Result<Snapshot> end = TakeSnapshot(server, client);
  if (!end.ok()) return end.status();
  return Window(std::move(*start), std::move(*end));
}

}  // namespace sluice::bench
