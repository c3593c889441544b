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
#include <limits>
#include <string>
#include <vector>

#include "archive/file_system.h"
#include "archive/record.h"
#include "base/status.h"

namespace sluice::archive {

// Says whether a reader wants `record`, judged by its header (seq, archive time, post id; its
// bytes are there but their crc is not checked yet); `arg` is what was registered with it.
using RecordFilter = bool (*)(const RecordView& record, const void* arg);

class SegmentCursor {
 public:
  enum class Step {
    kRecord,     // *out holds the next record
    kEnd,        // the bytes from offset() to the end of the file hold no complete record
    kCorrupt,    // the record at offset() is damaged; the cursor stays in front of it
    kSkipLimit,  // the filter passed over max_skip_bytes in this call; call again to go on
  };

  // How much is read at once, unless a record is larger: one pread per few hundred records
  // of ~2.5 KB.
  static constexpr size_t kDefaultChunkBytes = 1 << 20;

  // Starts at the first record, just after the segment header (which the caller checked).
  // `first_seq` is the segment's first sequence and `min_time_ms` a lower bound for its first
  // record's archive time. REQUIRES: `file` outlives the cursor.
  SegmentCursor(const RandomAccessFile* file, uint64_t first_seq, int64_t min_time_ms);
  // Starts at the record boundary `offset`, where record `seq` begins (from a sparse index
  // entry); records(), first_time_ms() and last_record_offset() count from there.
  // REQUIRES: `file` outlives the cursor; chunk_bytes > 0.
  SegmentCursor(const RandomAccessFile* file, uint64_t offset, uint64_t seq, int64_t min_time_ms,
                size_t chunk_bytes = kDefaultChunkBytes);
  SegmentCursor(const SegmentCursor&) = delete;  // out views point into its buffer
  SegmentCursor& operator=(const SegmentCursor&) = delete;

  // Advances by one record. *out stays valid until the next call. On kCorrupt, *why says what is
  // wrong. With a filter, it returns kSkipLimit once the records it passed over in this call reach
  // `max_skip_bytes` (framing included), so that one call stays bounded however few records the
  // filter wants. IoError if the file cannot be read.
  Result<Step> Next(RecordView* out, std::string* why,
                    uint64_t max_skip_bytes = std::numeric_limits<uint64_t>::max());

  // From now on Next returns only records whose post id `filter` accepts; it passes over the
  // others without checking their crc (their framing, sequence and time are still checked).
  // A null filter returns every record. REQUIRES: `arg` outlives its use by the filter.
  void set_filter(RecordFilter filter, const void* arg) {
    filter_ = filter;
    filter_arg_ = arg;
  }

  uint64_t offset() const { return buffer_offset_ + begin_; }  // of the next record
  uint64_t next_seq() const { return next_seq_; }
  uint64_t records() const { return records_; }
  int64_t first_time_ms() const { return first_time_ms_; }
  int64_t last_time_ms() const { return last_time_ms_; }  // min_time_ms before any record
  uint64_t last_record_offset() const { return last_record_offset_; }
  // Records the filter passed over so far: how many bytes (framing included), and one past the
  // last one's sequence and its archive time (0 and min_time_ms before any).
  uint64_t skipped_bytes() const { return skipped_bytes_; }
  uint64_t skipped_end_seq() const { return skipped_end_seq_; }
  int64_t skipped_time_ms() const { return skipped_time_ms_; }

 private:
  // Makes at least `need` bytes from offset() available if the file has them. Returns false
  // when no byte beyond what is buffered could be read.
  Result<bool> Fill(size_t need);
  // Moves past the record just parsed into `record`, `size` bytes.
  void Consume(const RecordView& record, size_t size);

  const RandomAccessFile* file_;
  const size_t chunk_bytes_;
  RecordFilter filter_ = nullptr;
  const void* filter_arg_ = nullptr;
  // Reads land at addresses with the same alignment as their file offsets: the kernel's copy
  // from the page cache, most of a read's cost, is then aligned on both sides (on this
  // project's machine twice as fast as into a buffer shifted by a partial record).
  static constexpr size_t kReadAlign = 4096;
  char* data() { return buffer_.data() + data_shift_; }
  const char* data() const { return buffer_.data() + data_shift_; }
  size_t capacity() const { return buffer_.size() - data_shift_; }

  std::vector<char> buffer_;
  size_t data_shift_ = 0;   // data() - buffer_.data(): data() is aligned to kReadAlign
  uint64_t buffer_offset_;  // file offset of data()[0]
  size_t begin_ = 0;        // next record in data()
  size_t end_ = 0;          // bytes of data() that hold file data
  uint64_t next_seq_;
  uint64_t records_ = 0;
  int64_t first_time_ms_ = 0;
  int64_t last_time_ms_;
  uint64_t last_record_offset_ = 0;
  uint64_t skipped_bytes_ = 0;
  uint64_t skipped_end_seq_ = 0;
  int64_t skipped_time_ms_;
};

}  // namespace sluice::archive
