// FakeIngestSink: an IngestSink for tests. Records every batch; Submit can be held back (to
// simulate a full pipeline) or made to fail (a pipeline shutting down).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <vector>

#include "ingest/ingest_batch.h"

namespace sluice {

class FakeIngestSink final : public IngestSink {
 public:
  Status Submit(IngestBatch batch) override {
    std::unique_lock lock(mutex_);
    ++submit_calls_;
    changed_.notify_all();
    changed_.wait(lock, [&] { return !held_ || failing_; });
    if (failing_) return Status::Unavailable("pipeline is shutting down");
    posts_ += batch.size();
    batches_.push_back(std::move(batch));
    changed_.notify_all();
    return Status::Ok();
  }
  Status TrySubmit(IngestBatch& batch) override { return Submit(std::move(batch)); }

  // While held, Submit blocks (back-pressure).
  void Hold(bool held) {
    std::lock_guard lock(mutex_);
    held_ = held;
    changed_.notify_all();
  }
  // From now on Submit answers Unavailable (also releasing a held Submit).
  void Fail() {
    std::lock_guard lock(mutex_);
    failing_ = true;
    changed_.notify_all();
  }
  // Waits until at least `posts` posts were submitted; false after `timeout` (a failed test, not
  // a timing assumption: the source is expected to get there much sooner).
  bool WaitForPosts(size_t posts, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return posts_ >= posts; });
  }
  // Waits until Submit has been entered `calls` times (it may still be blocked in Hold).
  bool WaitForSubmitCalls(size_t calls,
                          std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return submit_calls_ >= calls; });
  }
  size_t posts() const {
    std::lock_guard lock(mutex_);
    return posts_;
  }
  std::vector<IngestBatch> TakeBatches() {
    std::lock_guard lock(mutex_);
    return std::move(batches_);
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<IngestBatch> batches_;
  size_t posts_ = 0;
  size_t submit_calls_ = 0;
  bool held_ = false;
  bool failing_ = false;
};

}  // namespace sluice
