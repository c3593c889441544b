// DeliveredSet: which archive sequence numbers of one channel have been delivered at least once,
// as disjoint half-open intervals. The usage ledger asks it, for every piece written to a
// connection, how many of the piece's posts are delivered for the first time.
//
// A piece says "I deliver every post of this channel with seq in [cover_begin, cover_end)" and
// lists the seqs it carries. Covers of a live stream follow each other exactly, so the set is
// usually one interval; gaps appear while no connection is receiving and close when backfill or
// recovery replays them.
//
// Bound: at most max_intervals() intervals. When a new interval would exceed it, the intervals
// with the lowest seqs (the oldest posts) are dropped. Consequence: a later re-delivery of a
// post in a dropped interval counts as new again. The set may over-count distinct posts this
// way, never under-count.
//
// Thread safety: none; one owner thread (the network thread, through UsageLedger).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace sluice {

class DeliveredSet {
 public:
  static constexpr size_t kDefaultMaxIntervals = 4096;

  struct Interval {
    uint64_t begin = 0;  // first seq in the interval
    uint64_t end = 0;    // one past the last; begin < end
    friend bool operator==(const Interval&, const Interval&) = default;
  };

  // `max_intervals` is raised to 1 if 0.
  explicit DeliveredSet(size_t max_intervals = kDefaultMaxIntervals);

  // Plain data: copying and moving are both fine.
  DeliveredSet(const DeliveredSet&) = default;
  DeliveredSet& operator=(const DeliveredSet&) = default;
  DeliveredSet(DeliveredSet&&) noexcept = default;
  DeliveredSet& operator=(DeliveredSet&&) noexcept = default;

  // Returns how many of `seqs` were not in the set, then adds [cover_begin, cover_end).
  // An empty cover (cover_begin >= cover_end) adds nothing; `seqs` may be empty (a piece whose
  // range matched no post still covers it).
  // REQUIRES: `seqs` ascending without repeats, each in [cover_begin, cover_end). A seq outside
  // the cover is counted but not added (it will count again if delivered again).
  // Cost: O(1) amortised when cover_begin is at or after the end of the last interval (live
  // delivery); otherwise O(log n + seqs.size() + intervals merged away).
  uint64_t AddAndCountNew(uint64_t cover_begin, uint64_t cover_end, std::span<const uint64_t> seqs);

  bool Contains(uint64_t seq) const;

  // Removes every seq below `seq` (retention: posts that can no longer be replayed). A later
  // delivery of one of them counts as new.
  void ForgetBefore(uint64_t seq);

  size_t interval_count() const { return intervals_.size(); }
  size_t max_intervals() const { return max_intervals_; }
  // Intervals dropped by the bound since construction (not persisted); each is a possible
  // over-count.
  uint64_t dropped_intervals() const { return dropped_intervals_; }
  // Ascending. For tests and diagnostics: O(n).
  std::vector<Interval> Intervals() const;

  // Appends the encoding (docs/usage.md, "Delivered set"): interval count (fixed32), then
  // begin and end (fixed64 each) per interval, ascending.
  void EncodeTo(std::string& out) const;
  // Reads one encoding from the front of `input` and advances it past. If the encoding holds
  // more than `max_intervals`, the oldest are dropped as the bound would have.
  // Errors: Corruption if truncated, or if an interval is empty, out of order, overlapping or
  // touching its predecessor (an encoder never writes those).
  static Result<DeliveredSet> DecodeFrom(std::string_view& input, size_t max_intervals);

 private:
  uint64_t CountNotContained(std::span<const uint64_t> seqs) const;
  void AddCover(uint64_t cover_begin, uint64_t cover_end);
  void DropOldestBeyondBound();

  std::map<uint64_t, uint64_t> intervals_;  // begin -> end; disjoint, none touching
  size_t max_intervals_;
  uint64_t dropped_intervals_ = 0;
};

}  // namespace sluice
