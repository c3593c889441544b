#include "stream/ingest_queue.h"

namespace sluice {

Status IngestQueue::Submit(IngestBatch batch) {
  const uint64_t bytes = batch.data.size();
  std::unique_lock lock(mu_);
  not_full_.wait(lock, [&] { return closed_ || Fits(bytes); });
  if (closed_) return Status::Unavailable("the server is shutting down");
  queued_bytes_ += bytes;
  batches_.push_back(std::move(batch));
  not_empty_.notify_one();
  return Status::Ok();
}

Status IngestQueue::TrySubmit(IngestBatch& batch) {
  const uint64_t bytes = batch.data.size();
  std::lock_guard lock(mu_);
  if (closed_) return Status::Unavailable("the server is shutting down");
  if (!Fits(bytes)) {
    return Status::Unavailable("the ingest queue is full; retry after a short wait");
  }
  queued_bytes_ += bytes;
  batches_.push_back(std::move(batch));
  not_empty_.notify_one();
  return Status::Ok();
}

bool IngestQueue::PopAll(std::vector<IngestBatch>& out, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  not_empty_.wait_for(lock, timeout, [&] { return closed_ || !batches_.empty(); });
  if (batches_.empty()) return !closed_;
  while (!batches_.empty()) {
    queued_bytes_ -= batches_.front().data.size();
    out.push_back(std::move(batches_.front()));
    batches_.pop_front();
  }
  not_full_.notify_all();
  return true;
}

void IngestQueue::Close() {
  std::lock_guard lock(mu_);
  closed_ = true;
  not_empty_.notify_all();
  not_full_.notify_all();
}

uint64_t IngestQueue::queued_bytes() const {
  std::lock_guard lock(mu_);
  return queued_bytes_;
}

}  // namespace sluice
