// Reconcile: copies the posts an emergency store holds for a time range into the primary store,
// where the primary's unique post id skips those it already has (`sluice reconcile`).
#pragma once

#include <cstddef>
#include <cstdint>

#include "consumer/store.h"

namespace sluice::consumer {

struct ReconcileReport {
  uint64_t read = 0;             // posts of the range found in `from`
  uint64_t inserted = 0;         // of those, newly stored in `to`
  uint64_t already_present = 0;  // of those, already in `to`
};

// Copies every post of `from` with received_ms in [from_ms, to_ms) into `to`, `batch_size` posts
// per Commit (no checkpoint is written). Many posts with one received_ms are all copied, even
// more than `batch_size`. REQUIRES: batch_size > 0. Errors: those of the stores; posts copied
// before an error stay copied, so a rerun completes the job.
Result<ReconcileReport> Reconcile(PostStore& from, PostStore& to, int64_t from_ms, int64_t to_ms,
                                  size_t batch_size);

}  // namespace sluice::consumer
