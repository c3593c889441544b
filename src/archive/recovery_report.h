// RecoveryReport: what Writer::Open found and did to make the archive appendable again, so
// that nothing is lost silently. One event per action, plus a one-line summary for the log.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sluice::archive {

struct RecoveryEvent {
  enum class Kind {
    kTruncatedTornHeader,     // the file ended inside a record header
    kTruncatedTornPayload,    // a record's length pointed past the end of the file
    kTruncatedZeroTail,       // only zero bytes followed the last record
    kQuarantinedCorruptTail,  // a damaged record: it and all after it moved to a quarantine file
    kQuarantinedSegment,      // the segment header was damaged: the whole file quarantined
    kRebuiltMeta,             // seal metadata was missing or wrong and was rebuilt by a scan
    kRemovedTempFile,         // a file left half-written by a crash was deleted
    kRebuiltIndex,            // a sealed segment's .idx was missing or wrong: rebuilt by a scan
    // A .meta or .idx without its segment (retention or a quarantine was interrupted) deleted.
    kRemovedOrphanFile,
    // RETENTION was damaged: rewritten with a conservative deleted-through time.
    kRebuiltRetentionState,
  };

  Kind kind = Kind::kRemovedTempFile;
  std::string segment = {};  // file name within the archive directory
  uint64_t offset = 0;       // where the segment was cut: the first byte removed
  uint64_t bytes = 0;        // bytes removed from the segment
  // Records found intact (checksum, plausible sequence and time) in the removed bytes, after
  // the damaged one: records lost beyond the damaged one itself. 0 for a torn or zero tail.
  uint64_t records_after = 0;
  std::string quarantine_file = {};  // for the kQuarantined kinds: where the removed bytes are
  std::string detail = {};           // why, in words

  // "quarantined 5120 bytes of 00000000000000000001.seg from offset 4096 (record checksum
  // mismatch; 2 intact records after it) to 00000000000000000001.seg.corrupt-4096"
  std::string ToString() const;
};

std::string_view RecoveryEventKindName(RecoveryEvent::Kind kind);

struct RecoveryReport {
  std::vector<RecoveryEvent> events;
  uint64_t segments = 0;          // segment files kept
  uint64_t segments_scanned = 0;  // of which were read record by record
  uint64_t next_seq = 0;          // where appending continues
  int64_t last_archive_time_ms = 0;

  // True if bytes that may have held acknowledged records were moved aside (quarantine).
  bool LostData() const;
  // "archive recovery: 3 segments (1 scanned), next seq 1234; truncated 1 torn tail (37
  // bytes); quarantined 1 corrupt region (5120 bytes, 2 intact records after the damage)"
  std::string Summary() const;
};

}  // namespace sluice::archive
