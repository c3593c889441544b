// Encoding and checking of one framed record (layout in archive_format.h). Pure functions over
// memory; callers own the bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "archive/archive_format.h"
#include "archive/record.h"

namespace sluice::archive {

// The fixed-size fields in front of a payload.
struct RecordHeader {
  uint32_t crc = 0;
  uint32_t length = 0;  // payload bytes
  uint64_t seq = 0;
  int64_t archive_time_ms = 0;
  uint64_t post_id = 0;
};

inline size_t EncodedRecordSize(size_t payload_size) { return kRecordHeaderSize + payload_size; }

// Writes the framed record (header, crc included, then payload) to `dst`.
// REQUIRES: dst has EncodedRecordSize(payload.size()) bytes; payload.size() <=
// kMaxRecordPayloadBytes.
void EncodeRecord(char* dst, uint64_t seq, int64_t archive_time_ms, uint64_t post_id,
                  std::string_view payload);

// REQUIRES: src has kRecordHeaderSize bytes.
RecordHeader DecodeRecordHeader(const char* src);

// The crc a record starting at `record` (header then payload) should carry.
// REQUIRES: record has EncodedRecordSize(payload_length) bytes.
uint32_t ComputeRecordCrc(const char* record, uint32_t payload_length);

// What is at the front of a byte range that should start with a record.
enum class RecordParse {
  kRecord,  // a complete record whose crc, sequence and time are as expected
  // Fewer bytes than a header, or than the length declared by a header that carries the
  // expected sequence and a valid time: maybe a torn tail, maybe a record still being written.
  kIncomplete,
  kCorrupt,  // the bytes cannot be the expected record (bad crc, length, sequence or time)
};

// Parses the record at the front of `data`, expected to carry sequence `expected_seq` and an
// archive time >= `min_time_ms` (the invariant: time never decreases along the log). On
// kRecord fills *out (its bytes point into `data`) and *size; on kCorrupt sets *why.
RecordParse ParseRecord(std::string_view data, uint64_t expected_seq, int64_t min_time_ms,
                        RecordView* out, size_t* size, std::string* why);

// ParseRecord without the checksum: the framing (length, sequence, time, completeness) only,
// for a reader that checks the crc of the records it keeps (CheckRecordCrc) and skips the
// others unchecked.
RecordParse ParseRecordFrame(std::string_view data, uint64_t expected_seq, int64_t min_time_ms,
                             RecordView* out, size_t* size, std::string* why);

// True if the record ParseRecordFrame found at the front of `data` carries a good crc.
// REQUIRES: ParseRecordFrame returned kRecord for `data`.
bool CheckRecordCrc(std::string_view data);

}  // namespace sluice::archive
