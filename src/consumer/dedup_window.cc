#include "consumer/dedup_window.h"

#include <bit>
#include <cassert>

namespace sluice::consumer {

DedupWindow::DedupWindow(size_t capacity) {
  assert(capacity >= 1);
  const size_t table_size = std::bit_ceil(capacity * 2);
  slots_.assign(table_size, 0);
  mask_ = table_size - 1;
  shift_ = 64 - std::countr_zero(table_size);
  ring_.assign(capacity, 0);
}

size_t DedupWindow::Home(uint64_t id) const {
  // Fibonacci hashing: snowflake ids share their low bits (sequence numbers) and differ in the
  // high ones, so the product's top bits are the ones worth keeping.
  return static_cast<size_t>((id * 0x9E3779B97F4A7C15ull) >> shift_);
}

size_t DedupWindow::Find(uint64_t id) const {
  size_t slot = Home(id);
  while (slots_[slot] != 0 && slots_[slot] != id) slot = (slot + 1) & mask_;
  return slot;
}

bool DedupWindow::Contains(uint64_t id) const { return id != 0 && slots_[Find(id)] == id; }

bool DedupWindow::Insert(uint64_t id) {
  assert(id != 0);
  size_t slot = Find(id);
  if (slots_[slot] == id) return false;
  if (size_ < ring_.size()) {
    ring_[size_++] = id;  // oldest_ stays 0 until the window is first full
  } else {
    Erase(Find(ring_[oldest_]));
    ring_[oldest_] = id;
    if (++oldest_ == ring_.size()) oldest_ = 0;
    slot = Find(id);  // the erase may have shifted entries into or past this slot
  }
  slots_[slot] = id;
  return true;
}

// Backward-shift deletion keeps every probe chain unbroken without tombstones, so lookups never
// slow down however many ids pass through the window.
void DedupWindow::Erase(size_t slot) {
  size_t hole = slot;
  size_t next = (hole + 1) & mask_;
  while (slots_[next] != 0) {
    const size_t home = Home(slots_[next]);
    // The entry at `next` may move into the hole only if its home is not in (hole, next].
    const bool home_between =
        hole <= next ? (home > hole && home <= next) : (home > hole || home <= next);
    if (!home_between) {
      slots_[hole] = slots_[next];
      hole = next;
    }
    next = (next + 1) & mask_;
  }
  slots_[hole] = 0;
}

}  // namespace sluice::consumer
