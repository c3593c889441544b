// Coverage: which time the consumer's store is complete for (SPEC §7). Time is covered while a
// realtime connection was streaming, or when a backfill or recovery that asked for it completed;
// time written off as unrecoverable (older than the server's recovery window, reported once) is
// lost. Everything else between the origin and now is a gap to fill.
//
// Coverage is checkpointed in the store with the posts it vouches for (store.h); the text format
// is specified in docs/consumer-checkpoint.md.
//
// Thread safety: none; owned by the consumer's engine thread (copy it to hand it elsewhere).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "consumer/time_interval.h"

namespace sluice::consumer {

// The first line of every checkpoint; a reader refuses other versions.
inline constexpr std::string_view kCoverageCheckpointMagic = "sluice-coverage";
inline constexpr int kCoverageCheckpointVersion = 1;

class Coverage {
 public:
  Coverage() = default;

  void AddCovered(TimeInterval interval);
  // Unrecoverable and already reported: not a gap any more.
  void AddLost(TimeInterval interval);

  const IntervalSet& covered() const { return covered_; }
  const IntervalSet& lost() const { return lost_; }

  // The start of the first covered time; nullopt while nothing was ever covered. Time before it
  // is not the consumer's business (it had not started), so it is never a gap.
  std::optional<int64_t> origin_ms() const { return origin_ms_; }

  // The holes of covered ∪ lost inside [origin, until_ms), oldest first; empty without an origin.
  std::vector<TimeInterval> Gaps(int64_t until_ms) const;

  // Versioned text (docs/consumer-checkpoint.md); FromCheckpoint(ToCheckpoint()) == *this.
  std::string ToCheckpoint() const;
  // Errors: kCorruption naming the line and what is wrong (unknown version, bad number,
  // unsorted or overlapping intervals, missing end line).
  static Result<Coverage> FromCheckpoint(std::string_view text);

  // Forgets everything before `ms` and moves the origin up to it, so that forgotten time can
  // never come back as a gap. REQUIRES: the caller has planned (or written off) the gaps before
  // `ms`; keep at least the recovery window plus a margin.
  void DropBefore(int64_t ms);

  bool operator==(const Coverage&) const = default;

 private:
  std::optional<int64_t> origin_ms_;
  IntervalSet covered_;
  IntervalSet lost_;
};

}  // namespace sluice::consumer
