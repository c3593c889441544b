// Key frequencies: how often posts of the live stream carry each match key (match_keys.h), so that
// the index files a rule under the key its posts are least likely to share with everyone else's
// (rule_anchors.h). Without them the anchor choice can only guess from a token's length, and a
// rule set full of ordinary words ("really", "because", "tomorrow") files hundreds of rules under
// each: every post with such a word scans them all.
//
//   KeyFrequencies live;                       // one per server, fed by the matcher's threads
//   live.Observe(scratch.keys());              // a sample of posts, after RuleSet::Match
//   auto table = live.Snapshot();              // immutable; RuleSet::Build(rules, table)
//
// A count-min sketch (two rows of 2^17 counters, ~1 MB): collisions only make a rare key look
// commoner, which costs a worse anchor, never a wrong match. Counts halve every kHalvingPosts
// posts so the table follows the stream.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "rules/post_keys.h"

namespace sluice::rules {

inline constexpr int kFrequencyRowBits = 17;

// An immutable snapshot.
class KeyFrequencyTable {
 public:
  KeyFrequencyTable(std::vector<uint32_t> counts, uint64_t posts)
      : counts_(std::move(counts)), posts_(posts) {}

  // Posts the counts are over (after halvings, the effective number).
  uint64_t posts() const { return posts_; }
  // Estimate of the posts that had `key` (an upper bound when they were observed one at a time).
  uint32_t Count(uint64_t key) const;
  // The share of posts with `key`, blending the measurement with `prior` (the share guessed
  // without statistics) as if the prior had been seen in kPriorPosts posts: a key never seen in
  // a short sample is not taken for one that never occurs.
  double Share(uint64_t key, double prior) const;

  static constexpr double kPriorPosts = 64;

 private:
  std::vector<uint32_t> counts_;  // two rows
  uint64_t posts_;
};

// The live sketch. Observe and Snapshot are thread-safe (relaxed atomics: a snapshot taken while
// posts are observed may count part of one, and observers racing on one counter may lose an
// increment; any count is a fine estimate). With one observer at a time a key's count is never
// below its true count.
class KeyFrequencies {
 public:
  KeyFrequencies();
  KeyFrequencies(const KeyFrequencies&) = delete;
  KeyFrequencies& operator=(const KeyFrequencies&) = delete;

  // Counts each key of one post once (PostKeys holds each distinct key once).
  void Observe(const PostKeys& keys);
  std::shared_ptr<const KeyFrequencyTable> Snapshot() const;
  // Posts observed since construction (not reduced by halving).
  uint64_t observed() const { return observed_.load(std::memory_order_relaxed); }

  static constexpr uint64_t kHalvingPosts = uint64_t{1} << 20;

 private:
  void Halve();

  std::unique_ptr<std::atomic<uint32_t>[]> counts_;
  std::atomic<uint64_t> posts_{0};     // the counts' denominator
  std::atomic<uint64_t> observed_{0};  // every post ever observed
};

}  // namespace sluice::rules
