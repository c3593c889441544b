#include "archive/segment_cursor.h"

#include <algorithm>
#include <cstring>
#include <string_view>

#include "archive/archive_format.h"
#include "archive/record_codec.h"

namespace sluice::archive {
SegmentCursor::SegmentCursor(const RandomAccessFile* file, uint64_t first_seq, int64_t min_time_ms)
    : SegmentCursor(file, kSegmentHeaderSize, first_seq, min_time_ms) {}

SegmentCursor::SegmentCursor(const RandomAccessFile* file, uint64_t offset, uint64_t seq,
                             int64_t min_time_ms, size_t chunk_bytes)
    : file_(file),
      chunk_bytes_(chunk_bytes),
      buffer_offset_(offset),
      next_seq_(seq),
      last_time_ms_(min_time_ms),
      skipped_time_ms_(min_time_ms) {}

Result<SegmentCursor::Step> SegmentCursor::Next(RecordView* out, std::string* why,
                                                uint64_t max_skip_bytes) {
  uint64_t skipped = 0;
  while (true) {
    const std::string_view data(this->data() + begin_, end_ - begin_);
    size_t size = 0;
    switch (ParseRecordFrame(data, next_seq_, last_time_ms_, out, &size, why)) {
      case RecordParse::kRecord:
        if (filter_ != nullptr && !filter_(*out, filter_arg_)) {
          // Unwanted: its crc protects bytes nobody will look at, and computing it is most of
          // the cost of a record.
          Consume(*out, size);
          skipped_bytes_ += size;
          skipped_end_seq_ = out->seq + 1;
          skipped_time_ms_ = out->archive_time_ms;
          skipped += size;
          if (skipped >= max_skip_bytes) return Step::kSkipLimit;
          continue;
        }
        if (!CheckRecordCrc(data)) {
          *why = "record checksum mismatch";
          return Step::kCorrupt;
        }
        Consume(*out, size);
        return Step::kRecord;
      case RecordParse::kCorrupt:
        return Step::kCorrupt;
      case RecordParse::kIncomplete:
        break;
    }
    size_t need = kRecordHeaderSize;
    if (data.size() >= kRecordHeaderSize) {
      need = EncodedRecordSize(DecodeRecordHeader(data.data()).length);
    }
    auto filled = Fill(need);
    if (!filled.ok()) return filled.status();
    if (!*filled) return Step::kEnd;
  }
}

void SegmentCursor::Consume(const RecordView& record, size_t size) {
  if (records_ == 0) first_time_ms_ = record.archive_time_ms;
  last_record_offset_ = offset();
  last_time_ms_ = record.archive_time_ms;
  ++next_seq_;
  ++records_;
  begin_ += size;
}

Result<bool> SegmentCursor::Fill(size_t need) {
  // Keep only the unconsumed bytes (at most one partial record), at the place their file offset's
  // alignment gives them.
  const uint64_t next = buffer_offset_ + begin_;
  const uint64_t aligned = next / kReadAlign * kReadAlign;
  const size_t keep = end_ - begin_;
  const size_t at = static_cast<size_t>(next - aligned);
  const size_t want = at + std::max(need, chunk_bytes_);
  if (capacity() < want) {
    std::vector<char> grown(want + kReadAlign);
    const auto base = reinterpret_cast<uintptr_t>(grown.data());
    const size_t shift = static_cast<size_t>((kReadAlign - base % kReadAlign) % kReadAlign);
    if (keep > 0) std::memcpy(grown.data() + shift + at, data() + begin_, keep);
    buffer_ = std::move(grown);
    data_shift_ = shift;
  } else if (at != begin_) {
    std::memmove(data() + at, data() + begin_, keep);
  }
  buffer_offset_ = aligned;
  begin_ = at;
  end_ = at + keep;
  auto got = file_->Read(buffer_offset_ + end_, capacity() - end_, data() + end_);
  if (!got.ok()) return got.status();
  end_ += *got;
  return *got > 0;
}

}  // namespace sluice::archive
