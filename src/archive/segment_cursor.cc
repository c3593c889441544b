#include "archive/segment_cursor.h"

#include <algorithm>
#include <cstring>
#include <string_view>

#include "archive/archive_format.h"
#include "archive/record_codec.h"

namespace sluice::archive {
namespace {

// Large enough that reading costs one pread per few hundred records of ~2.5 KB.
constexpr size_t kChunkBytes = 1 << 20;

}  // namespace

SegmentCursor::SegmentCursor(const RandomAccessFile* file, uint64_t first_seq, int64_t min_time_ms)
    : file_(file),
      buffer_offset_(kSegmentHeaderSize),
      next_seq_(first_seq),
      last_time_ms_(min_time_ms) {}

Result<SegmentCursor::Step> SegmentCursor::Next(RecordView* out, std::string* why) {
  while (true) {
    const std::string_view data(buffer_.data() + begin_, end_ - begin_);
    size_t size = 0;
    switch (ParseRecord(data, next_seq_, last_time_ms_, out, &size, why)) {
      case RecordParse::kRecord:
        if (records_ == 0) first_time_ms_ = out->archive_time_ms;
        last_record_offset_ = offset();
        last_time_ms_ = out->archive_time_ms;
        ++next_seq_;
        ++records_;
        begin_ += size;
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

Result<bool> SegmentCursor::Fill(size_t need) {
  if (begin_ > 0) {
    // Keep only the unconsumed bytes: at most one partial record is moved.
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    buffer_offset_ += begin_;
    end_ -= begin_;
    begin_ = 0;
  }
  const size_t want = std::max(need, kChunkBytes);
  if (buffer_.size() < want) buffer_.resize(want);
  auto got = file_->Read(buffer_offset_ + end_, buffer_.size() - end_, buffer_.data() + end_);
  if (!got.ok()) return got.status();
  end_ += *got;
  return *got > 0;
}

}  // namespace sluice::archive
