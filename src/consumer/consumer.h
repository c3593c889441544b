// Consumer: the library behind `sluice consume` (SPEC §7). It holds K redundant connections to
// one stream, notices drops and stalls, reconnects on the documented back-off, measures every gap
// in what it received and fills it — by backfill when it is short, by recovery jobs when it is
// long — de-duplicates, stores each post once, and counts inbound against stored posts.
//
//   connections (curl multi, one engine thread) ──► splitter ► classifier ► de-dup ─► batches
//   recovery jobs (≤ max_recovery_jobs) ─────────┘                                    │
//                                              store worker thread: Commit(posts + checkpoint)
//
// Coverage (coverage.h) says which time the store is complete for; it is checkpointed in the
// same transaction as the posts received before it (store.h), so a consumer that was itself
// down recovers its own downtime on start. Time comes from the injected clock (the consumer's
// idea of UTC, compared with the server's archive time); stall and back-off timers use the
// steady clock with the configured durations.
//
// Thread safety: Start/Stop from one owner thread; the accessors from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/metrics.h"
#include "base/status.h"
#include "consumer/backoff.h"
#include "consumer/consumer_events.h"
#include "consumer/curl_stream.h"
#include "consumer/gap_planner.h"
#include "consumer/minute_counts.h"
#include "consumer/store.h"
#include "consumer/stream_message.h"
#include "consumer/volume_anomaly.h"

namespace sluice::consumer {

struct ConsumerOptions {
  std::vector<std::string> urls;  // one realtime connection per URL (K redundant), K in 1..16
  Dialect dialect = Dialect::kEnterprise;
  StreamCredentials credentials;
  std::string ca_file;
  int64_t stall_timeout_ms = 30000;  // three missed heartbeats
  int64_t connect_timeout_ms = 10000;
  BackoffSchedule backoff;
  // recovery_window_ms 0: DefaultRecoveryWindowMs(urls[0]).
  GapPlanOptions gaps{.recovery_window_ms = 0, .margin_ms = 5000};
  int max_recovery_jobs = 2;
  // A hole is planned for recovery once its end is this far in the past (the server must have
  // archived everything up to the widened end).
  int64_t recovery_settle_ms = 2000;
  size_t dedup_capacity = 2u << 20;
  size_t max_message_bytes = 16u << 20;
  size_t batch_max_posts = 2000;
  int64_t batch_max_delay_ms = 100;
  int64_t checkpoint_interval_ms = 1000;  // a checkpoint-only commit when no posts flow
  // The realtime connection whose raw feed goes to the emergency store (when there is one).
  int emergency_connection = 0;
  VolumeAnomalyOptions anomaly;
  // Posts received this long ago and still not committed raise `store_lagging` (once a minute
  // while it lasts): a stuck store never lets its minutes settle, so no count would alert.
  int64_t store_lag_alert_ms = 120000;
  uint64_t max_queued_bytes = 256ull << 20;
};

// Plain numbers for `/status`, `--status` and tests.
struct ConsumerSnapshot {
  MinuteCount totals;
  int connections_streaming = 0;
  // Heartbeats received so far, per realtime connection (a heartbeat follows everything the
  // server had queued for the connection: tests use it as a barrier).
  std::vector<uint64_t> heartbeats;
  int recovery_jobs_running = 0;
  int recovery_jobs_waiting = 0;
  uint64_t posts_committed = 0;
  std::vector<TimeInterval> covered;
  std::vector<TimeInterval> lost;
  std::vector<TimeInterval> gaps;
};

class Consumer {
 public:
  // REQUIRES: `store`, `emergency` (may be null) and `clock` outlive the consumer.
  // Errors: kInvalidArgument for options that cannot work (no URL, K > 16, …).
  static Result<std::unique_ptr<Consumer>> Create(ConsumerOptions options, PostStore& store,
                                                  PostStore* emergency, const Clock& clock);
  ~Consumer();                         // Stop()
  Consumer(const Consumer&) = delete;  // owns threads that point into it
  Consumer& operator=(const Consumer&) = delete;

  // Loads the checkpoint and starts the engine and store threads. Errors: the store's, or a
  // corrupt checkpoint (kCorruption: refuse rather than forget what was missing).
  Status Start();
  // Closes the connections, commits what was received with its checkpoint, joins the threads.
  // Idempotent.
  void Stop();

  const EventLog& events() const { return events_; }
  ConsumerSnapshot Snapshot() const;
  // Prometheus text of the consumer's metrics (for MetricsListener).
  std::string RenderMetrics() const;
  // Snapshot() as JSON (for MetricsListener's /status and `sluice consume --status`).
  std::string StatusJson() const;

 private:
  class Engine;
  Consumer(ConsumerOptions options, PostStore& store, PostStore* emergency, const Clock& clock);

  const ConsumerOptions options_;
  PostStore& store_;
  PostStore* const emergency_;
  const Clock& clock_;
  EventLog events_;
  MetricsRegistry metrics_;
  std::unique_ptr<Engine> engine_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
};

}  // namespace sluice::consumer
