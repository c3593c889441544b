#include "archive/index_file.h"

#include <limits>

#include "archive/archive_format.h"
#include "archive/coding.h"
#include "archive/crc.h"
#include "archive/durable_file.h"
#include "archive/file_names.h"
#include "archive/segment_cursor.h"
#include "archive/segment_header.h"

namespace sluice::archive {
namespace {

// Covers everything after the crc field, entries included.
uint32_t IndexCrc(std::string_view bytes) {
  return Crc32(bytes.data() + kIndexVersionOffset, bytes.size() - kIndexVersionOffset);
}

uint64_t IndexFileSize(uint64_t entry_count) {
  return kIndexHeaderSize + entry_count * kIndexEntrySize;
}

// The entries must be record boundaries of this segment in file order, starting at its first
// record: anything else would send a lookup to the wrong place.
Status CheckEntries(const std::vector<IndexEntry>& entries, const SegmentMeta& meta) {
  if (entries.empty() != meta.empty()) {
    return Status::Corruption("index has " + std::to_string(entries.size()) +
                              " entries for a segment of " + std::to_string(meta.record_count) +
                              " records");
  }
  if (entries.empty()) return Status::Ok();
  const IndexEntry first{meta.first_seq, meta.first_time_ms, kSegmentHeaderSize};
  if (entries.front() != first) {
    return Status::Corruption("index does not start at the segment's first record");
  }
  for (size_t i = 1; i < entries.size(); ++i) {
    const IndexEntry& previous = entries[i - 1];
    const IndexEntry& entry = entries[i];
    if (entry.seq <= previous.seq || entry.seq >= meta.end_seq() ||
        entry.offset <= previous.offset || entry.offset > meta.last_record_offset ||
        entry.archive_time_ms < previous.archive_time_ms ||
        entry.archive_time_ms > meta.last_time_ms) {
      return Status::Corruption("index entry " + std::to_string(i) +
                                " is out of order or outside the segment");
    }
  }
  return Status::Ok();
}

}  // namespace

std::string EncodeSegmentIndex(const SegmentMeta& meta, std::span<const IndexEntry> entries) {
  std::string bytes(IndexFileSize(entries.size()), '\0');
  char* p = bytes.data();
  bytes.replace(0, kIndexMagic.size(), kIndexMagic);
  EncodeFixed32(p + kIndexVersionOffset, kFormatVersion);
  EncodeFixed64(p + kIndexFirstSeqOffset, meta.first_seq);
  EncodeFixed64(p + kIndexRecordCountOffset, meta.record_count);
  EncodeFixed64(p + kIndexLastTimeOffset, static_cast<uint64_t>(meta.last_time_ms));
  EncodeFixed64(p + kIndexDataSizeOffset, meta.data_size);
  EncodeFixed64(p + kIndexEntryCountOffset, entries.size());
  char* entry = p + kIndexHeaderSize;
  for (const IndexEntry& e : entries) {
    EncodeFixed64(entry, e.seq);
    EncodeFixed64(entry + 8, static_cast<uint64_t>(e.archive_time_ms));
    EncodeFixed64(entry + 16, e.offset);
    entry += kIndexEntrySize;
  }
  EncodeFixed32(p + kIndexCrcOffset, IndexCrc(bytes));
  return bytes;
}

Result<std::vector<IndexEntry>> DecodeSegmentIndex(std::string_view bytes,
                                                   const SegmentMeta& meta) {
  if (bytes.size() < kIndexHeaderSize) {
    return Status::Corruption("index is " + std::to_string(bytes.size()) +
                              " bytes, shorter than its header");
  }
  const char* p = bytes.data();
  if (bytes.substr(0, kIndexMagic.size()) != kIndexMagic) {
    return Status::Corruption("index has a bad magic");
  }
  const uint64_t entry_count = DecodeFixed64(p + kIndexEntryCountOffset);
  // Checked before the crc so that a damaged count cannot make the size overflow.
  if (entry_count > meta.record_count || bytes.size() != IndexFileSize(entry_count)) {
    return Status::Corruption("index is " + std::to_string(bytes.size()) + " bytes for " +
                              std::to_string(entry_count) + " entries");
  }
  if (DecodeFixed32(p + kIndexCrcOffset) != IndexCrc(bytes)) {
    return Status::Corruption("index checksum mismatch");
  }
  if (DecodeFixed32(p + kIndexVersionOffset) != kFormatVersion) {
    return Status::Corruption("index has an unsupported version");
  }
  if (DecodeFixed64(p + kIndexFirstSeqOffset) != meta.first_seq ||
      DecodeFixed64(p + kIndexRecordCountOffset) != meta.record_count ||
      static_cast<int64_t>(DecodeFixed64(p + kIndexLastTimeOffset)) != meta.last_time_ms ||
      DecodeFixed64(p + kIndexDataSizeOffset) != meta.data_size) {
    return Status::Corruption("index describes other records than the segment's meta");
  }
  std::vector<IndexEntry> entries(entry_count);
  const char* entry = p + kIndexHeaderSize;
  for (IndexEntry& e : entries) {
    e.seq = DecodeFixed64(entry);
    e.archive_time_ms = static_cast<int64_t>(DecodeFixed64(entry + 8));
    e.offset = DecodeFixed64(entry + 16);
    entry += kIndexEntrySize;
  }
  SLUICE_RETURN_IF_ERROR(CheckEntries(entries, meta));
  return entries;
}

Result<std::vector<IndexEntry>> ReadSegmentIndex(FileSystem* fs, const std::filesystem::path& dir,
                                                 const SegmentMeta& meta) {
  auto file = fs->NewRandomAccessFile(dir / IndexFileName(meta.first_seq));
  if (!file.ok()) return file.status();
  auto size = (*file)->Size();
  if (!size.ok()) return size.status();
  if (*size > IndexFileSize(meta.record_count)) {
    return Status::Corruption("index is " + std::to_string(*size) + " bytes, too large for " +
                              std::to_string(meta.record_count) + " records");
  }
  std::string bytes(*size, '\0');
  auto got = (*file)->Read(0, bytes.size(), bytes.data());
  if (!got.ok()) return got.status();
  bytes.resize(*got);
  return DecodeSegmentIndex(bytes, meta);
}

Status WriteSegmentIndex(FileSystem* fs, const std::filesystem::path& dir, const SegmentMeta& meta,
                         std::span<const IndexEntry> entries) {
  // Not synced: two fsyncs more per seal would buy nothing, since a .idx lost or torn by a
  // crash is found out (size, crc, meta) and rebuilt on the next Open.
  return WriteDerivedFile(fs, dir, IndexFileName(meta.first_seq),
                          EncodeSegmentIndex(meta, entries));
}

Status BuildSegmentIndex(FileSystem* fs, const std::filesystem::path& dir, const SegmentMeta& meta,
                         std::vector<IndexEntry>* entries) {
  entries->clear();
  const std::string name = SegmentFileName(meta.first_seq);
  auto file = fs->NewRandomAccessFile(dir / name);
  if (!file.ok()) return file.status();
  std::string header(kSegmentHeaderSize, '\0');
  auto got = (*file)->Read(0, header.size(), header.data());
  if (!got.ok()) return got.status();
  header.resize(*got);
  SLUICE_RETURN_IF_ERROR(CheckSegmentHeader(header, meta.first_seq));
  SegmentCursor cursor(file->get(), meta.first_seq, std::numeric_limits<int64_t>::min());
  IndexStride stride;
  RecordView record;
  std::string why;
  while (cursor.records() < meta.record_count) {
    const uint64_t offset = cursor.offset();
    auto step = cursor.Next(&record, &why);
    if (!step.ok()) return step.status();
    if (*step == SegmentCursor::Step::kEnd) why = "the segment ends early";
    if (*step != SegmentCursor::Step::kRecord) {
      return Status::Corruption(name + " at offset " + std::to_string(offset) + ": " + why);
    }
    stride.Offer(record.seq, record.archive_time_ms, offset, entries);
  }
  return Status::Ok();
}

}  // namespace sluice::archive
