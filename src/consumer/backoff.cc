#include "consumer/backoff.h"

#include <algorithm>

namespace sluice::consumer {

namespace {

// initial · 2^(n−1), capped. The doubling stops at the cap, so a long outage cannot overflow.
int64_t Exponential(int64_t initial_ms, int64_t max_ms, int n) {
  int64_t delay = initial_ms;
  for (int i = 1; i < n && delay < max_ms; ++i) delay *= 2;
  return std::min(delay, max_ms);
}

}  // namespace

const char* FailureKindName(FailureKind kind) {
  switch (kind) {
    case FailureKind::kNetwork:
      return "network";
    case FailureKind::kHttp:
      return "http";
    case FailureKind::kRateLimited:
      return "rate_limited";
  }
  return "?";
}

Backoff::Backoff(BackoffSchedule schedule) : schedule_(schedule) {}

int64_t Backoff::AfterDrop() {
  if (!dropped_since_success_) {
    dropped_since_success_ = true;
    return 0;
  }
  return AfterFailure(FailureKind::kNetwork);
}

int64_t Backoff::AfterFailure(FailureKind kind) {
  // Also counts as "dropped": a failed attempt was the reconnect, so a later drop is not the
  // first one after a success.
  dropped_since_success_ = true;
  if (consecutive_ == 0 || kind != kind_) {
    kind_ = kind;
    consecutive_ = 0;
  }
  ++consecutive_;
  switch (kind) {
    case FailureKind::kNetwork:
      return std::min(schedule_.network_step_ms * std::min<int64_t>(consecutive_, 1 << 20),
                      schedule_.network_max_ms);
    case FailureKind::kHttp:
      return Exponential(schedule_.http_initial_ms, schedule_.http_max_ms, consecutive_);
    case FailureKind::kRateLimited:
      return Exponential(schedule_.rate_limit_initial_ms, schedule_.rate_limit_max_ms,
                         consecutive_);
  }
  return schedule_.network_max_ms;
}

void Backoff::AfterSuccess() {
  dropped_since_success_ = false;
  consecutive_ = 0;
}

}  // namespace sluice::consumer
