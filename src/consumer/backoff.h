// Backoff: how long the consumer waits before its next connection attempt (SPEC §7).
//
//   after a drop of a connection that was streaming   0 (reconnect at once), once per success
//   network failure (connect, TLS, reset, stall)      linear: 250 ms, 500 ms, … capped at 16 s
//   HTTP error (4xx/5xx other than 429)               exponential: 5 s, 10 s, … capped at 320 s
//   HTTP 429                                          exponential: 60 s, 120 s, … capped at 960 s
//
// The 429 cap is ours: the documentation gives no maximum; 960 s (16 min, five doublings) keeps
// a consumer that is over its connection limit from hammering the server, and is still well
// inside a 24 h recovery window. Consecutive failures of one kind climb that kind's schedule; a
// failure of another kind starts its own schedule from its first step.
//
// Thread safety: none; one Backoff per connection slot, used by the engine thread.
#pragma once

#include <cstdint>

namespace sluice::consumer {

enum class FailureKind { kNetwork, kHttp, kRateLimited };

struct BackoffSchedule {
  int64_t network_step_ms = 250, network_max_ms = 16000;              // linear
  int64_t http_initial_ms = 5000, http_max_ms = 320000;               // exponential x2
  int64_t rate_limit_initial_ms = 60000, rate_limit_max_ms = 960000;  // exponential x2
};

const char* FailureKindName(FailureKind kind);

class Backoff {
 public:
  explicit Backoff(BackoffSchedule schedule = {});

  // A connection that was streaming dropped. Returns 0 (reconnect at once) the first time after
  // AfterSuccess(); a later drop without a success in between counts as a kNetwork failure.
  int64_t AfterDrop();

  // An attempt failed: returns the delay before the next one.
  int64_t AfterFailure(FailureKind kind);

  // HTTP 200 and streaming: the schedule starts over.
  void AfterSuccess();

  // Failures of the current kind since the last success or change of kind.
  int consecutive_failures() const { return consecutive_; }

 private:
  const BackoffSchedule schedule_;
  bool dropped_since_success_ = false;
  FailureKind kind_ = FailureKind::kNetwork;
  int consecutive_ = 0;
};

}  // namespace sluice::consumer
