// ConsumerEvents: what the consumer did and saw, as structured records — connections made and
// lost, back-off delays chosen, backfills and recovery jobs, unrecoverable gaps, count alerts.
// Every event is also logged; the bounded in-memory list is for `--status`, `/status` and tests.
//
// Thread safety: all members may be called from any thread.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "consumer/time_interval.h"

namespace sluice::consumer {

enum class EventType {
  kConnected,      // a realtime connection got 200; value: backfill minutes asked (0: none)
  kDropped,        // a streaming connection ended; text: why
  kStalled,        // nothing arrived for the stall timeout
  kConnectFailed,  // an attempt failed; value: HTTP status (0: network error); text: why
  kBackoff,        // the next attempt waits; value: delay ms; text: network|http|rate_limited|drop
  kSystemMessage,  // the server's info/warn/error message; text: the message
  kBackfillConfirmed,  // a backfill reached live posts; range: the time it filled
  kRecoveryStarted,    // range: the job's time; value: attempt number (1 = first)
  kRecoveryCompleted,  // range; value: posts received by the job
  kRecoveryCutShort,   // range: what is left to fetch
  kUnrecoverableGap,   // range: exact bounds of time older than the server's recovery window
  kCountDiscrepancy,   // range: the minute; text: what differs
  kVolumeAnomaly,      // range: the minute; value: stored posts; text: baseline
  kStoreError,         // text: the store's error (the batch is retried)
  kStoreLagging,       // range: received and not yet committed; value: the lag in ms
};

std::string_view EventTypeName(EventType type);

struct ConsumerEvent {
  EventType type;
  int64_t at_ms = 0;    // the consumer's clock
  int connection = -1;  // realtime connection index, or -1
  int64_t value = 0;
  TimeInterval range = {};
  std::string text = {};
};

class EventLog {
 public:
  explicit EventLog(size_t capacity = 10000) : capacity_(capacity) {}
  // Records and logs (spdlog) the event.
  void Add(ConsumerEvent event);
  std::vector<ConsumerEvent> Snapshot() const;
  std::vector<ConsumerEvent> OfType(EventType type) const;
  // One line per event for logs and failure messages.
  static std::string Describe(const ConsumerEvent& event);

 private:
  const size_t capacity_;
  mutable std::mutex mu_;
  std::deque<ConsumerEvent> events_;
};

}  // namespace sluice::consumer
