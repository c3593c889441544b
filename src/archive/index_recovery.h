// LoadArchiveIndex: the second half of Writer::Open's recovery. Once RecoverArchive has made the
// segments consistent, it fills the ArchiveIndex and repairs the index's own files, which are
// derived data: nothing in them is lost by rebuilding them from the segments.
#pragma once

#include <filesystem>

#include "archive/archive_index.h"
#include "archive/archive_recovery.h"
#include "archive/file_system.h"
#include "archive/recovery_report.h"
#include "base/status.h"

namespace sluice::archive {

// Adds every segment `recovered` kept to `index`, oldest first:
// - a segment recovery scanned: the entries of that scan; if it is sealed its .idx is
//   (re)written, and no event is added (its meta event already says it was scanned);
// - a sealed segment recovery trusted: the entries of its .idx; if that is missing, damaged or
//   does not match the meta, they are rebuilt by reading the segment and the .idx rewritten
//   (kRebuiltIndex). A segment damaged inside gets the entries before the damage plus its last
//   record, and its .idx is left to be rebuilt again next time;
// - the segment still open for appends has no .idx: a stale one is deleted.
// Also deletes .meta and .idx files whose segment is gone (kRemovedOrphanFile: a crash during
// retention or a quarantine), and sets the deleted-through time from RETENTION (a damaged file
// is rewritten with the time before the oldest record left: kRebuiltRetentionState).
// Errors: IoError. REQUIRES: the caller holds the directory's lock; `report` is not null.
Status LoadArchiveIndex(FileSystem* fs, const std::filesystem::path& dir,
                        const RecoveredArchive& recovered, ArchiveIndex* index,
                        RecoveryReport* report);

}  // namespace sluice::archive
