#include "archive/recovery_report.h"

#include <string_view>

namespace sluice::archive {

std::string_view RecoveryEventKindName(RecoveryEvent::Kind kind) {
  switch (kind) {
    case RecoveryEvent::Kind::kTruncatedTornHeader:
      return "truncated torn header";
    case RecoveryEvent::Kind::kTruncatedTornPayload:
      return "truncated torn payload";
    case RecoveryEvent::Kind::kTruncatedZeroTail:
      return "truncated zero-filled tail";
    case RecoveryEvent::Kind::kQuarantinedCorruptTail:
      return "quarantined corrupt tail";
    case RecoveryEvent::Kind::kQuarantinedSegment:
      return "quarantined segment";
    case RecoveryEvent::Kind::kRebuiltMeta:
      return "rebuilt segment meta";
    case RecoveryEvent::Kind::kRemovedTempFile:
      return "removed temp file";
    case RecoveryEvent::Kind::kRebuiltIndex:
      return "rebuilt segment index";
    case RecoveryEvent::Kind::kRemovedOrphanFile:
      return "removed orphan file";
    case RecoveryEvent::Kind::kRebuiltRetentionState:
      return "rebuilt retention state";
  }
  return "unknown";
}

std::string RecoveryEvent::ToString() const {
  std::string text(RecoveryEventKindName(kind));
  text += " " + segment;
  switch (kind) {
    case Kind::kTruncatedTornHeader:
    case Kind::kTruncatedTornPayload:
    case Kind::kTruncatedZeroTail:
      text += " at offset " + std::to_string(offset) + ": " + std::to_string(bytes) + " bytes";
      break;
    case Kind::kQuarantinedCorruptTail:
    case Kind::kQuarantinedSegment:
      text += " from offset " + std::to_string(offset) + ": " + std::to_string(bytes) + " bytes, " +
              std::to_string(records_after) + " intact records after the damage, moved to " +
              quarantine_file;
      break;
    case Kind::kRebuiltMeta:
    case Kind::kRemovedTempFile:
    case Kind::kRebuiltIndex:
    case Kind::kRemovedOrphanFile:
    case Kind::kRebuiltRetentionState:
      break;
  }
  if (!detail.empty()) text += " (" + detail + ")";
  return text;
}

bool RecoveryReport::LostData() const {
  for (const RecoveryEvent& event : events) {
    if (event.kind == RecoveryEvent::Kind::kQuarantinedCorruptTail ||
        event.kind == RecoveryEvent::Kind::kQuarantinedSegment) {
      return true;
    }
  }
  return false;
}

std::string RecoveryReport::Summary() const {
  uint64_t truncated = 0, truncated_bytes = 0;
  uint64_t quarantined = 0, quarantined_bytes = 0, records_after = 0;
  uint64_t rebuilt = 0, rebuilt_indexes = 0;
  for (const RecoveryEvent& event : events) {
    switch (event.kind) {
      case RecoveryEvent::Kind::kTruncatedTornHeader:
      case RecoveryEvent::Kind::kTruncatedTornPayload:
      case RecoveryEvent::Kind::kTruncatedZeroTail:
        ++truncated;
        truncated_bytes += event.bytes;
        break;
      case RecoveryEvent::Kind::kQuarantinedCorruptTail:
      case RecoveryEvent::Kind::kQuarantinedSegment:
        ++quarantined;
        quarantined_bytes += event.bytes;
        records_after += event.records_after;
        break;
      case RecoveryEvent::Kind::kRebuiltMeta:
        ++rebuilt;
        break;
      case RecoveryEvent::Kind::kRebuiltIndex:
        ++rebuilt_indexes;
        break;
      case RecoveryEvent::Kind::kRemovedTempFile:
      case RecoveryEvent::Kind::kRemovedOrphanFile:
      case RecoveryEvent::Kind::kRebuiltRetentionState:
        break;
    }
  }
  std::string text = "archive recovery: " + std::to_string(segments) + " segments (" +
                     std::to_string(segments_scanned) + " scanned), next seq " +
                     std::to_string(next_seq);
  if (truncated == 0 && quarantined == 0 && rebuilt == 0 && rebuilt_indexes == 0) {
    return text + "; clean";
  }
  if (truncated > 0) {
    text += "; truncated " + std::to_string(truncated) + " torn tail(s) (" +
            std::to_string(truncated_bytes) + " bytes)";
  }
  if (quarantined > 0) {
    text += "; QUARANTINED " + std::to_string(quarantined) + " corrupt region(s) (" +
            std::to_string(quarantined_bytes) + " bytes, " + std::to_string(records_after) +
            " intact records after the damage)";
  }
  if (rebuilt > 0) text += "; rebuilt " + std::to_string(rebuilt) + " segment meta(s)";
  if (rebuilt_indexes > 0) {
    text += "; rebuilt " + std::to_string(rebuilt_indexes) + " segment index(es)";
  }
  return text;
}

}  // namespace sluice::archive
