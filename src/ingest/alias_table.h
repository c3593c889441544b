// AliasTable: draws an index with given weights in O(1) (Walker's alias method). The generator
// draws every word, user, hashtag and language this way, so a draw must cost a few ns, not a
// binary search or a std::discrete_distribution call.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "ingest/rng.h"

namespace sluice {

class AliasTable {
 public:
  AliasTable() = default;
  // REQUIRES: weights non-empty, all >= 0, at least one > 0, fewer than 2^32 of them.
  explicit AliasTable(std::span<const double> weights);

  // Weights 1/(rank+1)^exponent for ranks 0..n-1: Zipf's law, as word and account popularity
  // follow.
  static AliasTable Zipf(size_t n, double exponent);
  // Zipf weights, with ranks >= tail_from scaled by tail_factor (a long tail that is rarer
  // than the head's law predicts, e.g. invented words after the real ones).
  static std::vector<double> ZipfWeights(size_t n, double exponent, size_t tail_from,
                                         double tail_factor);

  // One index in [0, size()), using one Rng draw.
  uint32_t Sample(Rng& rng) const {
    const uint64_t r = rng.Next();
    const uint32_t slot = static_cast<uint32_t>(((r >> 32) * slots_.size()) >> 32);
    const Slot& s = slots_[slot];
    // Branch-free: the choice is random, so a branch would be mispredicted half the time.
    const uint32_t keep = 0u - static_cast<uint32_t>(static_cast<uint32_t>(r) <= s.keep_up_to);
    return (slot & keep) | (s.alias & ~keep);
  }

  size_t size() const { return slots_.size(); }
  // The slot layout, for tables that embed it next to their items (WordTable).
  uint32_t keep_up_to(size_t slot) const { return slots_[slot].keep_up_to; }
  uint32_t alias(size_t slot) const { return slots_[slot].alias; }

 private:
  // 8 bytes, so that big tables (a 2,500-word vocabulary) stay in cache.
  struct Slot {
    uint32_t keep_up_to;  // keep `slot` when the low 32 random bits are <= this, else alias
    uint32_t alias;
  };
  std::vector<Slot> slots_;
};

}  // namespace sluice
