// DedupWindow: a bounded memory of the most recent post ids, the consumer's first line of
// de-duplication across redundant connections, backfill and recovery (SPEC §7). When full it
// forgets the oldest id (FIFO); a duplicate older than the window is caught by the store's
// unique key instead.
//
// Open addressing (linear probing, load ≤ 1/2) in one flat array plus a ring of ids in insertion
// order for eviction: no allocation after construction, a few cache misses per insert.
//
// Thread safety: none; owned by the engine thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace sluice::consumer {

class DedupWindow {
 public:
  // REQUIRES: capacity ≥ 1. Memory: 24 to 40 bytes × capacity (the table is a power of
  // two), allocated here.
  explicit DedupWindow(size_t capacity = 1 << 20);

  DedupWindow(const DedupWindow&) = delete;  // megabytes; copying one is never intended
  DedupWindow& operator=(const DedupWindow&) = delete;
  DedupWindow(DedupWindow&&) noexcept = default;
  DedupWindow& operator=(DedupWindow&&) noexcept = default;

  // True if `id` was not in the window (it is now, as the newest); false for a duplicate, which
  // does not refresh its age. REQUIRES: id != 0 (post ids are positive).
  bool Insert(uint64_t id);

  bool Contains(uint64_t id) const;
  size_t size() const { return size_; }
  size_t capacity() const { return ring_.size(); }

 private:
  size_t Home(uint64_t id) const;
  size_t Find(uint64_t id) const;  // the slot holding id, or the empty slot where it would go
  void Erase(size_t slot);

  std::vector<uint64_t> slots_;  // 0 = empty
  size_t mask_ = 0;
  int shift_ = 0;
  std::vector<uint64_t> ring_;  // ids in insertion order; ring_[oldest_] is evicted next
  size_t oldest_ = 0;
  size_t size_ = 0;
};

}  // namespace sluice::consumer
