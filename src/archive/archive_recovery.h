// RecoverArchive: brings an archive directory to a state a Writer can append to, trusting
// sealed segments whose metadata checks out and scanning (and repairing) the rest.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

#include "archive/archive_format.h"
#include "archive/file_system.h"
#include "archive/recovery_report.h"
#include "archive/segment_meta.h"
#include "archive/sparse_index.h"
#include "base/status.h"

namespace sluice::archive {

// A segment kept by recovery.
struct RecoveredSegment {
  SegmentMeta meta;
  bool sealed = false;  // has its meta (the last segment may still be appended to)
  // The segment's sparse index entries when recovery read it record by record (or it is
  // empty); nullopt when it was trusted from its meta without reading it.
  std::optional<std::vector<IndexEntry>> entries;
};

struct RecoveredArchive {
  uint64_t next_seq = kFirstSequence;
  int64_t last_archive_time_ms = 0;  // of the last record; 0 for an empty archive
  // The last segment, to be appended to; nullopt when the next append starts a new segment
  // (an empty archive, or a last segment that was sealed).
  std::optional<SegmentMeta> active;
  std::vector<RecoveredSegment> segments;  // every segment kept, oldest first
};

// For each segment file, oldest first: a sealed segment (valid meta that matches the file's
// ends) is trusted; any other segment is repaired by RecoverSegment, and sealed with a new
// meta unless it is the last one, which stays open for appends. Leftover temp files are
// deleted. Every action is appended to *report.
// Errors: IoError; Corruption if the segments that remain overlap in sequence or go back in
// archive time (that is not a crash's doing: an operator must look).
// REQUIRES: the caller holds the directory's lock; `report` is not null.
Result<RecoveredArchive> RecoverArchive(FileSystem* fs, const std::filesystem::path& dir,
                                        RecoveryReport* report);

}  // namespace sluice::archive
