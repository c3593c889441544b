// ListSegments: the segments of an archive with their sequence and time ranges, the starting
// point for finding "the first record with archive time >= T" (binary search on last time,
// valid because archive time never decreases along the log).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "archive/file_system.h"
#include "base/status.h"

namespace sluice::archive {

struct SegmentInfo {
  std::string file_name;  // within the archive directory
  uint64_t first_seq = 0;
  uint64_t last_seq = 0;  // first_seq - 1 when the segment holds no record
  uint64_t record_count = 0;
  int64_t first_time_ms = 0;  // 0 when empty
  int64_t last_time_ms = 0;   // 0 when empty
  uint64_t size_bytes = 0;    // of the file, as listed
  bool sealed = false;        // has its meta: complete, never written again
};

// Lists the segments of `dir`, oldest first. Sealed segments are described by their meta
// without reading them; the others (the one being written, or one whose meta is missing or
// does not match its size) are scanned up to their first incomplete or damaged record. Safe
// to call while a Writer appends: a segment being written is described as far as it is
// complete. `fs` null means real POSIX files.
// Errors: NotFound if `dir` does not exist; Corruption if a segment header is damaged (a
// Writer's Open would quarantine it); IoError.
Result<std::vector<SegmentInfo>> ListSegments(const std::filesystem::path& dir,
                                              FileSystem* fs = nullptr);

}  // namespace sluice::archive
