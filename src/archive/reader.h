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
// Thread safety: none; one Reader per thread. Any number of Readers may share a directory.
#pragma once

#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>

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

  Reader(const Reader&) = delete;  // owns open files and a buffer that views point into
  Reader& operator=(const Reader&) = delete;

  // True with the next record in `out` (its bytes valid until the next call); false if there
  // is none yet. Sequences increase by one within a segment and may jump between segments
  // where recovery quarantined data.
  // Errors: Corruption for a damaged record or segment header (the reader stays in front of
  // it); IoError.
  Result<bool> Next(RecordView& out);

 private:
  Reader(std::filesystem::path dir, uint64_t from_seq, std::unique_ptr<FileSystem> owned_fs,
         FileSystem* fs);

  // Opens the segment to read next; false if it does not exist yet.
  Result<bool> OpenNextSegment();

  const std::filesystem::path dir_;
  const uint64_t from_seq_;
  std::unique_ptr<FileSystem> owned_fs_;  // when the caller passed none
  FileSystem* const fs_;

  std::optional<uint64_t> segment_;  // first sequence of the segment open or last finished
  std::unique_ptr<RandomAccessFile> file_;
  std::unique_ptr<SegmentCursor> cursor_;  // null between segments
  std::optional<uint64_t> sealed_size_;    // of the open segment, once it is known sealed
  int64_t last_time_ms_ = std::numeric_limits<int64_t>::min();
};

}  // namespace sluice::archive
