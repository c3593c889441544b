#include "consumer/store_worker.h"

#include <algorithm>
#include <chrono>

namespace sluice::consumer {
namespace {

uint64_t BatchBytes(const StoreBatch& batch) {
  uint64_t bytes = batch.checkpoint ? batch.checkpoint->size() : 0;
  for (const ReceivedPost& post : batch.posts) bytes += post.body.size() + 32;
  return bytes;
}

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

StoreWorker::StoreWorker(PostStore& store, StoreWorkerOptions options, OnCommitted on_committed,
                         OnError on_error)
    : store_(store),
      options_(options),
      on_committed_(std::move(on_committed)),
      on_error_(std::move(on_error)),
      thread_([this] { Run(); }) {}

StoreWorker::~StoreWorker() { Stop(); }

bool StoreWorker::Submit(StoreBatch batch) {
  const uint64_t bytes = BatchBytes(batch);
  std::unique_lock lock(mu_);
  // An empty queue always takes the batch, however large, so one huge batch cannot wedge.
  changed_.wait(lock, [&] {
    return stopping_ || queue_.empty() || queued_bytes_ + bytes <= options_.max_queued_bytes;
  });
  if (stopping_) return false;
  queued_bytes_ += bytes;
  queue_.push_back(std::move(batch));
  changed_.notify_all();
  return true;
}

void StoreWorker::Stop(int64_t drain_ms) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
    drain_deadline_ms_ = SteadyMs() + drain_ms;
    changed_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

uint64_t StoreWorker::queued_bytes() const {
  std::lock_guard lock(mu_);
  return queued_bytes_;
}

uint64_t StoreWorker::batches_committed() const {
  std::lock_guard lock(mu_);
  return committed_;
}

bool StoreWorker::WaitIdle(int64_t timeout_ms) const {
  std::unique_lock lock(mu_);
  return changed_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                           [&] { return queue_.empty() && !busy_; });
}

void StoreWorker::Run() {
  int64_t retry_ms = options_.retry_initial_ms;
  std::unique_lock lock(mu_);
  while (true) {
    changed_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping and drained
    busy_ = true;
    StoreBatch& batch = queue_.front();
    lock.unlock();
    Result<CommitResult> result =
        store_.Commit(CommitBatch{.posts = batch.posts, .checkpoint = batch.checkpoint});
    if (result.ok()) {
      on_committed_(batch, *result);
      retry_ms = options_.retry_initial_ms;
      lock.lock();
      queued_bytes_ -= BatchBytes(queue_.front());
      queue_.pop_front();
      ++committed_;
      busy_ = false;
      changed_.notify_all();
      continue;
    }
    on_error_(result.status());
    lock.lock();
    busy_ = false;
    if (stopping_ && SteadyMs() >= drain_deadline_ms_) return;  // the process is going away
    // Wait before retrying; a Stop during the wait shortens it to the drain deadline.
    const int64_t wake_ms = SteadyMs() + retry_ms;
    changed_.wait_for(lock, std::chrono::milliseconds(retry_ms), [&] {
      return stopping_ && SteadyMs() >= std::min(wake_ms, drain_deadline_ms_);
    });
    retry_ms = std::min(retry_ms * 2, options_.retry_max_ms);
  }
}

}  // namespace sluice::consumer
