#include "consumer/consumer_events.h"

#include <spdlog/spdlog.h>

#include "base/time_format.h"

namespace sluice::consumer {

std::string_view EventTypeName(EventType type) {
  switch (type) {
    case EventType::kConnected:
      return "connected";
    case EventType::kDropped:
      return "dropped";
    case EventType::kStalled:
      return "stalled";
    case EventType::kConnectFailed:
      return "connect_failed";
    case EventType::kBackoff:
      return "backoff";
    case EventType::kSystemMessage:
      return "system_message";
    case EventType::kBackfillConfirmed:
      return "backfill_confirmed";
    case EventType::kRecoveryStarted:
      return "recovery_started";
    case EventType::kRecoveryCompleted:
      return "recovery_completed";
    case EventType::kRecoveryCutShort:
      return "recovery_cut_short";
    case EventType::kUnrecoverableGap:
      return "unrecoverable_gap";
    case EventType::kCountDiscrepancy:
      return "count_discrepancy";
    case EventType::kVolumeAnomaly:
      return "volume_anomaly";
    case EventType::kStoreError:
      return "store_error";
    case EventType::kStoreLagging:
      return "store_lagging";
  }
  return "unknown";
}

std::string EventLog::Describe(const ConsumerEvent& e) {
  std::string line(EventTypeName(e.type));
  if (e.connection >= 0) line += " connection=" + std::to_string(e.connection);
  if (e.value != 0) line += " value=" + std::to_string(e.value);
  if (!e.range.empty()) {
    line += " range=[" + FormatIsoMs(e.range.begin_ms) + ", " + FormatIsoMs(e.range.end_ms) + ")";
  }
  if (!e.text.empty()) line += " " + e.text;
  return line;
}

void EventLog::Add(ConsumerEvent event) {
  switch (event.type) {
    case EventType::kUnrecoverableGap:
    case EventType::kCountDiscrepancy:
    case EventType::kVolumeAnomaly:
    case EventType::kStoreError:
    case EventType::kStoreLagging:
      spdlog::error("{}", Describe(event));
      break;
    case EventType::kDropped:
    case EventType::kStalled:
    case EventType::kConnectFailed:
    case EventType::kRecoveryCutShort:
      spdlog::warn("{}", Describe(event));
      break;
    default:
      spdlog::info("{}", Describe(event));
  }
  std::lock_guard lock(mu_);
  events_.push_back(std::move(event));
  if (events_.size() > capacity_) events_.pop_front();
}

std::vector<ConsumerEvent> EventLog::Snapshot() const {
  std::lock_guard lock(mu_);
  return {events_.begin(), events_.end()};
}

std::vector<ConsumerEvent> EventLog::OfType(EventType type) const {
  std::lock_guard lock(mu_);
  std::vector<ConsumerEvent> out;
  for (const ConsumerEvent& e : events_) {
    if (e.type == type) out.push_back(e);
  }
  return out;
}

}  // namespace sluice::consumer
