#include "ingest/word_table.h"

#include <cassert>

#include "ingest/alias_table.h"

namespace sluice {

WordTable::WordTable(std::span<const EscapedText> words, std::span<const double> weights,
                     size_t head_size)
    : head_size_(static_cast<uint32_t>(head_size)) {
  assert(head_size > 0 && head_size <= words.size() && words.size() == weights.size() &&
         words.size() < 65536);
  double head_weight = 0, total_weight = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    (i < head_size ? head_weight : total_weight) += weights[i];
  }
  total_weight += head_weight;
  if (head_size < words.size()) {
    const double up_to = head_weight / total_weight * 4294967296.0 - 1.0;
    head_up_to_ = up_to <= 0 ? 0 : static_cast<uint32_t>(up_to);
  }

  // Alias slots per part; a part's aliases point into the same part.
  const AliasTable head_alias(weights.subspan(0, head_size));
  AliasTable tail_alias;
  if (head_size < words.size()) tail_alias = AliasTable(weights.subspan(head_size));
  entries_.reserve(words.size());
  for (size_t i = 0; i < words.size(); ++i) {
    const EscapedText& word = words[i];
    assert(word.utf8.size() <= 255 && word.ascii.size() <= 255 && word.code_points <= 255);
    const bool in_head = i < head_size;
    const AliasTable& alias = in_head ? head_alias : tail_alias;
    const size_t slot = in_head ? i : i - head_size;
    entries_.push_back(
        Entry{alias.keep_up_to(slot),
              static_cast<uint16_t>(alias.alias(slot) + (in_head ? 0 : head_size)),
              static_cast<uint8_t>(word.code_points), static_cast<uint8_t>(word.utf8.size()),
              static_cast<uint32_t>(blob_.size()), static_cast<uint8_t>(word.ascii.size())});
    blob_ += word.utf8;
    blob_ += word.ascii;
  }
}

}  // namespace sluice
