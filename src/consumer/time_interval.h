// TimeInterval and IntervalSet: half-open spans of wall-clock time in ms since the epoch, and a
// normalised set of them. The consumer's coverage, its gaps and its plans are all built on these.
//
// Thread safety: none; a set is owned by one thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sluice::consumer {

// [begin_ms, end_ms). Empty when end_ms <= begin_ms.
struct TimeInterval {
  int64_t begin_ms = 0;
  int64_t end_ms = 0;

  int64_t length_ms() const { return end_ms > begin_ms ? end_ms - begin_ms : 0; }
  bool empty() const { return end_ms <= begin_ms; }
  bool operator==(const TimeInterval&) const = default;
};

// "[2026-11-23T00:46:19.123Z, 2026-11-23T00:47:00.000Z)": for logs, events and test failures.
std::string ToString(const TimeInterval& interval);

// A set of instants kept as sorted, disjoint, non-empty intervals; intervals that overlap or touch
// are merged, so one set has exactly one representation (operator== compares sets).
class IntervalSet {
 public:
  IntervalSet() = default;

  // Empty intervals are ignored.
  void Add(TimeInterval interval);
  void Add(const IntervalSet& other);
  void Remove(TimeInterval interval);

  // True when every instant of `interval` is in the set (an empty interval is always covered).
  bool Covers(TimeInterval interval) const;
  bool Contains(int64_t ms) const;
  // The parts of `range` not in the set, oldest first.
  std::vector<TimeInterval> HolesIn(TimeInterval range) const;

  // Sorted, disjoint, non-touching, non-empty.
  const std::vector<TimeInterval>& intervals() const { return intervals_; }
  bool empty() const { return intervals_.empty(); }
  int64_t total_length_ms() const;

  // Forgets every instant before `ms` (bounds the size of long-lived sets).
  void DropBefore(int64_t ms);

  bool operator==(const IntervalSet&) const = default;

 private:
  std::vector<TimeInterval> intervals_;
};

}  // namespace sluice::consumer
