// The archive's on-disk layout: the one set of constants shared by the writer, the recovery
// code and the reader. docs/archive-format.md is the prose spec; keep the two in step.
//
// A directory holds segment files named by the sequence number of their first record, each a
// header followed by CRC-framed records, and for every sealed segment a sidecar meta file that
// states its first/last sequence and archive time and a sparse time index. All integers are
// little-endian.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace sluice::archive {

// The first sequence number of an empty archive. 0 is never a record's sequence, so it can
// mean "from the start" in Reader::Open.
inline constexpr uint64_t kFirstSequence = 1;

// Segment header, kSegmentHeaderSize bytes at offset 0 of every segment file:
//   [magic 8 "SLUICESG"][crc32 u32 of bytes 12..31][version u32][first_seq u64][reserved u64 = 0]
inline constexpr std::string_view kSegmentMagic = "SLUICESG";
inline constexpr uint32_t kFormatVersion = 1;
inline constexpr size_t kSegmentHeaderSize = 32;
inline constexpr size_t kSegmentHeaderCrcOffset = 8;
inline constexpr size_t kSegmentHeaderVersionOffset = 12;
inline constexpr size_t kSegmentHeaderFirstSeqOffset = 16;

// Record, kRecordHeaderSize bytes of header then `length` bytes of payload:
//   [crc32 u32][length u32][seq u64][archive_time_ms i64][post_id u64][payload]
// The crc covers every byte after the crc field, payload included.
inline constexpr size_t kRecordHeaderSize = 32;
inline constexpr size_t kRecordCrcOffset = 0;
inline constexpr size_t kRecordLengthOffset = 4;
inline constexpr size_t kRecordSeqOffset = 8;
inline constexpr size_t kRecordTimeOffset = 16;
inline constexpr size_t kRecordPostIdOffset = 24;
// A larger length field is treated as corruption, not as a record still being written: it keeps
// one flipped bit in a length from making the rest of a segment look like a torn tail.
inline constexpr uint32_t kMaxRecordPayloadBytes = 16u << 20;

// Seal metadata, the whole of a `<first_seq>.meta` file:
//   [magic 8 "SLUICEMT"][crc32 u32 of bytes 12..63][version u32][first_seq u64][record_count u64]
//   [first_time_ms i64][last_time_ms i64][data_size u64][last_record_offset u64]
inline constexpr std::string_view kMetaMagic = "SLUICEMT";
inline constexpr size_t kMetaSize = 64;
inline constexpr size_t kMetaCrcOffset = 8;
inline constexpr size_t kMetaVersionOffset = 12;
inline constexpr size_t kMetaFirstSeqOffset = 16;
inline constexpr size_t kMetaRecordCountOffset = 24;
inline constexpr size_t kMetaFirstTimeOffset = 32;
inline constexpr size_t kMetaLastTimeOffset = 40;
inline constexpr size_t kMetaDataSizeOffset = 48;
inline constexpr size_t kMetaLastRecordOffsetOffset = 56;

// Sparse time index of a sealed segment, the whole of a `<first_seq>.idx` file: derived data,
// rebuilt from the segment whenever it is missing, damaged or disagrees with the meta.
//   [magic 8 "SLUICEIX"][crc32 u32 of bytes 12..end][version u32][first_seq u64]
//   [record_count u64][last_time_ms i64][data_size u64][entry_count u64]
//   then entry_count entries of [seq u64][archive_time_ms i64][offset u64]
inline constexpr std::string_view kIndexMagic = "SLUICEIX";
inline constexpr size_t kIndexHeaderSize = 56;
inline constexpr size_t kIndexCrcOffset = 8;
inline constexpr size_t kIndexVersionOffset = 12;
inline constexpr size_t kIndexFirstSeqOffset = 16;
inline constexpr size_t kIndexRecordCountOffset = 24;
inline constexpr size_t kIndexLastTimeOffset = 32;
inline constexpr size_t kIndexDataSizeOffset = 40;
inline constexpr size_t kIndexEntryCountOffset = 48;
inline constexpr size_t kIndexEntrySize = 24;
// A segment's first record has an index entry, and so has every record that starts at least
// this many bytes after the previous entry: a lookup reads at most about this much of a segment
// (plus one record). 24 bytes of memory per 64 KiB of archive: 384 MiB per TiB.
inline constexpr uint64_t kIndexStrideBytes = 64 << 10;

// What retention deleted, the whole of the `RETENTION` file:
//   [magic 8 "SLUICERT"][crc32 u32 of bytes 12..31][version u32][deleted_through_ms i64]
//   [reserved u64 = 0]
inline constexpr std::string_view kRetentionMagic = "SLUICERT";
inline constexpr size_t kRetentionSize = 32;
inline constexpr size_t kRetentionCrcOffset = 8;
inline constexpr size_t kRetentionVersionOffset = 12;
inline constexpr size_t kRetentionDeletedThroughOffset = 16;
inline constexpr std::string_view kRetentionFileName = "RETENTION";

// File names. A segment is `<first_seq as 20 decimal digits>.seg`; its meta and index have the
// same stem.
inline constexpr int kSequenceDigits = 20;
inline constexpr std::string_view kSegmentSuffix = ".seg";
inline constexpr std::string_view kMetaSuffix = ".meta";
inline constexpr std::string_view kIndexSuffix = ".idx";
// Files are written under `<name>.tmp` and renamed into place, so a name either does not exist
// or holds complete content; a `.tmp` left by a crash is deleted on Open.
inline constexpr std::string_view kTempSuffix = ".tmp";
// Bytes cut from a segment because they failed their checksum go to `<segment>.corrupt-<offset>`.
inline constexpr std::string_view kQuarantineInfix = ".corrupt-";
// flock(2)ed by the one Writer of a directory.
inline constexpr std::string_view kLockFileName = "LOCK";

}  // namespace sluice::archive
