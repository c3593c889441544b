#include "consumer/minute_counts.h"

namespace sluice::consumer {

namespace {

constexpr int64_t kMinuteMs = 60000;

std::vector<std::string> Discrepancies(const MinuteCount& count) {
  std::vector<std::string> found;
  const uint64_t accounted = count.malformed + count.duplicates + count.unique;
  if (count.inbound != accounted) {
    found.push_back("inbound " + std::to_string(count.inbound) + " != malformed " +
                    std::to_string(count.malformed) + " + duplicates " +
                    std::to_string(count.duplicates) + " + unique " + std::to_string(count.unique) +
                    " (" + std::to_string(accounted) + ")");
  }
  if (count.unique != count.stored) {
    found.push_back("unique " + std::to_string(count.unique) + " != stored " +
                    std::to_string(count.stored));
  }
  return found;
}

}  // namespace

int64_t MinuteStartMs(int64_t ms) {
  int64_t start = ms - ms % kMinuteMs;
  if (start > ms) start -= kMinuteMs;  // C++ rounds towards zero; negative times round down
  return start;
}

MinuteCount* MinuteCounts::Bucket(int64_t ms) {
  const int64_t minute = MinuteStartMs(ms);
  // Until a minute has been returned, an earlier minute still starts the sequence.
  if (!started_ || (!closed_any_ && minute < next_to_close_ms_)) {
    started_ = true;
    next_to_close_ms_ = minute;
  }
  if (minute < next_to_close_ms_) {
    ++late_counts_;
    return nullptr;
  }
  MinuteCount& count = open_[minute];
  count.minute_start_ms = minute;
  return &count;
}

void MinuteCounts::Inbound(int64_t ms) {
  ++totals_.inbound;
  if (MinuteCount* count = Bucket(ms)) ++count->inbound;
}

void MinuteCounts::Malformed(int64_t ms) {
  ++totals_.malformed;
  if (MinuteCount* count = Bucket(ms)) ++count->malformed;
}

void MinuteCounts::Duplicate(int64_t ms) {
  ++totals_.duplicates;
  if (MinuteCount* count = Bucket(ms)) ++count->duplicates;
}

void MinuteCounts::Unique(int64_t ms) {
  ++totals_.unique;
  if (MinuteCount* count = Bucket(ms)) ++count->unique;
}

void MinuteCounts::Stored(int64_t ms, uint64_t n) {
  totals_.stored += n;
  if (MinuteCount* count = Bucket(ms)) count->stored += n;
}

void MinuteCounts::StoreDuplicate(int64_t ms) {
  if (totals_.unique > 0) --totals_.unique;
  ++totals_.duplicates;
  if (MinuteCount* count = Bucket(ms)) {
    if (count->unique > 0) --count->unique;
    ++count->duplicates;
  }
}

std::vector<MinuteCounts::Closed> MinuteCounts::CloseBefore(int64_t settled_before_ms) {
  std::vector<Closed> closed;
  if (!started_) return closed;
  // A minute is closed once it has wholly ended: [start, start + 1 min) ⊆ (−∞, settled_before).
  while (next_to_close_ms_ + kMinuteMs <= settled_before_ms) {
    Closed minute;
    auto it = open_.find(next_to_close_ms_);
    if (it != open_.end()) {
      minute.count = it->second;
      open_.erase(it);
    } else {
      minute.count.minute_start_ms = next_to_close_ms_;
    }
    minute.discrepancies = Discrepancies(minute.count);
    closed.push_back(std::move(minute));
    next_to_close_ms_ += kMinuteMs;
    closed_any_ = true;
  }
  return closed;
}

}  // namespace sluice::consumer
