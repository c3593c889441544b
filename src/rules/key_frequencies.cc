#include "rules/key_frequencies.h"

#include <algorithm>

namespace sluice::rules {
namespace {

constexpr uint64_t kRowSize = uint64_t{1} << kFrequencyRowBits;
constexpr uint64_t kRowMask = kRowSize - 1;

// Two positions from independent bits of the (already mixed) key hash. Bits 32..55 are the
// index's filter and prefilter bits: using others keeps collisions here unrelated to those.
uint64_t Slot0(uint64_t key) { return key & kRowMask; }
uint64_t Slot1(uint64_t key) { return kRowSize + ((key >> 56 ^ key >> 17) & kRowMask); }

}  // namespace

uint32_t KeyFrequencyTable::Count(uint64_t key) const {
  return std::min(counts_[Slot0(key)], counts_[Slot1(key)]);
}

double KeyFrequencyTable::Share(uint64_t key, double prior) const {
  const double count = posts_ == 0 ? 0 : static_cast<double>(Count(key));
  return (count + kPriorPosts * prior) / (static_cast<double>(posts_) + kPriorPosts);
}

KeyFrequencies::KeyFrequencies()
    : counts_(std::make_unique<std::atomic<uint32_t>[]>(2 * kRowSize)) {
  for (uint64_t i = 0; i < 2 * kRowSize; ++i) counts_[i].store(0, std::memory_order_relaxed);
}

void KeyFrequencies::Observe(const PostKeys& keys) {
  // Load and store, not fetch_add: a locked add per key would cost more than the rest of the
  // sample. Two observers racing on one counter may lose an increment, which only makes an
  // estimate a little low; the counts stay estimates either way.
  const auto add = [](std::atomic<uint32_t>& counter) {
    counter.store(counter.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  };
  for (const PostKeys::Key& key : keys.keys()) {
    add(counts_[Slot0(key.hash)]);
    add(counts_[Slot1(key.hash)]);
  }
  observed_.fetch_add(1, std::memory_order_relaxed);
  if (posts_.fetch_add(1, std::memory_order_relaxed) + 1 == kHalvingPosts) Halve();
}

void KeyFrequencies::Halve() {
  // Only the observer that reached the bound halves; others keep counting meanwhile.
  for (uint64_t i = 0; i < 2 * kRowSize; ++i) {
    uint32_t v = counts_[i].load(std::memory_order_relaxed);
    while (!counts_[i].compare_exchange_weak(v, v / 2, std::memory_order_relaxed)) {
    }
  }
  posts_.fetch_sub(kHalvingPosts / 2, std::memory_order_relaxed);
}

std::shared_ptr<const KeyFrequencyTable> KeyFrequencies::Snapshot() const {
  std::vector<uint32_t> counts(2 * kRowSize);
  for (uint64_t i = 0; i < 2 * kRowSize; ++i)
    counts[i] = counts_[i].load(std::memory_order_relaxed);
  return std::make_shared<const KeyFrequencyTable>(std::move(counts),
                                                   posts_.load(std::memory_order_relaxed));
}

}  // namespace sluice::rules
