// RecoverSegment: makes one segment file end after its last intact record, moving aside
// rather than deleting anything that might be data. The failure modes and what is done about
// each are specified in docs/archive-format.md ("Recovery").
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

#include "archive/file_system.h"
#include "archive/recovery_report.h"
#include "archive/segment_meta.h"
#include "archive/sparse_index.h"
#include "base/status.h"

namespace sluice::archive {

// Scans segment `first_seq` of `dir` record by record and repairs its end:
// - clean end: nothing to do;
// - a torn record header or payload at the end, or only zero bytes after the last record:
//   truncated (these bytes never formed a record, so no data is lost);
// - anything else (a bad checksum, length, sequence or time with data after it, or a record
//   "cut short" while intact records follow it): the bytes from the bad record to the end are
//   copied to `<segment>.corrupt-<offset>` and fsynced before the segment is truncated;
// - a damaged segment header: the whole file is renamed to `<segment>.corrupt-0`.
// Each action appends one event to report->events. Returns what the segment holds afterwards,
// or nullopt if the whole file was quarantined. If `entries` is not null it receives the sparse
// index entries (sparse_index.h) of the records the segment holds afterwards, from the same
// scan.
// Errors: IoError if a file operation fails (the segment may then be untouched or truncated,
// never both truncated and not quarantined); FailedPrecondition for another format version.
// REQUIRES: no one writes to the segment meanwhile.
Result<std::optional<SegmentMeta>> RecoverSegment(FileSystem* fs, const std::filesystem::path& dir,
                                                  uint64_t first_seq, RecoveryReport* report,
                                                  std::vector<IndexEntry>* entries = nullptr);

// Read-only version of the scan: what the segment holds up to the first incomplete or damaged
// record, without repairing anything. Corruption if its header is damaged.
Result<SegmentMeta> ScanSegment(FileSystem* fs, const std::filesystem::path& dir,
                                uint64_t first_seq);

}  // namespace sluice::archive
