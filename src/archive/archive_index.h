// ArchiveIndex: finds records by archive time and by sequence in O(log n), without scanning.
//
// For every segment it keeps {first_seq, end_seq, first/last archive time, data size, sealed}
// and a sparse in-segment index (sparse_index.h): an entry {seq, archive time, offset} at the
// segment's first record and then at least every kIndexStrideBytes of record bytes. A lookup
// binary-searches the segments, then their entries, and for a time reads at most one stride
// of the segment file to the exact record.
//
// Invariant relied on: archive time never decreases along the sequence (the Writer enforces
// it, recovery refuses an archive that breaks it). That is what makes "first record with time
// >= T" a binary search: over segments on their last time, then over entries on their time.
//
// Ownership: the Writer creates and maintains it (Writer::index()); it loads it on Open from
// the segments' .idx files (rebuilding those that are missing or wrong) and updates it on
// every Append, roll and seal. Retention (retention.h) removes deleted segments from it.
//
// Thread safety: every method may be called from any thread; an internal mutex guards the
// state. The update methods are for the Writer's thread and the retention thread only.
#pragma once

#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "archive/archive_format.h"
#include "archive/file_system.h"
#include "archive/sparse_index.h"
#include "base/status.h"

namespace sluice::archive {

// A record boundary at or before the wanted record: record `seq` starts at `offset` of segment
// `segment_first_seq`. segment_first_seq 0: the archive has no segment yet.
struct SeekPoint {
  uint64_t segment_first_seq = 0;
  uint64_t offset = 0;
  uint64_t seq = 0;

  friend bool operator==(const SeekPoint&, const SeekPoint&) = default;
};

struct ArchiveBounds {
  uint64_t first_seq = kFirstSequence;  // oldest record still archived; next_seq when empty
  int64_t first_time_ms = 0;            // its archive time; 0 when empty
  uint64_t next_seq = kFirstSequence;   // the sequence the next record will get
  int64_t last_time_ms = 0;             // archive time of the newest record; 0 when empty
  // Retention deleted every segment whose records are all at or before this time; 0: it never
  // deleted anything.
  int64_t deleted_through_ms = 0;
  bool empty = true;  // no record is archived (none yet, or none left)
};

// What the index knows of one segment.
struct IndexedSegment {
  uint64_t first_seq = 0;
  uint64_t end_seq = 0;                     // one past its last record; first_seq when empty
  int64_t first_time_ms = 0;                // of its first record; 0 when empty
  int64_t last_time_ms = 0;                 // of its last record; 0 when empty
  uint64_t data_size = kSegmentHeaderSize;  // bytes of the file that hold whole records
  bool sealed = false;

  bool empty() const { return end_seq == first_seq; }
};

class ArchiveIndex {
 public:
  // An index of no segment for the archive in `dir`, whose next record gets `next_seq`. `fs`
  // null means real POSIX files; otherwise it must outlive the index (and so every copy of a
  // shared_ptr to it).
  ArchiveIndex(std::filesystem::path dir, FileSystem* fs, uint64_t next_seq = kFirstSequence);
  ArchiveIndex(const ArchiveIndex&) = delete;  // shared by pointer between writer and readers
  ArchiveIndex& operator=(const ArchiveIndex&) = delete;

  // --- Lookups.

  // The first sequence whose archive time is >= t_ms; next_seq (the end) if no record is that
  // recent yet. Records removed by retention are not found: for a t_ms before what is left it
  // returns the oldest record left. May read up to one stride of one segment file.
  // Errors: IoError; Corruption if the segment does not hold what the index says.
  Result<uint64_t> SeqAtTime(int64_t t_ms) const;

  // The record boundary at or before record `seq`, for Reader::Open: the entry at or before it
  // in its segment; the first record of the archive (or of the next segment) if `seq` was
  // deleted or lies in a gap left by recovery; the end of the log if seq >= next_seq.
  SeekPoint Seek(uint64_t seq) const;

  ArchiveBounds Bounds() const;

  // Copies of what is known of each segment, oldest first.
  std::vector<IndexedSegment> Segments() const;
  // The sparse entries of segment `first_seq`; empty if it is unknown or empty.
  std::vector<IndexEntry> SegmentEntries(uint64_t first_seq) const;

  // --- Updates (the Writer's thread, and retention for RemoveSegment/SetDeletedThrough).

  // Adds a segment after every known one, with its entries (REQUIRES: as IndexStride picks
  // them, and segment.first_seq >= the end of the previous segment).
  void AddSegment(const IndexedSegment& segment, std::vector<IndexEntry> entries);
  // Records that the newest segment, `segment_first_seq`, now holds records up to `end_seq`
  // (exclusive) and `data_size` bytes, the last written at `last_time_ms`, with `new_entries`
  // added (the first record's entry among them if the segment was empty). One lock per call.
  // REQUIRES: it is the newest segment and not sealed.
  void AppendRecords(uint64_t segment_first_seq, std::span<const IndexEntry> new_entries,
                     uint64_t end_seq, int64_t last_time_ms, uint64_t data_size);
  // Marks segment `first_seq` sealed: complete, and from now on deletable by retention.
  void SealSegment(uint64_t first_seq);
  // Removes segment `first_seq` if it is the oldest, sealed and not the newest; false if not.
  bool RemoveOldestSegment(uint64_t first_seq);
  // Raises deleted_through_ms to `ms` (never lowers it).
  void SetDeletedThrough(int64_t ms);

  const std::filesystem::path& dir() const { return dir_; }

 private:
  struct Segment {
    IndexedSegment info;
    // The largest archive time of this segment and every one before it: last_time_ms, or for
    // an empty segment its predecessor's bound (INT64_MIN if none). Never decreases along
    // segments_, so it can be binary-searched where empty segments' last_time_ms (0) could not.
    int64_t time_bound_ms;
    std::vector<IndexEntry> entries;
  };

  // Where a time lookup must read: from `start` (a record with time < t) up to record
  // `limit_seq` (exclusive), which is known to have time >= t.
  struct TimeScan {
    uint64_t segment_first_seq;
    IndexEntry start;
    uint64_t limit_seq;
    uint64_t limit_offset;  // where record limit_seq starts (or the segment's data ends)
  };

  // Under mu_: either the answer (no read needed) or where to read.
  bool PlanTimeLookup(int64_t t_ms, uint64_t* answer, TimeScan* scan) const;
  Result<uint64_t> ScanForTime(const TimeScan& scan, int64_t t_ms) const;
  // The newest segment; REQUIRES: mu_ held, segments_ not empty.
  Segment& Newest() { return segments_.back(); }

  const std::filesystem::path dir_;
  std::unique_ptr<FileSystem> owned_fs_;  // when none was passed
  FileSystem* const fs_;

  mutable std::mutex mu_;
  // Guarded by mu_:
  std::deque<Segment> segments_;  // oldest first; first_seq increasing
  uint64_t next_seq_;
  int64_t deleted_through_ms_ = 0;
};

}  // namespace sluice::archive
