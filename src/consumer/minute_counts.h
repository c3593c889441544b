// MinuteCounts: the consumer's per-minute accounting of posts (SPEC §7). Every post line is
// counted inbound before anything may drop it, then exactly one of malformed, duplicate or
// unique; every unique post must be stored. A closed minute whose numbers do not add up carries
// a discrepancy, which the consumer raises as an alert.
//
// Minutes are UTC minutes of the consumer's clock, by the time the post's line was received
// (not its archive or created time), so every count of one post lands in the same minute.
//
// Thread safety: none; owned by one thread.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace sluice::consumer {

struct MinuteCount {
  int64_t minute_start_ms = 0;
  uint64_t inbound = 0, malformed = 0, duplicates = 0, unique = 0, stored = 0;
  bool operator==(const MinuteCount&) const = default;
};

// The start of the UTC minute holding `ms` (rounding down, also before 1970).
int64_t MinuteStartMs(int64_t ms);

class MinuteCounts {
 public:
  void Inbound(int64_t ms);    // every post line parsed (counted before anything may drop it)
  void Malformed(int64_t ms);  // a line that is neither post, heartbeat nor system message
  void Duplicate(int64_t ms);  // dropped by the de-duplication window
  void Unique(int64_t ms);     // passed the window (handed to the store)
  void Stored(int64_t ms, uint64_t n = 1);  // newly stored, by received minute of the post
  // Handed to the store but its id was already there: moves one from unique to duplicates.
  // REQUIRES: `ms` is the post's received time, as given to Unique.
  void StoreDuplicate(int64_t ms);

  struct Closed {
    MinuteCount count;
    std::vector<std::string> discrepancies;  // empty when the minute adds up
  };
  // Every minute that ended at or before `settled_before_ms` and was not returned before, oldest
  // first, from the first minute anything was counted in — including minutes with no posts at
  // all, so that a silent stream shows as zeros rather than as nothing. A discrepancy is listed
  // when inbound != malformed + duplicates + unique, or unique != stored.
  //
  // Counts that arrive later for a minute already closed go to Totals() and late_counts() only:
  // choose settled_before_ms far enough behind the store's commits (a few seconds).
  std::vector<Closed> CloseBefore(int64_t settled_before_ms);

  // Every count so far, closed or not; minute_start_ms is 0.
  MinuteCount Totals() const { return totals_; }
  // Counts that arrived for minutes already closed.
  uint64_t late_counts() const { return late_counts_; }

 private:
  // The open minute holding `ms`, or nullptr when that minute is closed (counted as late).
  MinuteCount* Bucket(int64_t ms);

  std::map<int64_t, MinuteCount> open_;
  bool started_ = false;
  bool closed_any_ = false;
  int64_t next_to_close_ms_ = 0;  // minutes before this were returned (valid once started_)
  MinuteCount totals_;
  uint64_t late_counts_ = 0;
};

}  // namespace sluice::consumer
