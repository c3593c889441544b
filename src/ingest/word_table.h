// WordTable: a vocabulary drawn by weight, laid out for the cache.
//
// The generator draws a word for nearly every token it writes, and the alias method reads a
// uniformly random slot, so a big slot table is touched all over while the output stream keeps
// evicting it from the cache. So: each word's slot and its text's location share one 16-byte
// entry, the escaped texts sit in one contiguous blob, and the table is split into a small head
// (the frequent words, drawn most of the time, which stays in cache) and a long tail, each with
// its own alias slots. Draws keep the exact weights.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/rng.h"
#include "ingest/text_arena.h"

namespace sluice {

class WordTable {
 public:
  struct Word {
    std::string_view bytes;  // JSON-escaped
    uint32_t code_points;
  };

  WordTable() = default;
  // Words [0, head_size) form the head. REQUIRES: 0 < head_size <= words.size() ==
  // weights.size() < 65536; escaped forms of at most 255 bytes and 255 code points; weights as
  // for AliasTable, and positive in the head.
  WordTable(std::span<const EscapedText> words, std::span<const double> weights, size_t head_size);

  // An index in [0, size()), drawn by weight.
  uint32_t Sample(Rng& rng) const {
    const auto part_bits = static_cast<uint32_t>(rng.Next());
    return Sample(part_bits, rng.Next());
  }
  // The same from independent random bits supplied by the caller (who may have spare bits of
  // a draw made for something else).
  uint32_t Sample(uint32_t part_bits, uint64_t r) const {
    const bool head = part_bits <= head_up_to_;  // predictable: the head is drawn mostly
    const uint32_t first = head ? 0 : head_size_;
    const uint32_t count = head ? head_size_ : static_cast<uint32_t>(entries_.size()) - head_size_;
    const uint32_t slot = first + static_cast<uint32_t>(((r >> 32) * count) >> 32);
    const Entry& e = entries_[slot];
    // Branch-free: the choice is random, so a branch would be mispredicted half the time.
    const uint32_t keep = 0u - static_cast<uint32_t>(static_cast<uint32_t>(r) <= e.keep_up_to);
    return (slot & keep) | (e.alias & ~keep);
  }

  // The word's escaped text in the form chosen by `ascii` (see EscapedText).
  Word Get(uint32_t index, bool ascii) const {
    const Entry& e = entries_[index];
    return Word{std::string_view(blob_.data() + e.offset + (ascii ? e.utf8_length : 0),
                                 ascii ? e.ascii_length : e.utf8_length),
                e.code_points};
  }

  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    uint32_t keep_up_to;  // alias slot: keep this index when the low random bits are <= this
    uint16_t alias;       // an index in the same part (head or tail)
    uint8_t code_points;
    uint8_t utf8_length;
    uint32_t offset;  // into blob_: the utf8 form, then the ascii form
    uint8_t ascii_length;
  };
  static_assert(sizeof(Entry) == 16);

  std::vector<Entry> entries_;
  std::string blob_;
  uint32_t head_size_ = 0;
  uint32_t head_up_to_ = UINT32_MAX;  // draw the head when 32 random bits are <= this
};

}  // namespace sluice
