// Writer: appends posts to the archive, a directory of segment files (docs/archive-format.md).
//
// Invariant: archive time never decreases along the log. Each group gets one archive time
// t = max(last archive time, clock now), so a clock stepping back holds time still instead of
// reordering the log; readers may binary-search on time because of it.
//
// Durability: a record is durable once its sequence is below durable_seq(). In kAlways mode
// Append returns only after fdatasync; in kInterval mode data is fdatasynced at most
// sync_interval_ms after it was appended, provided the owner calls Append or SyncIfDue at
// least that often. An acknowledgement to a client must wait for durable_seq() to pass its
// records (SPEC §6).
//
// Failure: a failed write or fsync poisons the writer. The file's state is then unknown (a
// failed fsync may have dropped dirty pages: retrying would report success for lost data), so
// every later Append/Sync fails with FailedPrecondition until the archive is reopened, which
// recovers the tail from what is really on disk.
//
// Index: the Writer owns the archive's ArchiveIndex (archive_index.h), loads it on Open (from
// the sealed segments' .idx files, rebuilding any that is missing or wrong) and updates it on
// every Append, roll and seal; index() shares it with readers and retention.
//
// Thread safety: none; one owner thread. Readers (reader.h) may run concurrently in other
// threads or processes, and so may retention (retention.h) with index(). Only one Writer may
// have a directory open (a LOCK file).
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "archive/archive_index.h"
#include "archive/file_system.h"
#include "archive/record.h"
#include "archive/recovery_report.h"
#include "archive/segment_meta.h"
#include "archive/sparse_index.h"
#include "base/clock.h"
#include "base/metrics.h"
#include "base/status.h"

namespace sluice::archive {

enum class SyncMode {
  kAlways,    // fdatasync before every Append returns
  kInterval,  // fdatasync when sync_interval_ms has passed since the last one
};

struct WriterOptions {
  std::filesystem::path dir;  // created if missing
  SyncMode sync_mode = SyncMode::kInterval;
  int64_t sync_interval_ms = 100;
  // A segment is sealed and a new one started before a group that would take it past this
  // size, or once its first record is segment_max_ms older than the group. A group larger than
  // the limit still goes into one segment.
  uint64_t segment_max_bytes = uint64_t{256} << 20;
  int64_t segment_max_ms = 3'600'000;
  // Measures sync_interval_ms; null: the archive clock. A server whose archive clock is moved
  // by hand (tests) still needs its fsyncs paced by real time.
  const Clock* sync_clock = nullptr;
  // Synced bytes of a segment left in the kernel's page cache behind the end of what was
  // synced; older ones are dropped from it (WritableFile::DropCache) as it syncs, in steps of a
  // quarter of this. Freed pages are reused at once by the next writes, which costs far less
  // than pages the kernel has to find (on this project's VMs, 4.6 × less CPU a byte: see
  // docs/archive-format.md, "Page cache"). Replays of older data read from the disk. 0: never
  // drop.
  uint64_t page_cache_bytes = uint64_t{64} << 20;
};

// Optional instruments; each may be null. Not owned; must outlive the Writer.
struct WriterMetrics {
  Counter* bytes_archived = nullptr;  // bytes written to segments, framing included
  Counter* records = nullptr;
  Counter* fsyncs = nullptr;           // fdatasyncs of appended data (not of headers and metas)
  Histogram* fsync_seconds = nullptr;  // how long each of those took
};

struct AppendResult {
  uint64_t first_seq = 0;  // the group holds first_seq .. first_seq + count - 1
  uint32_t count = 0;
  int64_t archive_time_ms = 0;  // shared by the whole group
};

class Writer {
 public:
  // Opens (creating if missing) the archive in options.dir, recovers its tail (see
  // RecoverArchive), loads its index (see LoadArchiveIndex) and continues after the last
  // intact record. `fs` null means real POSIX files. If `report` is not null it receives what
  // recovery did.
  // REQUIRES: `clock` outlives the Writer; `fs` (if not null) outlives the Writer and every
  // holder of index().
  // Errors: InvalidArgument for bad options; Unavailable if another Writer holds the
  // directory; IoError; Corruption if recovery finds damage it must not repair on its own.
  static Result<std::unique_ptr<Writer>> Open(const WriterOptions& options, const Clock& clock,
                                              FileSystem* fs, RecoveryReport* report,
                                              WriterMetrics metrics = {});

  Writer(const Writer&) = delete;  // owns the active segment and the directory lock
  Writer& operator=(const Writer&) = delete;
  Writer(Writer&&) = delete;  // Open hands out a unique_ptr: pass that on instead
  Writer& operator=(Writer&&) = delete;
  // Makes appended data durable (best effort, errors ignored: call Sync() to see them).
  ~Writer();

  // Appends the group with one write: consecutive sequences, one archive time; rolls to a new
  // segment first if needed. Empty `records`: nothing happens, count 0. The bytes are copied.
  // Errors: InvalidArgument if a record exceeds kMaxRecordPayloadBytes (nothing written, not
  // poisoned); IoError if a write or fsync fails (poisons; the group may be partly or wholly
  // in the file, but is not durable); FailedPrecondition if poisoned.
  Result<AppendResult> Append(std::span<const Record> records);

  // kInterval: fdatasync if there is unsynced data and sync_interval_ms has passed since the
  // last sync (or the clock went back past it). kAlways: nothing to do. Errors as Sync().
  Status SyncIfDue();
  // fdatasync now if there is unsynced data. IoError (poisons); FailedPrecondition if poisoned.
  Status Sync();

  // Every later Append gets an archive time >= ms: last_archive_time_ms() becomes
  // max(last_archive_time_ms(), ms). No I/O; it holds even when the clock is behind `ms`. Once
  // it returns, no record with an archive time < ms will ever be appended, which lets a caller
  // declare everything before ms complete (SeqAtTime(ms) is final). Like a clock that ran
  // ahead, a floor far in the future holds archive time still until the clock catches up.
  void RaiseTimeFloor(int64_t ms) { last_archive_time_ms_ = std::max(last_archive_time_ms_, ms); }

  // The archive's time index, kept current by this Writer (updated before Append returns).
  // It stays valid, frozen, after the Writer is destroyed.
  std::shared_ptr<ArchiveIndex> index() const { return index_; }

  uint64_t next_seq() const { return next_seq_; }
  // Every sequence below it is durable.
  uint64_t durable_seq() const { return durable_seq_; }
  int64_t last_archive_time_ms() const { return last_archive_time_ms_; }
  bool poisoned() const { return !poison_.ok(); }

 private:
  Writer(const WriterOptions& options, const Clock& clock, FileSystem* fs,
         std::unique_ptr<FileSystem> owned_fs, std::unique_ptr<FileLock> lock,
         WriterMetrics metrics, std::shared_ptr<ArchiveIndex> index);

  // Opens the last segment for appends, or notes that the next append starts a new one.
  Status Resume(const std::optional<SegmentMeta>& active);
  bool ShouldRoll(uint64_t group_bytes, int64_t archive_time_ms) const;
  const Clock& SyncClock() const { return options_.sync_clock ? *options_.sync_clock : clock_; }
  // Syncs and seals the active segment (its meta written durably, then its index) and closes
  // it.
  Status Seal();
  // Creates segment next_seq_ durably and makes it the active one.
  Status StartSegment();
  Status SyncActive();
  // After a sync: drops from the page cache what the active segment holds beyond the last
  // options_.page_cache_bytes synced.
  void DropSyncedCache();
  // Records `status` as the reason the writer is poisoned and returns it.
  Status Poison(Status status);
  Status PoisonedError() const;

  const WriterOptions options_;
  const Clock& clock_;
  std::unique_ptr<FileSystem> owned_fs_;  // when the caller passed none
  FileSystem* const fs_;
  std::unique_ptr<FileLock> lock_;
  const WriterMetrics metrics_;
  const std::shared_ptr<ArchiveIndex> index_;

  std::unique_ptr<WritableFile> active_;  // null: no segment open yet
  SegmentMeta active_meta_;               // what the active segment holds
  uint64_t next_seq_ = 0;
  uint64_t durable_seq_ = 0;
  int64_t last_archive_time_ms_ = 0;
  int64_t last_sync_ms_ = 0;
  std::vector<char> buffer_;             // reused for every group; only grows
  IndexStride index_stride_;             // of the active segment
  std::vector<IndexEntry> new_entries_;  // reused: the index entries of one group
  Status poison_;
  uint64_t cache_dropped_to_ = 0;  // of the active segment's file
};

}  // namespace sluice::archive
