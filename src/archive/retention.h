// Retention: deletes whole sealed segments older than a cutoff, and remembers up to which
// archive time it deleted (the RETENTION file), so that a reader asking for older records can
// be told they are gone rather than that they never existed.
//
// Safe to run on its own thread while the Writer appends and Readers read: it deletes only
// sealed segments that are not the newest (the Writer never touches those again), removes each
// from the ArchiveIndex before unlinking its files (so no new lookup is sent there), and a
// Reader that already has a deleted segment open keeps reading it (POSIX keeps an unlinked
// file readable through open descriptors; Reader also copes with its meta disappearing).
#pragma once

#include <cstdint>
#include <filesystem>

#include "archive/archive_index.h"
#include "archive/file_system.h"
#include "base/status.h"

namespace sluice::archive {

struct RetentionResult {
  uint64_t segments_deleted = 0;
  uint64_t bytes_deleted = 0;    // of their .seg, .meta and .idx files
  uint64_t bytes_remaining = 0;  // ArchiveDiskBytes after the deletion
};

// Deletes, oldest first, every sealed segment of `dir` whose last archive time is before
// `cutoff_ms`, except the newest segment, with its .meta and .idx, and removes it from `index`.
// It stops at the first segment it must keep: time never decreases along the log, so no later
// one is older. Before deleting anything it durably records the new deleted-through time (the
// largest last time of the segments it deletes) in RETENTION and raises
// index.Bounds().deleted_through_ms to it. `fs` null means real POSIX files.
// REQUIRES: `index` is the one of the Writer that has `dir` open; one call at a time.
// Errors: IoError (segments before the failing one are deleted; RETENTION already says the
// new time, which stays true as a "may have been deleted" bound).
Result<RetentionResult> DeleteSegmentsOlderThan(const std::filesystem::path& dir,
                                                ArchiveIndex& index, int64_t cutoff_ms,
                                                FileSystem* fs = nullptr);

// Total size of the segment, .meta and .idx files of `dir` (not quarantine files, LOCK or
// RETENTION). A file deleted while it is summed counts as gone. `fs` null: real POSIX files.
// Errors: NotFound if `dir` does not exist; IoError.
Result<uint64_t> ArchiveDiskBytes(const std::filesystem::path& dir, FileSystem* fs = nullptr);

// The deleted-through time stored in `dir`'s RETENTION file; 0 if there is none (retention
// never deleted anything). Corruption if the file is damaged; IoError.
Result<int64_t> ReadDeletedThrough(FileSystem* fs, const std::filesystem::path& dir);

// Replaces RETENTION durably (temp file, fdatasync, rename, fsync of `dir`). Errors: IoError.
Status WriteDeletedThrough(FileSystem* fs, const std::filesystem::path& dir,
                           int64_t deleted_through_ms);

}  // namespace sluice::archive
