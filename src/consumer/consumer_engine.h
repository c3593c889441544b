// Consumer::Engine: the consumer's engine thread — the curl multi loop over the realtime
// connections and recovery jobs, the coverage bookkeeping and the gap planning, the batches
// handed to the store workers. Private to consumer.cc; see consumer.h for the whole picture.
//
// Thread safety: Run and everything it calls on the engine thread; Snapshot and the store
// workers' callbacks (which touch only `counts_mu_` state) from any thread.
#pragma once

#include <curl/curl.h>

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "consumer/consumer.h"
#include "consumer/coverage.h"
#include "consumer/dedup_window.h"
#include "consumer/message_splitter.h"
#include "consumer/store_worker.h"

namespace sluice::consumer {

class Consumer::Engine {
 public:
  Engine(const ConsumerOptions& options, PostStore& store, PostStore* emergency, const Clock& clock,
         EventLog& events, MetricsRegistry& metrics);
  ~Engine();
  Engine(const Engine&) = delete;  // curl callbacks point into it
  Engine& operator=(const Engine&) = delete;

  // Restores coverage from the store's checkpoint (nullopt: a new store). Before Run.
  Status Load(const std::optional<std::string>& checkpoint);
  // The engine loop; returns when `stop` is set (after a final commit).
  void Run(const std::atomic<bool>& stop);
  // Interrupts the loop's poll (from any thread).
  void Wake();
  ConsumerSnapshot Snapshot() const;

 private:
  using Steady = std::chrono::steady_clock;
  struct Slot;
  struct Job;
  // Where a received line came from.
  struct Source {
    Slot* slot = nullptr;
    Job* job = nullptr;
  };

  void StartDueSlots(Steady::time_point now);
  void StartSlot(Slot& slot);
  void StartDueJobs(Steady::time_point now);
  void StartJob(Job& job);
  bool OnBytes(Source source, std::string_view bytes);
  void OnLine(Source source, std::string_view line);
  void OnPost(Source source, uint64_t id, std::string_view line, int64_t now_ms);
  void HandleDone(CURL* easy, CURLcode code);
  void SlotEnded(Slot& slot, CURLcode code, const std::string& why);
  void JobEnded(Job& job, CURLcode code);
  void CheckStalls(Steady::time_point now);
  void ClaimLive(Slot& slot);
  void ScheduleSlot(Slot& slot, int64_t delay_ms, std::string_view kind);
  IntervalSet Known(bool with_pending) const;
  void PlanRecoveries(int64_t now_ms);
  void ForgetOldHistory(int64_t now_ms);
  void ReportUnrecoverable(TimeInterval range, const std::string& why);
  void CutBatch(int64_t now_ms, bool force);
  void CloseMinutes(int64_t now_ms);
  void PublishSnapshot();
  void OnCommitted(const StoreBatch& batch, const CommitResult& result);

  const ConsumerOptions& options_;
  GapPlanOptions gap_options_;
  const std::string store_name_;  // for messages
  const Clock& clock_;
  EventLog& events_;
  CURLM* multi_ = nullptr;
  MessageClassifier classifier_;
  DedupWindow dedup_;
  Coverage coverage_;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::deque<std::unique_ptr<Job>> jobs_;

  // The batch being filled (engine thread only).
  std::vector<ReceivedPost> batch_;
  std::vector<ReceivedPost> emergency_batch_;
  Steady::time_point batch_started_{};
  Steady::time_point last_checkpoint_{};
  uint64_t next_sequence_ = 1;
  Steady::time_point next_plan_{};
  Steady::time_point next_close_{};
  Steady::time_point next_snapshot_{};

  // Shared with the store worker's thread.
  mutable std::mutex counts_mu_;
  MinuteCounts counts_;
  std::map<uint64_t, int64_t> in_flight_;  // batch sequence → its oldest received_ms
  VolumeAnomalyDetector anomaly_;
  std::optional<int64_t> last_lag_alert_ms_;  // engine thread only

  mutable std::mutex snapshot_mu_;
  ConsumerSnapshot snapshot_;

  struct Metrics;
  std::unique_ptr<Metrics> metrics_;

  // Last: their threads call back into the members above.
  std::unique_ptr<StoreWorker> store_worker_;
  std::unique_ptr<StoreWorker> emergency_worker_;
};

}  // namespace sluice::consumer
