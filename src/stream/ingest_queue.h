// IngestQueue: the bounded hand-off from ingest sources (any thread) to the pipeline thread.
// Bounded by bytes, so a source that outruns the archive is pushed back instead of growing
// memory (REFERENCES: never drop silently; push back on ingest).
//
// Thread safety: all methods may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <vector>

#include "ingest/ingest_batch.h"

namespace sluice {

class IngestQueue final : public IngestSink {
 public:
  explicit IngestQueue(uint64_t max_bytes) : max_bytes_(max_bytes) {}

  // A batch larger than max_bytes is still accepted once the queue is empty, so that no
  // batch can wait forever.
  Status Submit(IngestBatch batch) override;
  Status TrySubmit(IngestBatch& batch) override;

  // Moves every queued batch into `out`, waiting up to `timeout` for the first one. Returns
  // false once the queue is closed and empty.
  bool PopAll(std::vector<IngestBatch>& out, std::chrono::milliseconds timeout);

  // Refuses further submissions (Unavailable) and wakes every waiter; what is queued stays
  // to be popped.
  void Close();
  uint64_t queued_bytes() const;

 private:
  bool Fits(uint64_t bytes) const {
    return queued_bytes_ == 0 || queued_bytes_ + bytes <= max_bytes_;
  }

  const uint64_t max_bytes_;
  mutable std::mutex mu_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::deque<IngestBatch> batches_;
  uint64_t queued_bytes_ = 0;
  bool closed_ = false;
};

}  // namespace sluice
