// StoreWorker: the consumer's store stage. Batches of posts (with the coverage checkpoint that
// holds once they are stored) queue up here and one thread commits them in order, retrying a
// failed commit until it succeeds or the worker stops: a post handed to the worker is never
// dropped while the process lives (and a checkpoint never claims a post that was not stored).
//
// Thread safety: Submit/Stop and the accessors from any thread; `on_committed` runs on the
// worker's thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "consumer/store.h"

namespace sluice::consumer {

struct StoreBatch {
  uint64_t sequence = 0;  // the submitter's numbering, handed back in on_committed
  std::vector<ReceivedPost> posts;
  std::optional<std::string> checkpoint;
};

struct StoreWorkerOptions {
  uint64_t max_queued_bytes = 256ull << 20;  // Submit blocks beyond this (back-pressure)
  int64_t retry_initial_ms = 100;
  int64_t retry_max_ms = 5000;
};

class StoreWorker {
 public:
  // Called after each successful commit with the batch and the store's answer.
  using OnCommitted = std::function<void(const StoreBatch&, const CommitResult&)>;
  // Called after each failed attempt (the batch will be retried).
  using OnError = std::function<void(const Status&)>;

  // REQUIRES: `store` outlives the worker.
  StoreWorker(PostStore& store, StoreWorkerOptions options, OnCommitted on_committed,
              OnError on_error);
  ~StoreWorker();                            // Stop()
  StoreWorker(const StoreWorker&) = delete;  // owns a running thread
  StoreWorker& operator=(const StoreWorker&) = delete;

  // Queues a batch; blocks while the queue holds more than max_queued_bytes. False after Stop.
  bool Submit(StoreBatch batch);
  // Commits what is queued (retrying failures for at most `drain_ms`), then joins the thread.
  // Idempotent.
  void Stop(int64_t drain_ms = 10000);

  uint64_t queued_bytes() const;
  uint64_t batches_committed() const;
  // Blocks until every batch submitted so far is committed, or `timeout_ms` passes; for tests
  // and shutdown. True when drained.
  bool WaitIdle(int64_t timeout_ms) const;

 private:
  void Run();

  PostStore& store_;
  const StoreWorkerOptions options_;
  OnCommitted on_committed_;
  OnError on_error_;
  mutable std::mutex mu_;
  mutable std::condition_variable changed_;
  std::deque<StoreBatch> queue_;
  uint64_t queued_bytes_ = 0;
  uint64_t committed_ = 0;
  bool busy_ = false;
  bool stopping_ = false;
  int64_t drain_deadline_ms_ = 0;  // steady ms; retries stop after it once stopping
  std::thread thread_;
};

}  // namespace sluice::consumer
