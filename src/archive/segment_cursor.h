// SegmentCursor: walks the records of one segment file front to back, reading it in large
// chunks. The shared engine of recovery (which repairs what it stops at), ListSegments and
// Reader (which only report it).
//
// It reads only what is complete: bytes that do not (yet) form a whole record are "end for
// now", and a later call picks up what a writer appended since. Not thread-safe; the file may
// be appended to concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "archive/file_system.h"
#include "archive/record.h"
#include "base/status.h"

namespace sluice::archive {

class SegmentCursor {
 public:
  enum class Step {
    kRecord,   // *out holds the next record
    kEnd,      // the bytes from offset() to the end of the file hold no complete record
    kCorrupt,  // the record at offset() is damaged; the cursor stays in front of it
  };

  // Starts at the first record, just after the segment header (which the caller checked).
  // `first_seq` is the segment's first sequence and `min_time_ms` a lower bound for its first
  // record's archive time. REQUIRES: `file` outlives the cursor.
  SegmentCursor(const RandomAccessFile* file, uint64_t first_seq, int64_t min_time_ms);
  SegmentCursor(const SegmentCursor&) = delete;  // out views point into its buffer
  SegmentCursor& operator=(const SegmentCursor&) = delete;

  // Advances by one record. *out stays valid until the next call. On kCorrupt, *why says
  // what is wrong. IoError if the file cannot be read.
  Result<Step> Next(RecordView* out, std::string* why);

  uint64_t offset() const { return buffer_offset_ + begin_; }  // of the next record
  uint64_t next_seq() const { return next_seq_; }
  uint64_t records() const { return records_; }
  int64_t first_time_ms() const { return first_time_ms_; }
  int64_t last_time_ms() const { return last_time_ms_; }  // min_time_ms before any record
  uint64_t last_record_offset() const { return last_record_offset_; }

 private:
  // Makes at least `need` bytes from offset() available if the file has them. Returns false
  // when no byte beyond what is buffered could be read.
  Result<bool> Fill(size_t need);

  const RandomAccessFile* file_;
  std::vector<char> buffer_;
  uint64_t buffer_offset_;  // file offset of buffer_[0]
  size_t begin_ = 0;        // next record in buffer_
  size_t end_ = 0;          // bytes of buffer_ that hold file data
  uint64_t next_seq_;
  uint64_t records_ = 0;
  int64_t first_time_ms_ = 0;
  int64_t last_time_ms_;
  uint64_t last_record_offset_ = 0;
};

}  // namespace sluice::archive
