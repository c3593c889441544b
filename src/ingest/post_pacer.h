// PostPacer: the schedule of a fixed-rate synthetic feed. Post k is due at
//   start_ms + floor(k * 1000 / posts_per_second)
// so posts spread evenly over the milliseconds (the Decahose and 1 % samples are functions of an
// id's millisecond, so bunching posts on a few milliseconds would skew them). Pure arithmetic on
// the times it is given: no clock, no thread.
#pragma once

#include <cmath>
#include <cstdint>

namespace sluice {

class PostPacer {
 public:
  // REQUIRES: posts_per_second > 0.
  PostPacer(double posts_per_second, int64_t start_ms)
      : posts_per_second_(posts_per_second), start_ms_(start_ms) {}

  // Posts due at or before now_ms that have not been taken yet.
  uint64_t DueCount(int64_t now_ms) const {
    if (now_ms < NextDueMs()) return 0;
    // Posts k with DueMs(k) <= now_ms: k < (elapsed + 1) * rate / 1000, then made exact against
    // DueMs itself so that rounding can never disagree with the times Take() hands out.
    const double elapsed = static_cast<double>(now_ms - start_ms_);
    auto due = static_cast<uint64_t>(std::ceil((elapsed + 1) * posts_per_second_ / 1000.0));
    while (due > 0 && DueMs(due - 1) > now_ms) --due;
    while (DueMs(due) <= now_ms) ++due;
    return due - taken_;
  }

  // When the next post is due; its created_ms. Never decreases.
  int64_t NextDueMs() const { return DueMs(taken_); }

  // Takes the next post; returns its created_ms.
  int64_t Take() { return DueMs(taken_++); }

  uint64_t taken() const { return taken_; }

 private:
  // Dividing last keeps whole milliseconds exact (k * 1000 is exact in a double).
  int64_t DueMs(uint64_t k) const {
    return start_ms_ +
           static_cast<int64_t>(std::floor(static_cast<double>(k) * 1000.0 / posts_per_second_));
  }

  const double posts_per_second_;
  const int64_t start_ms_;
  uint64_t taken_ = 0;
};

}  // namespace sluice
