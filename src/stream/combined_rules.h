// CombinedRules: the rules of every PowerTrack stream in one index, so that a post is matched
// once for all streams, not once per stream (ARCHITECTURE: "match once, all streams"). A rule
// value that several streams hold (prod and dev often share most of theirs) is indexed and
// verified once and reported to each of them.
//
// RulesBoard publishes a new CombinedRules whenever a stream's rules change (built on the
// caller's thread: the Rules API's worker, never the pipeline), as an immutable snapshot that
// the pipeline and replays load with one atomic read. It also keeps the key frequencies the
// pipeline observes, indexes with them, and re-indexes once they have been learned
// (RelearnIfDue): the same rules, filed under the keys the stream shows to be rarest.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "post/post_view.h"
#include "rules/rule_set.h"

namespace sluice {

// What one post matched: for each stream slot that matched anything, the positions (in that
// stream's RuleSet, ascending) of its rules that matched.
struct CombinedMatch {
  std::vector<uint32_t> unique;                 // positions in the combined index
  std::vector<std::vector<uint32_t>> per_slot;  // indexed by slot; only `slots` are valid
  std::vector<uint32_t> slots;                  // slots with at least one match, ascending
};

class CombinedRules {
 public:
  // per_slot[s]: stream slot s's rules; null or empty for a stream without rules. The index
  // is anchored with `frequencies` when given (rules::RuleSet::Build).
  static std::shared_ptr<const CombinedRules> Build(
      std::vector<std::shared_ptr<const rules::RuleSet>> per_slot,
      std::shared_ptr<const rules::KeyFrequencyTable> frequencies = nullptr);

  bool empty() const { return index_->empty(); }
  size_t slot_count() const { return per_slot_.size(); }
  // The rules of slot `s` this snapshot matches with (for matching_rules), never null.
  const rules::RuleSet& slot_rules(size_t s) const { return *per_slot_[s]; }
  // Distinct rule values indexed.
  size_t distinct_rules() const { return index_->size(); }
  // What the index adds to the rules it indexes (the streams' sets hold those); cheap.
  size_t IndexMemoryBytes() const;

  // Matches `post` once against every stream's rules; fills `out` (reused across calls).
  void Match(const PostView& post, rules::MatchScratch& scratch, CombinedMatch& out) const;

 private:
  CombinedRules() = default;
  std::vector<std::shared_ptr<const rules::RuleSet>> per_slot_;
  // One entry per distinct rule value. When only one stream has rules, that stream's rules in
  // their order (nothing to share): `single_slot_` is its slot and owners_ is empty.
  std::shared_ptr<const rules::RuleSet> index_;
  int single_slot_ = -1;
  // Owners of distinct rule u: owners_[owner_begin_[u] .. owner_begin_[u + 1]).
  std::vector<uint32_t> owner_begin_;
  struct Owner {
    uint32_t slot;
    uint32_t position;
  };
  std::vector<Owner> owners_;
};

class RulesBoard {
 public:
  explicit RulesBoard(size_t slots);
  RulesBoard(const RulesBoard&) = delete;
  RulesBoard& operator=(const RulesBoard&) = delete;

  // Replaces slot `slot`'s rules and publishes the new combined snapshot before returning.
  // Thread-safe (changes are serialised; the build runs on the calling thread).
  void Set(size_t slot, std::shared_ptr<const rules::RuleSet> rules);
  // Thread-safe; never null.
  std::shared_ptr<const CombinedRules> current() const {
    return current_.load(std::memory_order_acquire);
  }

  // Where the matcher's threads report a sample of the posts they matched (MatchScratch::keys).
  rules::KeyFrequencies& key_frequencies() { return frequencies_; }

  // Re-indexes the current rules with the frequencies observed so far and publishes the result,
  // when enough new posts were observed since the index in use was built: kFirstLearning
  // (the first time), then every kRelearnPosts. Returns whether it did. Thread-safe; meant for
  // a periodic timer off the pipeline (an index of 250,000 rules takes about half a second).
  bool RelearnIfDue();

  static constexpr uint64_t kFirstLearning = 4096;
  static constexpr uint64_t kRelearnPosts = uint64_t{1} << 22;

 private:
  // Builds and publishes from per_slot_ with learned_. REQUIRES: mu_ held.
  void PublishLocked();

  std::mutex mu_;
  std::vector<std::shared_ptr<const rules::RuleSet>> per_slot_;  // guarded by mu_
  // The table the index is anchored with, kept between relearnings: a rule change then
  // indexes the rules already there with the anchors they were given (CompiledRule::Program::
  // LearnedAnchors), choosing only the new rules'. Guarded by mu_, as is:
  std::shared_ptr<const rules::KeyFrequencyTable> learned_;
  uint64_t learned_at_ = 0;  // observed() when learned_ was taken
  rules::KeyFrequencies frequencies_;
  std::atomic<std::shared_ptr<const CombinedRules>> current_;
};

}  // namespace sluice
