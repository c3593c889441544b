#include "archive/record_codec.h"

#include <cstring>

#include "archive/coding.h"
#include "archive/crc.h"

namespace sluice::archive {

void EncodeRecord(char* dst, uint64_t seq, int64_t archive_time_ms, uint64_t post_id,
                  std::string_view payload) {
  EncodeFixed32(dst + kRecordLengthOffset, static_cast<uint32_t>(payload.size()));
  EncodeFixed64(dst + kRecordSeqOffset, seq);
  EncodeFixed64(dst + kRecordTimeOffset, static_cast<uint64_t>(archive_time_ms));
  EncodeFixed64(dst + kRecordPostIdOffset, post_id);
  std::memcpy(dst + kRecordHeaderSize, payload.data(), payload.size());
  EncodeFixed32(dst + kRecordCrcOffset,
                ComputeRecordCrc(dst, static_cast<uint32_t>(payload.size())));
}

RecordHeader DecodeRecordHeader(const char* src) {
  RecordHeader header;
  header.crc = DecodeFixed32(src + kRecordCrcOffset);
  header.length = DecodeFixed32(src + kRecordLengthOffset);
  header.seq = DecodeFixed64(src + kRecordSeqOffset);
  header.archive_time_ms = static_cast<int64_t>(DecodeFixed64(src + kRecordTimeOffset));
  header.post_id = DecodeFixed64(src + kRecordPostIdOffset);
  return header;
}

uint32_t ComputeRecordCrc(const char* record, uint32_t payload_length) {
  // One pass over the rest of the header and the payload: they are contiguous.
  return Crc32(record + kRecordLengthOffset,
               kRecordHeaderSize - kRecordLengthOffset + payload_length);
}

RecordParse ParseRecordFrame(std::string_view data, uint64_t expected_seq, int64_t min_time_ms,
                             RecordView* out, size_t* size, std::string* why) {
  if (data.size() < kRecordHeaderSize) return RecordParse::kIncomplete;
  const RecordHeader header = DecodeRecordHeader(data.data());
  if (header.length > kMaxRecordPayloadBytes) {
    *why = "record length " + std::to_string(header.length) + " exceeds the maximum " +
           std::to_string(kMaxRecordPayloadBytes);
    return RecordParse::kCorrupt;
  }
  // Sequence and time are checked before completeness: a header that cannot be the next
  // record's is damage, and must not pass for the start of a torn write.
  if (header.seq != expected_seq) {
    *why = "record has sequence " + std::to_string(header.seq) + ", expected " +
           std::to_string(expected_seq);
    return RecordParse::kCorrupt;
  }
  if (header.archive_time_ms < min_time_ms) {
    *why = "record archive time " + std::to_string(header.archive_time_ms) +
           " is before the previous record's " + std::to_string(min_time_ms);
    return RecordParse::kCorrupt;
  }
  const size_t record_size = EncodedRecordSize(header.length);
  if (data.size() < record_size) return RecordParse::kIncomplete;
  out->seq = header.seq;
  out->archive_time_ms = header.archive_time_ms;
  out->post_id = header.post_id;
  out->bytes = data.substr(kRecordHeaderSize, header.length);
  *size = record_size;
  return RecordParse::kRecord;
}

bool CheckRecordCrc(std::string_view data) {
  const uint32_t length = DecodeFixed32(data.data() + kRecordLengthOffset);
  return ComputeRecordCrc(data.data(), length) == DecodeFixed32(data.data() + kRecordCrcOffset);
}

RecordParse ParseRecord(std::string_view data, uint64_t expected_seq, int64_t min_time_ms,
                        RecordView* out, size_t* size, std::string* why) {
  const RecordParse parse = ParseRecordFrame(data, expected_seq, min_time_ms, out, size, why);
  if (parse == RecordParse::kRecord && !CheckRecordCrc(data)) {
    *why = "record checksum mismatch";
    return RecordParse::kCorrupt;
  }
  return parse;
}

}  // namespace sluice::archive
