#include "stream/combined_rules.h"

#include <algorithm>
#include <functional>
#include <string_view>

namespace sluice {

std::shared_ptr<const CombinedRules> CombinedRules::Build(
    std::vector<std::shared_ptr<const rules::RuleSet>> per_slot,
    std::shared_ptr<const rules::KeyFrequencyTable> frequencies) {
  auto combined = std::shared_ptr<CombinedRules>(new CombinedRules());
  size_t total = 0;
  int non_empty = 0;
  int last_non_empty = -1;
  for (size_t s = 0; s < per_slot.size(); ++s) {
    if (!per_slot[s]) per_slot[s] = rules::RuleSet::Build({});
    if (per_slot[s]->empty()) continue;
    total += per_slot[s]->size();
    ++non_empty;
    last_non_empty = static_cast<int>(s);
  }
  if (non_empty <= 1) {
    // The common case of one stream with rules (and of none): its rules are the index, in a
    // set of their own, so that a re-index (RulesBoard::RelearnIfDue) leaves no second index
    // behind in the stream's set, which lives until its next change.
    combined->single_slot_ = last_non_empty;
    combined->index_ = rules::RuleSet::Build(
        last_non_empty >= 0 ? per_slot[last_non_empty]->rules()
                            : std::vector<std::shared_ptr<const rules::CompiledRule>>(),
        std::move(frequencies));
    combined->index_->PrepareIndex();  // here, not on the pipeline thread's first match
    combined->per_slot_ = std::move(per_slot);
    return combined;
  }

  // Distinct values in first-seen order. A flat open-addressing table of distinct positions
  // (+1; 0 is empty) keyed by the value's hash: a few large arrays, no allocation per rule, as
  // this runs on every rule change of any stream.
  size_t capacity = 16;
  while (capacity < total * 2) capacity <<= 1;
  std::vector<uint32_t> table(capacity, 0);
  std::vector<uint64_t> distinct_hash;
  std::vector<std::shared_ptr<const rules::CompiledRule>> unique;
  std::vector<uint32_t> unique_of;  // per (slot, position), in slot order
  distinct_hash.reserve(total);
  unique.reserve(total);
  unique_of.reserve(total);
  const std::hash<std::string_view> hasher;
  for (const auto& set : per_slot) {
    for (const auto& rule : set->rules()) {
      const std::string_view value = rule->record().value;
      const uint64_t hash = hasher(value);
      uint64_t i = hash & (capacity - 1);
      for (;; i = (i + 1) & (capacity - 1)) {
        const uint32_t at = table[i];
        if (at == 0) {
          table[i] = static_cast<uint32_t>(unique.size()) + 1;
          unique_of.push_back(static_cast<uint32_t>(unique.size()));
          distinct_hash.push_back(hash);
          unique.push_back(rule);
          break;
        }
        if (distinct_hash[at - 1] == hash && unique[at - 1]->record().value == value) {
          unique_of.push_back(at - 1);
          break;
        }
      }
    }
  }
  // Owners grouped by distinct rule (a counting sort), each group in slot order.
  combined->owner_begin_.assign(unique.size() + 1, 0);
  for (uint32_t u : unique_of) ++combined->owner_begin_[u + 1];
  for (size_t u = 0; u < unique.size(); ++u) {
    combined->owner_begin_[u + 1] += combined->owner_begin_[u];
  }
  combined->owners_.resize(total);
  std::vector<uint32_t> fill(combined->owner_begin_.begin(), combined->owner_begin_.end() - 1);
  size_t flat = 0;
  for (size_t s = 0; s < per_slot.size(); ++s) {
    for (size_t p = 0; p < per_slot[s]->size(); ++p) {
      combined->owners_[fill[unique_of[flat++]]++] = {static_cast<uint32_t>(s),
                                                      static_cast<uint32_t>(p)};
    }
  }
  combined->index_ = rules::RuleSet::Build(std::move(unique), std::move(frequencies));
  combined->index_->PrepareIndex();
  combined->per_slot_ = std::move(per_slot);
  return combined;
}

size_t CombinedRules::IndexMemoryBytes() const {
  return index_->IndexMemoryBytes() + owner_begin_.capacity() * sizeof(uint32_t) +
         owners_.capacity() * sizeof(Owner);
}

void CombinedRules::Match(const PostView& post, rules::MatchScratch& scratch,
                          CombinedMatch& out) const {
  for (uint32_t s : out.slots) out.per_slot[s].clear();
  out.slots.clear();
  if (out.per_slot.size() < per_slot_.size()) out.per_slot.resize(per_slot_.size());
  index_->Match(post, scratch, out.unique);
  if (single_slot_ >= 0) {
    if (!out.unique.empty()) {
      out.slots.push_back(static_cast<uint32_t>(single_slot_));
      out.per_slot[single_slot_].assign(out.unique.begin(), out.unique.end());
    }
    return;
  }
  for (uint32_t u : out.unique) {
    for (uint32_t o = owner_begin_[u]; o < owner_begin_[u + 1]; ++o) {
      std::vector<uint32_t>& list = out.per_slot[owners_[o].slot];
      if (list.empty()) out.slots.push_back(owners_[o].slot);
      list.push_back(owners_[o].position);
    }
  }
  if (out.slots.size() > 1) std::sort(out.slots.begin(), out.slots.end());
  // Distinct values come in first-seen order, so a slot's positions may not be ascending.
  for (uint32_t s : out.slots) {
    std::vector<uint32_t>& list = out.per_slot[s];
    if (!std::is_sorted(list.begin(), list.end())) std::sort(list.begin(), list.end());
  }
}

RulesBoard::RulesBoard(size_t slots)
    : per_slot_(slots),
      current_(CombinedRules::Build(std::vector<std::shared_ptr<const rules::RuleSet>>(slots))) {}

void RulesBoard::Set(size_t slot, std::shared_ptr<const rules::RuleSet> rules) {
  std::lock_guard lock(mu_);
  per_slot_[slot] = std::move(rules);
  PublishLocked();
}

bool RulesBoard::RelearnIfDue() {
  std::lock_guard lock(mu_);
  // Fewer posts say less than the guesses: the table blends them in, but an index anchored by a
  // handful of posts would want rebuilding at once.
  const uint64_t observed = frequencies_.observed();
  const bool due =
      learned_ == nullptr ? observed >= kFirstLearning : observed >= learned_at_ + kRelearnPosts;
  if (!due || current_.load(std::memory_order_acquire)->empty()) return false;
  learned_ = frequencies_.Snapshot();
  learned_at_ = observed;
  PublishLocked();
  return true;
}

void RulesBoard::PublishLocked() {
  current_.store(CombinedRules::Build(per_slot_, learned_), std::memory_order_release);
}

}  // namespace sluice
