// SegmentMeta: what a segment holds, in 64 bytes. Written to `<first_seq>.meta` when a segment
// is sealed, so that opening the archive and finding "the first record at or after time T"
// need not scan sealed segments. A segment with a meta file is never written again.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "archive/archive_format.h"
#include "archive/file_system.h"
#include "base/status.h"

namespace sluice::archive {

struct SegmentMeta {
  uint64_t first_seq = 0;  // as named by the file, even when it holds no record
  uint64_t record_count = 0;
  int64_t first_time_ms = 0;                // of the first record; 0 when empty
  int64_t last_time_ms = 0;                 // of the last record; 0 when empty
  uint64_t data_size = kSegmentHeaderSize;  // bytes of the segment file: header and records
  uint64_t last_record_offset = 0;          // file offset of the last record; 0 when empty

  bool empty() const { return record_count == 0; }
  // One past the last sequence: the next record's sequence.
  uint64_t end_seq() const { return first_seq + record_count; }

  friend bool operator==(const SegmentMeta&, const SegmentMeta&) = default;
};

// kMetaSize bytes.
std::string EncodeSegmentMeta(const SegmentMeta& meta);
// Corruption if `bytes` is not a well-formed, checksummed meta.
Result<SegmentMeta> DecodeSegmentMeta(std::string_view bytes);

// Reads the meta of segment `first_seq` in `dir`. NotFound if there is none; Corruption if it
// is damaged or describes another segment.
Result<SegmentMeta> ReadSegmentMeta(FileSystem* fs, const std::filesystem::path& dir,
                                    uint64_t first_seq);

// Writes the meta durably: to a temp file, fdatasync, rename into place, fsync of `dir`.
Status WriteSegmentMeta(FileSystem* fs, const std::filesystem::path& dir, const SegmentMeta& meta);

// Cheap check that the segment file still matches its meta (the JetStream approach: verify the
// ends, not every record): its header, its size, and its first and last records' sequence,
// time and checksum. Corruption saying which check failed; IoError if it cannot be read.
Status CheckSegmentAgainstMeta(FileSystem* fs, const std::filesystem::path& dir,
                               const SegmentMeta& meta);

}  // namespace sluice::archive
