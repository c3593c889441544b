#include "archive/segment_recovery.h"

#include <algorithm>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "archive/archive_format.h"
#include "archive/file_names.h"
#include "archive/record_codec.h"
#include "archive/segment_cursor.h"
#include "archive/segment_header.h"

namespace sluice::archive {
namespace {

constexpr size_t kChunkBytes = 1 << 20;
constexpr int64_t kNoTime = std::numeric_limits<int64_t>::min();

struct ScanOutcome {
  SegmentMeta meta;
  SegmentCursor::Step stop = SegmentCursor::Step::kEnd;
  std::string why;         // for kCorrupt
  uint64_t file_size = 0;  // when the scan stopped
};

Status ReadHeader(const RandomAccessFile& file, uint64_t first_seq) {
  std::string header(kSegmentHeaderSize, '\0');
  auto got = file.Read(0, header.size(), header.data());
  if (!got.ok()) return got.status();
  header.resize(*got);
  return CheckSegmentHeader(header, first_seq);
}

// Walks the records up to the first incomplete or damaged one; if `entries` is not null it
// receives their sparse index entries.
Result<ScanOutcome> ScanRecords(const RandomAccessFile& file, uint64_t first_seq,
                                std::vector<IndexEntry>* entries) {
  SegmentCursor cursor(&file, first_seq, kNoTime);
  ScanOutcome outcome;
  RecordView record;
  IndexStride stride;
  while (true) {
    const uint64_t offset = cursor.offset();
    auto step = cursor.Next(&record, &outcome.why);
    if (!step.ok()) return step.status();
    if (*step != SegmentCursor::Step::kRecord) {
      outcome.stop = *step;
      break;
    }
    if (entries != nullptr) stride.Offer(record.seq, record.archive_time_ms, offset, entries);
  }
  outcome.meta.first_seq = first_seq;
  outcome.meta.record_count = cursor.records();
  if (cursor.records() > 0) {
    outcome.meta.first_time_ms = cursor.first_time_ms();
    outcome.meta.last_time_ms = cursor.last_time_ms();
    outcome.meta.last_record_offset = cursor.last_record_offset();
  }
  outcome.meta.data_size = cursor.offset();
  auto size = file.Size();
  if (!size.ok()) return size.status();
  outcome.file_size = *size;
  return outcome;
}

Result<bool> AllZero(const RandomAccessFile& file, uint64_t from, uint64_t end) {
  std::vector<char> chunk(kChunkBytes);
  for (uint64_t pos = from; pos < end;) {
    auto got = file.Read(pos, std::min<uint64_t>(chunk.size(), end - pos), chunk.data());
    if (!got.ok()) return got.status();
    if (*got == 0) break;
    if (std::any_of(chunk.begin(), chunk.begin() + *got, [](char c) { return c != 0; })) {
      return false;
    }
    pos += *got;
  }
  return true;
}

// Counts the intact records in [from, end) found by trying every byte offset as a record
// start: what a damaged record took down with it. Only candidates whose sequence and time fit
// after `min_seq`/`min_time_ms` have their checksum computed, so garbage is skipped cheaply.
Result<uint64_t> CountIntactRecords(const RandomAccessFile& file, uint64_t from, uint64_t end,
                                    uint64_t min_seq, int64_t min_time_ms) {
  // No record is smaller than its header, so no later sequence can be further off than this.
  const uint64_t max_seq = min_seq + (end - from) / kRecordHeaderSize + 1;
  std::vector<char> window;
  uint64_t window_offset = 0;
  size_t window_size = 0;
  // Makes [pos, pos + n) available in the window; false if the file ends first.
  auto ensure = [&](uint64_t pos, size_t n) -> Result<bool> {
    if (pos >= window_offset && pos + n <= window_offset + window_size) return true;
    window.resize(std::max(n, kChunkBytes));
    auto got = file.Read(pos, window.size(), window.data());
    if (!got.ok()) return got.status();
    window_offset = pos;
    window_size = *got;
    return window_size >= n;
  };
  uint64_t count = 0;
  uint64_t pos = from;
  while (pos + kRecordHeaderSize <= end) {
    auto have = ensure(pos, kRecordHeaderSize);
    if (!have.ok()) return have.status();
    if (!*have) break;
    const RecordHeader header = DecodeRecordHeader(window.data() + (pos - window_offset));
    const uint64_t size = EncodedRecordSize(header.length);
    if (header.length <= kMaxRecordPayloadBytes && pos + size <= end && header.seq >= min_seq &&
        header.seq <= max_seq && header.archive_time_ms >= min_time_ms) {
      have = ensure(pos, size);
      if (!have.ok()) return have.status();
      RecordView record;
      size_t parsed_size = 0;
      std::string why;
      const std::string_view data(window.data() + (pos - window_offset), size);
      if (*have && ParseRecord(data, header.seq, min_time_ms, &record, &parsed_size, &why) ==
                       RecordParse::kRecord) {
        ++count;
        min_seq = header.seq + 1;
        min_time_ms = header.archive_time_ms;
        pos += size;
        continue;
      }
    }
    ++pos;
  }
  return count;
}

// Picks a quarantine name not yet used, or the one a previous, interrupted recovery already
// filled with these same bytes (then *already_done).
Result<std::string> PickQuarantineName(FileSystem* fs, const std::filesystem::path& dir,
                                       const std::string& segment, uint64_t offset, uint64_t bytes,
                                       bool* already_done) {
  *already_done = false;
  const std::string base = QuarantineFileName(segment, offset);
  for (int attempt = 0;; ++attempt) {
    std::string name = attempt == 0 ? base : base + "." + std::to_string(attempt);
    auto size = fs->FileSize(dir / name);
    if (!size.ok()) {
      if (size.status().code() == StatusCode::kNotFound) return name;
      return size.status();
    }
    if (*size == bytes && offset > 0) {
      *already_done = true;
      return name;
    }
  }
}

// Copies [offset, end) of the segment to `name` durably (temp file, fdatasync, rename, fsync
// of the directory): only then may the segment be cut.
Status CopyToQuarantine(FileSystem* fs, const std::filesystem::path& dir,
                        const RandomAccessFile& segment, uint64_t offset, uint64_t end,
                        const std::string& name) {
  const std::filesystem::path temp = dir / TempFileName(name);
  auto out = fs->NewWritableFile(temp);
  if (!out.ok()) return out.status();
  std::vector<char> chunk(kChunkBytes);
  for (uint64_t pos = offset; pos < end;) {
    auto got = segment.Read(pos, std::min<uint64_t>(chunk.size(), end - pos), chunk.data());
    if (!got.ok()) return got.status();
    if (*got == 0) break;
    SLUICE_RETURN_IF_ERROR((*out)->Append(std::string_view(chunk.data(), *got)));
    pos += *got;
  }
  SLUICE_RETURN_IF_ERROR((*out)->Sync());
  SLUICE_RETURN_IF_ERROR((*out)->Close());
  SLUICE_RETURN_IF_ERROR(fs->Rename(temp, dir / name));
  return fs->SyncDir(dir);
}

Status TruncateDurably(FileSystem* fs, const std::filesystem::path& path, uint64_t size) {
  auto file = fs->NewAppendableFile(path);
  if (!file.ok()) return file.status();
  SLUICE_RETURN_IF_ERROR((*file)->Truncate(size));
  SLUICE_RETURN_IF_ERROR((*file)->Sync());
  return (*file)->Close();
}

// The header is unreadable, so nothing in the file can be trusted to belong here: move the
// whole file aside under a name Open ignores.
Status QuarantineWholeSegment(FileSystem* fs, const std::filesystem::path& dir,
                              const RandomAccessFile& file, uint64_t first_seq,
                              const Status& damage, RecoveryReport* report) {
  const std::string segment = SegmentFileName(first_seq);
  auto size = file.Size();
  if (!size.ok()) return size.status();
  auto records_after = CountIntactRecords(file, 0, *size, first_seq, kNoTime);
  if (!records_after.ok()) return records_after.status();
  bool already_done = false;
  auto name = PickQuarantineName(fs, dir, segment, 0, *size, &already_done);
  if (!name.ok()) return name.status();
  SLUICE_RETURN_IF_ERROR(fs->Rename(dir / segment, dir / *name));
  SLUICE_RETURN_IF_ERROR(fs->SyncDir(dir));
  RecoveryEvent event{.kind = RecoveryEvent::Kind::kQuarantinedSegment,
                      .segment = segment,
                      .offset = 0,
                      .bytes = *size,
                      .records_after = *records_after,
                      .quarantine_file = *name,
                      .detail = damage.message()};
  report->events.push_back(std::move(event));
  return Status::Ok();
}

}  // namespace

Result<std::optional<SegmentMeta>> RecoverSegment(FileSystem* fs, const std::filesystem::path& dir,
                                                  uint64_t first_seq, RecoveryReport* report,
                                                  std::vector<IndexEntry>* entries) {
  if (entries != nullptr) entries->clear();
  const std::string segment = SegmentFileName(first_seq);
  auto file = fs->NewRandomAccessFile(dir / segment);
  if (!file.ok()) return file.status();
  if (Status header = ReadHeader(**file, first_seq); !header.ok()) {
    if (header.code() != StatusCode::kCorruption) return header;
    SLUICE_RETURN_IF_ERROR(QuarantineWholeSegment(fs, dir, **file, first_seq, header, report));
    return std::optional<SegmentMeta>();
  }
  auto scan = ScanRecords(**file, first_seq, entries);
  if (!scan.ok()) return scan.status();
  const uint64_t cut = scan->meta.data_size;
  const uint64_t end = scan->file_size;
  if (cut >= end) return std::optional<SegmentMeta>(scan->meta);

  RecoveryEvent event{.segment = segment, .offset = cut, .bytes = end - cut};
  auto zero = AllZero(**file, cut, end);
  if (!zero.ok()) return zero.status();
  bool quarantine = false;
  if (*zero) {
    event.kind = RecoveryEvent::Kind::kTruncatedZeroTail;
  } else {
    auto records_after = CountIntactRecords(**file, cut + 1, end, scan->meta.end_seq(),
                                            scan->meta.empty() ? kNoTime : scan->meta.last_time_ms);
    if (!records_after.ok()) return records_after.status();
    event.records_after = *records_after;
    if (scan->stop == SegmentCursor::Step::kCorrupt) {
      quarantine = true;
      event.detail = scan->why;
    } else if (*records_after > 0) {
      // A record "cut short by the end of the file" with intact records inside its claimed
      // length: its length field is damaged, it is not a torn write.
      quarantine = true;
      event.detail = "record length points past the end of the file, yet intact records follow";
    } else if (end - cut < kRecordHeaderSize) {
      event.kind = RecoveryEvent::Kind::kTruncatedTornHeader;
      event.detail = "file ends inside a record header";
    } else {
      event.kind = RecoveryEvent::Kind::kTruncatedTornPayload;
      event.detail = "record length points past the end of the file";
    }
  }
  if (quarantine) {
    event.kind = RecoveryEvent::Kind::kQuarantinedCorruptTail;
    bool already_done = false;
    auto name = PickQuarantineName(fs, dir, segment, cut, end - cut, &already_done);
    if (!name.ok()) return name.status();
    if (!already_done) {
      SLUICE_RETURN_IF_ERROR(CopyToQuarantine(fs, dir, **file, cut, end, *name));
    }
    event.quarantine_file = *name;
  }
  SLUICE_RETURN_IF_ERROR(TruncateDurably(fs, dir / segment, cut));
  report->events.push_back(std::move(event));
  return std::optional<SegmentMeta>(scan->meta);
}

Result<SegmentMeta> ScanSegment(FileSystem* fs, const std::filesystem::path& dir,
                                uint64_t first_seq) {
  auto file = fs->NewRandomAccessFile(dir / SegmentFileName(first_seq));
  if (!file.ok()) return file.status();
  SLUICE_RETURN_IF_ERROR(ReadHeader(**file, first_seq));
  auto scan = ScanRecords(**file, first_seq, nullptr);
  if (!scan.ok()) return scan.status();
  return scan->meta;
}

}  // namespace sluice::archive
