#include "stream/delivered_set.h"

#include <algorithm>
#include <iterator>
#include <utility>

#include "archive/coding.h"

namespace sluice {
namespace {

constexpr size_t kCountBytes = 4;
constexpr size_t kIntervalBytes = 16;

}  // namespace

DeliveredSet::DeliveredSet(size_t max_intervals)
    : max_intervals_(std::max<size_t>(1, max_intervals)) {}

uint64_t DeliveredSet::AddAndCountNew(uint64_t cover_begin, uint64_t cover_end,
                                      std::span<const uint64_t> seqs) {
  // Live delivery: every seq lies past the last interval, so none can be in the set.
  const uint64_t fresh =
      (seqs.empty() || intervals_.empty() || seqs.front() >= std::prev(intervals_.end())->second)
          ? seqs.size()
          : CountNotContained(seqs);
  if (cover_begin < cover_end) AddCover(cover_begin, cover_end);
  return fresh;
}

bool DeliveredSet::Contains(uint64_t seq) const {
  auto it = intervals_.upper_bound(seq);
  if (it == intervals_.begin()) return false;
  --it;
  return seq < it->second;
}

uint64_t DeliveredSet::CountNotContained(std::span<const uint64_t> seqs) const {
  // One merge walk: the intervals passed lie inside the cover being added, which then merges
  // them away, so the walk is paid for by their earlier insertion.
  auto it = intervals_.upper_bound(seqs.front());
  if (it != intervals_.begin()) --it;
  uint64_t fresh = 0;
  for (const uint64_t seq : seqs) {
    while (it != intervals_.end() && it->second <= seq) ++it;
    if (it == intervals_.end() || seq < it->first) ++fresh;
  }
  return fresh;
}

void DeliveredSet::AddCover(uint64_t cover_begin, uint64_t cover_end) {
  if (!intervals_.empty()) {
    // The common case touches only the last interval, reached in O(1) from end().
    auto last = std::prev(intervals_.end());
    if (cover_begin >= last->first) {
      if (cover_begin <= last->second) {
        last->second = std::max(last->second, cover_end);
      } else {
        intervals_.emplace_hint(intervals_.end(), cover_begin, cover_end);
        DropOldestBeyondBound();
      }
      return;
    }
  }
  // First interval that overlaps or touches the cover: the one before the first beginning after
  // cover_begin, if it reaches cover_begin.
  auto it = intervals_.upper_bound(cover_begin);
  if (it != intervals_.begin()) {
    auto before = std::prev(it);
    if (before->second >= cover_begin) it = before;
  }
  uint64_t begin = cover_begin;
  uint64_t end = cover_end;
  while (it != intervals_.end() && it->first <= cover_end) {
    begin = std::min(begin, it->first);
    end = std::max(end, it->second);
    it = intervals_.erase(it);
  }
  intervals_.emplace_hint(it, begin, end);
  DropOldestBeyondBound();
}

void DeliveredSet::DropOldestBeyondBound() {
  while (intervals_.size() > max_intervals_) {
    intervals_.erase(intervals_.begin());
    ++dropped_intervals_;
  }
}

void DeliveredSet::ForgetBefore(uint64_t seq) {
  while (!intervals_.empty() && intervals_.begin()->second <= seq) {
    intervals_.erase(intervals_.begin());
  }
  if (!intervals_.empty() && intervals_.begin()->first < seq) {
    // Map keys are const; extract and reinsert moves the start without reallocating the node.
    auto node = intervals_.extract(intervals_.begin());
    node.key() = seq;
    intervals_.insert(intervals_.begin(), std::move(node));
  }
}

std::vector<DeliveredSet::Interval> DeliveredSet::Intervals() const {
  std::vector<Interval> out;
  out.reserve(intervals_.size());
  for (const auto& [begin, end] : intervals_) out.push_back({begin, end});
  return out;
}

void DeliveredSet::EncodeTo(std::string& out) const {
  const size_t start = out.size();
  out.resize(start + kCountBytes + intervals_.size() * kIntervalBytes);
  char* p = out.data() + start;
  archive::EncodeFixed32(p, static_cast<uint32_t>(intervals_.size()));
  p += kCountBytes;
  for (const auto& [begin, end] : intervals_) {
    archive::EncodeFixed64(p, begin);
    archive::EncodeFixed64(p + 8, end);
    p += kIntervalBytes;
  }
}

Result<DeliveredSet> DeliveredSet::DecodeFrom(std::string_view& input, size_t max_intervals) {
  if (input.size() < kCountBytes) return Status::Corruption("delivered set: truncated count");
  const uint64_t count = archive::DecodeFixed32(input.data());
  if ((input.size() - kCountBytes) / kIntervalBytes < count) {
    return Status::Corruption("delivered set: " + std::to_string(count) +
                              " intervals announced, fewer present");
  }
  const char* p = input.data() + kCountBytes;
  DeliveredSet set(max_intervals);
  // Only the newest max_intervals survive, as if the bound had dropped the rest; the skipped
  // ones are still checked for order so that damage is not silently ignored.
  const uint64_t skip = count > set.max_intervals_ ? count - set.max_intervals_ : 0;
  uint64_t previous_end = 0;
  for (uint64_t i = 0; i < count; ++i, p += kIntervalBytes) {
    const uint64_t begin = archive::DecodeFixed64(p);
    const uint64_t end = archive::DecodeFixed64(p + 8);
    if (begin >= end || (i > 0 && begin <= previous_end)) {
      return Status::Corruption("delivered set: interval " + std::to_string(i) + " [" +
                                std::to_string(begin) + ", " + std::to_string(end) +
                                ") is empty or not after the previous one");
    }
    previous_end = end;
    if (i >= skip) set.intervals_.emplace_hint(set.intervals_.end(), begin, end);
  }
  set.dropped_intervals_ = skip;
  input.remove_prefix(kCountBytes + count * kIntervalBytes);
  return set;
}

}  // namespace sluice
