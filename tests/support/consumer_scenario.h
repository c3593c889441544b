// Scenarios for the consumer's integration tests: the real sluiced (manual clock, deterministic
// generator) behind a FaultProxy, a consumer (in this process, or the real `sluice consume`
// binary) whose clock moves with the server's, and the ground truth of what the stream held —
// read back from the server's archive by a recovery request on a direct connection.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "consumer/consumer.h"
#include "consumer/store.h"
#include "support/fault_proxy.h"
#include "support/test_server.h"

namespace sluice::testing {

// Moves the server's manual clock and the consumer's together: in the background, `step_ms`
// every `every` of real time while running, or in the foreground by a total amount.
// Every post id a store holds, in its order.
std::vector<uint64_t> IdsIn(consumer::PostStore& store);

class ClockDriver {
 public:
  using AdvanceConsumer = std::function<void(int64_t ms)>;
  ClockDriver(uint16_t server_port, int64_t start_ms, AdvanceConsumer advance_consumer);
  ~ClockDriver();
  ClockDriver(const ClockDriver&) = delete;  // owns a thread
  ClockDriver& operator=(const ClockDriver&) = delete;

  void Run(int64_t step_ms, std::chrono::milliseconds every);
  // Returns once the background thread no longer moves the clocks.
  void Pause();
  // REQUIRES: paused. Moves both clocks by `total_ms` in steps of at most `step_ms`, pausing
  // `between` after each step so the server's generator keeps up.
  void Advance(int64_t total_ms, int64_t step_ms,
               std::chrono::milliseconds between = std::chrono::milliseconds(2));
  void SetConsumer(AdvanceConsumer advance_consumer);
  // Called after each foreground step with the server's new time (e.g. to let the server's
  // generator catch up, so posts are archived at the time they are due).
  void SetAfterStep(std::function<void(int64_t now_ms)> after_step);
  // The server's clock as last moved.
  int64_t now_ms() const { return now_ms_.load(); }

 private:
  void Step(int64_t ms);
  void Loop();

  const uint16_t server_port_;
  std::atomic<int64_t> now_ms_;
  std::mutex mu_;
  std::condition_variable changed_;
  AdvanceConsumer advance_consumer_;
  std::function<void(int64_t)> after_step_;
  bool running_ = false;
  bool stepping_ = false;
  bool quit_ = false;
  int64_t step_ms_ = 0;
  std::chrono::milliseconds every_{10};
  std::thread thread_;
};

struct ScenarioOptions {
  double generator_rate = 1000;
  // Decahose partition 1 of the test account: 5 % of the generator's posts.
  std::string stream_target =
      "/stream/sample10/accounts/acme/publishers/twitter/decahose.json"
      "?partition=1";
  int connections = 2;
  int64_t stall_timeout_ms = 1000;
  int64_t recovery_window_ms = 0;        // 0: the consumer's default for the URL
  std::string store_uri = {};            // empty: SQLite in the scenario's temp dir
  std::string emergency_store_uri = {};  // empty: none
  // The store's Commit waits while the test holds its gate closed (CloseStoreGate).
  bool gated_store = false;
};

class ConsumerScenario {
 public:
  // Starts sluiced (clock frozen at kClockStart, heartbeats every 100 ms), the proxy and the
  // store. The consumer is created by StartConsumer. nullptr (with a test failure) on error.
  static std::unique_ptr<ConsumerScenario> Start(const ScenarioOptions& options = {});
  ~ConsumerScenario();

  TestServer& server() { return *server_; }
  FaultProxy& proxy() { return *proxy_; }
  ClockDriver& driver() { return *driver_; }
  consumer::Consumer& consumer() { return *consumer_; }
  consumer::PostStore& store() { return *store_; }
  consumer::PostStore* emergency_store() { return emergency_store_.get(); }
  // With ScenarioOptions::gated_store: commits wait while the gate is closed.
  void CloseStoreGate();
  void OpenStoreGate();
  const std::filesystem::path& dir() const { return dir_; }
  std::string ProxiedUrl() const;

  // Creates and starts an in-process consumer on the scenario's store, its clock at the
  // server's time. `tune` may change the options first.
  void StartConsumer(const std::function<void(consumer::ConsumerOptions&)>& tune = {});
  // Stops it (final commit); the store stays open.
  void StopConsumer();

  // Waits until every connection streams, no recovery job is left and nothing is missing up to
  // now (the snapshot shows no gap), twice in a row; false after `timeout`.
  bool WaitSettled(std::chrono::milliseconds timeout = std::chrono::seconds(90));
  bool WaitStreaming(int connections, std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // StartConsumer, then waits for every connection to stream and sets the clocks running
  // (10 ms of stream time every real millisecond).
  bool StartStreaming(const std::function<void(consumer::ConsumerOptions&)>& tune = {});
  // Waits until the running clocks moved by `ms` of stream time.
  bool WaitStreamTime(int64_t ms);
  // Cuts every connection and refuses new ones while `outage_ms` of stream time passes (in
  // steps of `step_ms`, the generator archiving each step's posts), then lets connections in
  // again and sets the clocks running.
  bool CutAllFor(int64_t outage_ms, int64_t step_ms);
  // Waits until sluiced generated every post due by `frozen_ms` (its clock stands there) and
  // its pipeline handed them all to the connections.
  bool WaitServerIdle(int64_t frozen_ms);
  // Waits until sluiced archived every post due by `now_ms` (and, if asked, fanned them out).
  bool WaitGenerated(int64_t now_ms, bool and_fanned_out = false);
  int64_t PostsDue(int64_t now_ms) const;
  // Freezes the clocks, waits until the server is idle and the consumer received everything
  // archived, stops the consumer. Returns the frozen server time (-1 on failure).
  int64_t FreezeAndStop();

  // FreezeAndStop, then the ground truth of the whole run, sorted; empty (with a test failure)
  // when the consumer did not catch up.
  std::vector<uint64_t> StopAndReadGroundTruth();
  // Post ids of the stream with archive time in [from_ms, to_ms), read back from the server by
  // a recovery request that bypasses the proxy. REQUIRES: to_ms ≤ the server's clock.
  std::vector<uint64_t> GroundTruth(int64_t from_ms, int64_t to_ms);
  std::vector<uint64_t> StoredIds() { return IdsIn(*store_); }
  // Every event the consumer recorded, for failure messages.
  std::string EventsText() const;

 private:
  ConsumerScenario() = default;

  ScenarioOptions options_;
  std::filesystem::path dir_;
  std::unique_ptr<TestServer> server_;
  std::unique_ptr<FaultProxy> proxy_;
  std::unique_ptr<ManualClock> consumer_clock_;
  std::unique_ptr<ClockDriver> driver_;
  class GatedStore;
  std::unique_ptr<consumer::PostStore> store_;
  GatedStore* gate_ = nullptr;  // store_ when gated_store
  std::unique_ptr<consumer::PostStore> emergency_store_;
  std::unique_ptr<consumer::Consumer> consumer_;
};

// The real `sluice consume` binary as a child process, with --manual-clock and its metrics
// listener on an ephemeral port (whose /debug/clock the driver moves).
class ConsumerProcess {
 public:
  // nullptr (with a test failure) if it does not start.
  static std::unique_ptr<ConsumerProcess> Start(const std::vector<std::string>& args,
                                                int64_t clock_ms,
                                                const std::filesystem::path& log_path);
  ~ConsumerProcess();  // SIGKILL if still running
  uint16_t metrics_port() const { return metrics_port_; }
  // Sends `signal` and waits for the exit; returns the wait status.
  int Signal(int signal);
  void AdvanceClock(int64_t ms) const;
  std::string Status() const;  // GET /status body ("" if it does not answer)
  std::string Log() const;

 private:
  ConsumerProcess() = default;
  pid_t pid_ = -1;
  uint16_t metrics_port_ = 0;
  std::filesystem::path log_path_;
};

// Freezes the clocks, stops the consumer and expects its store to hold exactly the stream's
// posts (each once, nothing else) and its counts to have agreed every minute.
void ExpectStoreEqualsGroundTruth(ConsumerScenario& s);
// Sorted copy; and the ids present more than once.
std::vector<uint64_t> Sorted(std::vector<uint64_t> ids);
std::vector<uint64_t> Repeated(std::vector<uint64_t> ids);

}  // namespace sluice::testing
