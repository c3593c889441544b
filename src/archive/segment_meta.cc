#include "archive/segment_meta.h"

#include <limits>

#include "archive/coding.h"
#include "archive/crc.h"
#include "archive/durable_file.h"
#include "archive/file_names.h"
#include "archive/record_codec.h"
#include "archive/segment_header.h"

namespace sluice::archive {
namespace {

// Covers everything after the crc field.
uint32_t MetaCrc(const char* meta) {
  return Crc32(meta + kMetaVersionOffset, kMetaSize - kMetaVersionOffset);
}

// Reads the record at `offset` of `file`, which must be `expected_seq`, into *out (pointing
// into *scratch). Corruption if it is not there intact.
Status ReadRecordAt(const RandomAccessFile& file, uint64_t offset, uint64_t expected_seq,
                    std::string* scratch, RecordView* out) {
  scratch->resize(kRecordHeaderSize);
  auto got = file.Read(offset, kRecordHeaderSize, scratch->data());
  if (!got.ok()) return got.status();
  if (*got < kRecordHeaderSize) {
    return Status::Corruption("record header at offset " + std::to_string(offset) +
                              " is past the end of the file");
  }
  const uint32_t length = DecodeRecordHeader(scratch->data()).length;
  if (length > kMaxRecordPayloadBytes) {
    return Status::Corruption("record at offset " + std::to_string(offset) + " has a bad length");
  }
  scratch->resize(EncodedRecordSize(length));
  got = file.Read(offset, scratch->size(), scratch->data());
  if (!got.ok()) return got.status();
  size_t size = 0;
  std::string why = "record is cut short by the end of the file";
  if (*got < scratch->size() ||
      ParseRecord(*scratch, expected_seq, std::numeric_limits<int64_t>::min(), out, &size, &why) !=
          RecordParse::kRecord) {
    return Status::Corruption("record at offset " + std::to_string(offset) + ": " + why);
  }
  return Status::Ok();
}

}  // namespace

std::string EncodeSegmentMeta(const SegmentMeta& meta) {
  std::string bytes(kMetaSize, '\0');
  char* p = bytes.data();
  bytes.replace(0, kMetaMagic.size(), kMetaMagic);
  EncodeFixed32(p + kMetaVersionOffset, kFormatVersion);
  EncodeFixed64(p + kMetaFirstSeqOffset, meta.first_seq);
  EncodeFixed64(p + kMetaRecordCountOffset, meta.record_count);
  EncodeFixed64(p + kMetaFirstTimeOffset, static_cast<uint64_t>(meta.first_time_ms));
  EncodeFixed64(p + kMetaLastTimeOffset, static_cast<uint64_t>(meta.last_time_ms));
  EncodeFixed64(p + kMetaDataSizeOffset, meta.data_size);
  EncodeFixed64(p + kMetaLastRecordOffsetOffset, meta.last_record_offset);
  EncodeFixed32(p + kMetaCrcOffset, MetaCrc(p));
  return bytes;
}

Result<SegmentMeta> DecodeSegmentMeta(std::string_view bytes) {
  if (bytes.size() != kMetaSize) {
    return Status::Corruption("segment meta is " + std::to_string(bytes.size()) +
                              " bytes, expected " + std::to_string(kMetaSize));
  }
  const char* p = bytes.data();
  if (bytes.substr(0, kMetaMagic.size()) != kMetaMagic) {
    return Status::Corruption("segment meta has a bad magic");
  }
  if (DecodeFixed32(p + kMetaCrcOffset) != MetaCrc(p)) {
    return Status::Corruption("segment meta checksum mismatch");
  }
  if (DecodeFixed32(p + kMetaVersionOffset) != kFormatVersion) {
    return Status::Corruption("segment meta has an unsupported version");
  }
  SegmentMeta meta;
  meta.first_seq = DecodeFixed64(p + kMetaFirstSeqOffset);
  meta.record_count = DecodeFixed64(p + kMetaRecordCountOffset);
  meta.first_time_ms = static_cast<int64_t>(DecodeFixed64(p + kMetaFirstTimeOffset));
  meta.last_time_ms = static_cast<int64_t>(DecodeFixed64(p + kMetaLastTimeOffset));
  meta.data_size = DecodeFixed64(p + kMetaDataSizeOffset);
  meta.last_record_offset = DecodeFixed64(p + kMetaLastRecordOffsetOffset);
  return meta;
}

Result<SegmentMeta> ReadSegmentMeta(FileSystem* fs, const std::filesystem::path& dir,
                                    uint64_t first_seq) {
  auto file = fs->NewRandomAccessFile(dir / MetaFileName(first_seq));
  if (!file.ok()) return file.status();
  // One byte more than a meta, so that a longer file is seen as damaged.
  std::string bytes(kMetaSize + 1, '\0');
  auto got = (*file)->Read(0, bytes.size(), bytes.data());
  if (!got.ok()) return got.status();
  bytes.resize(*got);
  auto meta = DecodeSegmentMeta(bytes);
  if (!meta.ok()) return meta;
  if (meta->first_seq != first_seq) {
    return Status::Corruption("meta of segment " + std::to_string(first_seq) +
                              " describes segment " + std::to_string(meta->first_seq));
  }
  return meta;
}

Status WriteSegmentMeta(FileSystem* fs, const std::filesystem::path& dir, const SegmentMeta& meta) {
  return WriteFileDurably(fs, dir, MetaFileName(meta.first_seq), EncodeSegmentMeta(meta));
}

Status CheckSegmentAgainstMeta(FileSystem* fs, const std::filesystem::path& dir,
                               const SegmentMeta& meta) {
  auto file = fs->NewRandomAccessFile(dir / SegmentFileName(meta.first_seq));
  if (!file.ok()) return file.status();
  auto size = (*file)->Size();
  if (!size.ok()) return size.status();
  if (*size != meta.data_size) {
    return Status::Corruption("segment is " + std::to_string(*size) + " bytes, its meta says " +
                              std::to_string(meta.data_size));
  }
  std::string scratch(kSegmentHeaderSize, '\0');
  auto got = (*file)->Read(0, kSegmentHeaderSize, scratch.data());
  if (!got.ok()) return got.status();
  scratch.resize(*got);
  SLUICE_RETURN_IF_ERROR(CheckSegmentHeader(scratch, meta.first_seq));
  if (meta.empty()) {
    if (meta.data_size != kSegmentHeaderSize) {
      return Status::Corruption("meta of an empty segment has a data size past the header");
    }
    return Status::Ok();
  }
  RecordView record;
  SLUICE_RETURN_IF_ERROR(
      ReadRecordAt(**file, kSegmentHeaderSize, meta.first_seq, &scratch, &record));
  if (record.archive_time_ms != meta.first_time_ms) {
    return Status::Corruption("first record's archive time differs from the meta's");
  }
  const uint64_t last_seq = meta.end_seq() - 1;
  SLUICE_RETURN_IF_ERROR(
      ReadRecordAt(**file, meta.last_record_offset, last_seq, &scratch, &record));
  if (record.archive_time_ms != meta.last_time_ms) {
    return Status::Corruption("last record's archive time differs from the meta's");
  }
  if (meta.last_record_offset + EncodedRecordSize(record.bytes.size()) != meta.data_size) {
    return Status::Corruption("last record does not end where the meta says the data ends");
  }
  if (meta.first_time_ms > meta.last_time_ms) {
    return Status::Corruption("meta's first archive time is after its last");
  }
  return Status::Ok();
}

}  // namespace sluice::archive
