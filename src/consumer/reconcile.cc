#include "consumer/reconcile.h"

#include <algorithm>
#include <limits>
#include <vector>

namespace sluice::consumer {
namespace {

Status CopyBatch(PostStore& to, std::span<const ReceivedPost> posts, ReconcileReport* report) {
  if (posts.empty()) return Status::Ok();
  Result<CommitResult> committed = to.Commit({.posts = posts, .checkpoint = std::nullopt});
  if (!committed.ok()) return committed.status();
  report->read += posts.size();
  report->inserted += committed->inserted_count;
  report->already_present += posts.size() - committed->inserted_count;
  return Status::Ok();
}

}  // namespace

Result<ReconcileReport> Reconcile(PostStore& from, PostStore& to, int64_t from_ms, int64_t to_ms,
                                  size_t batch_size) {
  ReconcileReport report;
  if (batch_size == 0) return Status::InvalidArgument("reconcile: batch size must be positive");
  // ReadRange has no cursor but is ordered by received_ms: a full page is copied up to (not
  // including) its last millisecond, and the next page starts there.
  int64_t cursor = from_ms;
  while (cursor < to_ms) {
    Result<std::vector<ReceivedPost>> page = from.ReadRange(cursor, to_ms, batch_size);
    if (!page.ok()) return page.status();
    if (page->size() < batch_size) {
      SLUICE_RETURN_IF_ERROR(CopyBatch(to, *page, &report));
      break;
    }
    const int64_t last_ms = page->back().received_ms;
    if (page->front().received_ms < last_ms) {
      const auto first_of_last =
          std::find_if(page->begin(), page->end(),
                       [&](const ReceivedPost& post) { return post.received_ms == last_ms; });
      const size_t count = static_cast<size_t>(first_of_last - page->begin());
      SLUICE_RETURN_IF_ERROR(CopyBatch(to, std::span(*page).first(count), &report));
      cursor = last_ms;
      continue;
    }
    // The whole page is one millisecond: take all of it, however many.
    Result<std::vector<ReceivedPost>> same_ms =
        from.ReadRange(last_ms, last_ms + 1, std::numeric_limits<size_t>::max());
    if (!same_ms.ok()) return same_ms.status();
    const std::span<const ReceivedPost> all(*same_ms);
    for (size_t start = 0; start < all.size(); start += batch_size) {
      SLUICE_RETURN_IF_ERROR(
          CopyBatch(to, all.subspan(start, std::min(batch_size, all.size() - start)), &report));
    }
    cursor = last_ms + 1;
  }
  return report;
}

}  // namespace sluice::consumer
