#include "consumer/time_interval.h"

#include <algorithm>

#include "base/time_format.h"

namespace sluice::consumer {

std::string ToString(const TimeInterval& interval) {
  return "[" + FormatIsoMs(interval.begin_ms) + ", " + FormatIsoMs(interval.end_ms) + ")";
}

void IntervalSet::Add(TimeInterval interval) {
  if (interval.empty()) return;
  // The first interval that ends at or after the new begin: with `>=` a touching neighbour is
  // found too, which is what merges [a,b) and [b,c) into [a,c).
  auto first = std::lower_bound(
      intervals_.begin(), intervals_.end(), interval.begin_ms,
      [](const TimeInterval& existing, int64_t begin) { return existing.end_ms < begin; });
  auto last = first;
  while (last != intervals_.end() && last->begin_ms <= interval.end_ms) {
    interval.begin_ms = std::min(interval.begin_ms, last->begin_ms);
    interval.end_ms = std::max(interval.end_ms, last->end_ms);
    ++last;
  }
  if (first == last) {
    intervals_.insert(first, interval);
  } else {
    *first = interval;
    intervals_.erase(first + 1, last);
  }
}

void IntervalSet::Add(const IntervalSet& other) {
  for (const TimeInterval& interval : other.intervals_) Add(interval);
}

void IntervalSet::Remove(TimeInterval interval) {
  if (interval.empty()) return;
  std::vector<TimeInterval> kept;
  kept.reserve(intervals_.size() + 1);
  for (const TimeInterval& existing : intervals_) {
    if (existing.end_ms <= interval.begin_ms || existing.begin_ms >= interval.end_ms) {
      kept.push_back(existing);
      continue;
    }
    if (existing.begin_ms < interval.begin_ms) {
      kept.push_back({existing.begin_ms, interval.begin_ms});
    }
    if (existing.end_ms > interval.end_ms) kept.push_back({interval.end_ms, existing.end_ms});
  }
  intervals_ = std::move(kept);
}

bool IntervalSet::Covers(TimeInterval interval) const {
  if (interval.empty()) return true;
  // Disjoint and non-touching, so a covered interval lies inside exactly one member.
  auto it = std::upper_bound(
      intervals_.begin(), intervals_.end(), interval.begin_ms,
      [](int64_t begin, const TimeInterval& existing) { return begin < existing.end_ms; });
  return it != intervals_.end() && it->begin_ms <= interval.begin_ms &&
         it->end_ms >= interval.end_ms;
}

bool IntervalSet::Contains(int64_t ms) const { return Covers({ms, ms + 1}); }

std::vector<TimeInterval> IntervalSet::HolesIn(TimeInterval range) const {
  std::vector<TimeInterval> holes;
  if (range.empty()) return holes;
  int64_t cursor = range.begin_ms;
  for (const TimeInterval& existing : intervals_) {
    if (existing.end_ms <= cursor) continue;
    if (existing.begin_ms >= range.end_ms) break;
    if (existing.begin_ms > cursor) holes.push_back({cursor, existing.begin_ms});
    cursor = existing.end_ms;
    if (cursor >= range.end_ms) break;
  }
  if (cursor < range.end_ms) holes.push_back({cursor, range.end_ms});
  return holes;
}

int64_t IntervalSet::total_length_ms() const {
  int64_t total = 0;
  for (const TimeInterval& interval : intervals_) total += interval.length_ms();
  return total;
}

void IntervalSet::DropBefore(int64_t ms) {
  auto keep = std::find_if(intervals_.begin(), intervals_.end(),
                           [ms](const TimeInterval& existing) { return existing.end_ms > ms; });
  intervals_.erase(intervals_.begin(), keep);
  if (!intervals_.empty() && intervals_.front().begin_ms < ms) intervals_.front().begin_ms = ms;
}

}  // namespace sluice::consumer
