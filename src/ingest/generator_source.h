// GeneratorSource: feeds the pipeline with the synthetic generator at a fixed rate (SPEC §6,
// `--rate`), on its own thread.
//
// About every 5 ms it generates the posts that have become due (PostPacer: created_ms spread
// evenly over the milliseconds, never in the future) and hands them to the sink as one batch
// with the blocking Submit. If the sink pushes back, the source falls behind and then catches up
// in batches of at most batch_cap() posts, one after the other, so a stall never turns into one
// huge burst. It stops when asked or when Submit answers an error (Unavailable: the pipeline is
// shutting down).
//
// Thread safety: Start/Stop from one owner thread; the accessors from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <stop_token>
#include <thread>

#include "base/clock.h"
#include "base/status.h"
#include "ingest/ingest_batch.h"

namespace sluice {

class GeneratorSource {
 public:
  static constexpr int64_t kBatchIntervalMs = 5;
  // A post's creation time is never further than this behind the clock, however far behind its
  // schedule the source runs (see Run).
  static constexpr int64_t kMaxLagMs = 1000;
  // At high rates a batch of 10 ms would be tens of MB: past the cache, and a large share of the
  // ingest queue. About 4 MB of posts per batch keeps the pipeline's working set small.
  static constexpr uint64_t kMaxBatchPosts = 1500;

  // REQUIRES: posts_per_second > 0; `clock` and `sink` outlive the source; the clock reads at
  // least kTwitterEpochMs (snowflake times start there).
  GeneratorSource(uint64_t seed, double posts_per_second, const Clock& clock, IngestSink& sink);
  ~GeneratorSource();                                // Stop()
  GeneratorSource(const GeneratorSource&) = delete;  // owns a running thread
  GeneratorSource& operator=(const GeneratorSource&) = delete;

  // Starts generating from the clock's current time. REQUIRES: not started before.
  void Start();
  // Stops and joins the thread; idempotent. Waits for a Submit in progress to return, so the
  // sink must be able to make progress or be shutting down.
  void Stop();

  // Posts generated and handed to Submit so far.
  uint64_t posts_generated() const { return posts_generated_.load(std::memory_order_relaxed); }
  // The most posts one batch carries (two intervals' worth, at least 1).
  uint64_t batch_cap() const { return batch_cap_; }
  // Ok while running or after Stop(); the sink's error if Submit failed and ended the source.
  Status status() const;

 private:
  void Run(std::stop_token stop, int64_t start_ms);

  const uint64_t seed_;
  const double posts_per_second_;
  const uint64_t batch_cap_;
  const Clock& clock_;
  IngestSink& sink_;
  std::atomic<uint64_t> posts_generated_{0};
  mutable std::mutex mutex_;
  std::condition_variable_any wake_;  // interrupts the wait between batches on Stop()
  Status status_;                     // guarded by mutex_
  std::jthread thread_;               // last: joined before the members above are destroyed
};

}  // namespace sluice
