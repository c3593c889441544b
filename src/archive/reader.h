// Reader: reads the archive in sequence order, from the start or from a sequence number.
//
// It may run in another thread or process while a Writer appends: it returns only complete
// records, and treats a partly written record at the end of the segment being written as
// "nothing more for now" (Next returns false; call again later to get what was appended
// since). It follows the Writer across segments: a segment is finished once it is sealed
// (its meta exists), which the Writer does before starting the next.
//
// Open it on a directory a Writer has opened at least once since any crash: a segment the
// Writer has not yet recovered may end in a torn record that is never sealed, and the Reader
// would wait at it.
//
// Retention (retention.h) may delete segments meanwhile: one the Reader has open stays
// readable to the end (POSIX keeps an unlinked file's data while a descriptor is open), and
// deleted segments it has not reached yet are passed over to the oldest one left.
//
// Thread safety: none; one Reader per thread. Any number of Readers may share a directory.
#pragma once

#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>

#include "archive/archive_index.h"
#include "archive/file_system.h"
#include "archive/record.h"
#include "archive/segment_cursor.h"
#include "base/status.h"

namespace sluice::archive {

class Reader {
 public:
  // Positions a reader before the first record whose sequence is >= from_seq (0: the whole
  // archive). `fs` null means real POSIX files; otherwise it must outlive the Reader.
  // Errors: NotFound if `dir` does not exist; IoError.
  static Result<std::unique_ptr<Reader>> Open(const std::filesystem::path& dir,
                                              uint64_t from_seq = 0, FileSystem* fs = nullptr);
  // The same, positioned in O(log n) with `index` (index.Seek): it starts reading at most one
  // index stride before from_seq instead of at the start of its segment. `index` is used only
  // during the call. REQUIRES: `index` is the index of the archive in `dir`.
  // Errors: NotFound if `dir` does not exist; Corruption for a damaged segment header or a
  // segment the index knows of that is missing; IoError.
  static Result<std::unique_ptr<Reader>> Open(const std::filesystem::path& dir,
                                              const ArchiveIndex& index, uint64_t from_seq,
                                              FileSystem* fs = nullptr);

  Reader(const Reader&) = delete;  // owns open files and a buffer that views point into
  Reader& operator=(const Reader&) = delete;

  // True with the next record in `out` (its bytes valid until the next call); false if there
  // is none yet. Sequences increase by one within a segment and may jump between segments
  // where recovery quarantined data.
  // With a filter, false also once the records passed over in this call reach
  // `max_skip_bytes` (framing included): a call stays bounded however rare wanted records are;
  // skipped_end_seq() then says how far it got, and the next call goes on from there.
  // Errors: Corruption for a damaged record or segment header (the reader stays in front of
  // it); IoError.
  Result<bool> Next(RecordView& out,
                    uint64_t max_skip_bytes = std::numeric_limits<uint64_t>::max());

  // From now on Next returns only records `filter` accepts, judged by their header (null:
  // all). The others are passed over without computing their crc, so a caller that wants few
  // records reads much faster; their framing, sequence and time are still checked. REQUIRES: `arg`
  // outlives the Reader or the next set_filter.
  void set_filter(RecordFilter filter, const void* arg);

  // Records the filter passed over since the Reader was opened: their bytes (framing
  // included), one past the last one's sequence (0 before any) and its archive time. Every
  // record below skipped_end_seq() has been read, returned or passed over (or lies below
  // from_seq).
  uint64_t skipped_bytes() const { return skipped_bytes_; }
  uint64_t skipped_end_seq() const { return skipped_end_seq_; }
  int64_t skipped_time_ms() const { return skipped_time_ms_; }

 private:
  Reader(std::filesystem::path dir, uint64_t from_seq, std::unique_ptr<FileSystem> owned_fs,
         FileSystem* fs);

  // Opens the segment to read next; false if it does not exist yet.
  Result<bool> OpenNextSegment();
  // Opens segment `first_seq` and positions the cursor at `offset`, where record `seq` starts.
  // NotFound if the segment file does not exist (any more).
  Status OpenSegment(uint64_t first_seq, uint64_t offset, uint64_t seq);
  // Folds the cursor's skip counters into the Reader's after a cursor step.
  void NoteSkipped(uint64_t cursor_bytes_before);
  // Whether the open segment is finished: true with sealed_size_ set, false if the Writer may
  // still append to it.
  Result<bool> CheckSealed();

  const std::filesystem::path dir_;
  const uint64_t from_seq_;
  std::unique_ptr<FileSystem> owned_fs_;  // when the caller passed none
  FileSystem* const fs_;

  std::optional<uint64_t> segment_;  // first sequence of the segment open or last finished
  std::unique_ptr<RandomAccessFile> file_;
  std::unique_ptr<SegmentCursor> cursor_;  // null between segments
  std::optional<uint64_t> sealed_size_;    // of the open segment, once it is known sealed
  int64_t last_time_ms_ = std::numeric_limits<int64_t>::min();
  RecordFilter filter_ = nullptr;
  const void* filter_arg_ = nullptr;
  uint64_t skipped_bytes_ = 0;
  uint64_t skipped_end_seq_ = 0;
  int64_t skipped_time_ms_ = std::numeric_limits<int64_t>::min();
};

}  // namespace sluice::archive
