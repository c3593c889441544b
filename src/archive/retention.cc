#include "archive/retention.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "archive/archive_format.h"
#include "archive/coding.h"
#include "archive/crc.h"
#include "archive/durable_file.h"
#include "archive/file_names.h"

namespace sluice::archive {
namespace {

// Covers everything after the crc field.
uint32_t RetentionCrc(const char* bytes) {
  return Crc32(bytes + kRetentionVersionOffset, kRetentionSize - kRetentionVersionOffset);
}

std::string EncodeRetention(int64_t deleted_through_ms) {
  std::string bytes(kRetentionSize, '\0');
  char* p = bytes.data();
  bytes.replace(0, kRetentionMagic.size(), kRetentionMagic);
  EncodeFixed32(p + kRetentionVersionOffset, kFormatVersion);
  EncodeFixed64(p + kRetentionDeletedThroughOffset, static_cast<uint64_t>(deleted_through_ms));
  EncodeFixed32(p + kRetentionCrcOffset, RetentionCrc(p));
  return bytes;
}

// Size of `path`, 0 if it is gone.
Result<uint64_t> SizeIfPresent(FileSystem* fs, const std::filesystem::path& path) {
  auto size = fs->FileSize(path);
  if (!size.ok() && size.status().code() == StatusCode::kNotFound) return uint64_t{0};
  return size;
}

// Removes the three files of segment `first_seq`, segment first: a crash in between leaves
// a .meta or .idx without segment, which Writer::Open deletes, never a segment without meta
// (which recovery would have to scan and would bring back).
Result<uint64_t> DeleteSegmentFiles(FileSystem* fs, const std::filesystem::path& dir,
                                    uint64_t first_seq) {
  uint64_t bytes = 0;
  for (const std::string& name :
       {SegmentFileName(first_seq), MetaFileName(first_seq), IndexFileName(first_seq)}) {
    auto size = SizeIfPresent(fs, dir / name);
    if (!size.ok()) return size.status();
    SLUICE_RETURN_IF_ERROR(RemoveIfPresent(fs, dir / name));
    bytes += *size;
  }
  return bytes;
}

}  // namespace

Result<RetentionResult> DeleteSegmentsOlderThan(const std::filesystem::path& dir,
                                                ArchiveIndex& index, int64_t cutoff_ms,
                                                FileSystem* fs) {
  std::unique_ptr<FileSystem> owned_fs;
  fs = FileSystemOrPosix(fs, owned_fs);
  const std::vector<IndexedSegment> segments = index.Segments();
  std::vector<uint64_t> doomed;
  int64_t deleted_through_ms = index.Bounds().deleted_through_ms;
  for (size_t i = 0; i + 1 < segments.size(); ++i) {
    const IndexedSegment& segment = segments[i];
    if (!segment.sealed || (!segment.empty() && segment.last_time_ms >= cutoff_ms)) break;
    doomed.push_back(segment.first_seq);
    if (!segment.empty()) deleted_through_ms = std::max(deleted_through_ms, segment.last_time_ms);
  }
  RetentionResult result;
  if (!doomed.empty()) {
    // Recorded first: after a crash it must not look as if deleted records never existed.
    SLUICE_RETURN_IF_ERROR(WriteDeletedThrough(fs, dir, deleted_through_ms));
    index.SetDeletedThrough(deleted_through_ms);
    for (const uint64_t first_seq : doomed) {
      if (!index.RemoveOldestSegment(first_seq)) break;
      auto bytes = DeleteSegmentFiles(fs, dir, first_seq);
      if (!bytes.ok()) return bytes.status();
      ++result.segments_deleted;
      result.bytes_deleted += *bytes;
    }
    SLUICE_RETURN_IF_ERROR(fs->SyncDir(dir));
  }
  auto remaining = ArchiveDiskBytes(dir, fs);
  if (!remaining.ok()) return remaining.status();
  result.bytes_remaining = *remaining;
  return result;
}

Result<uint64_t> ArchiveDiskBytes(const std::filesystem::path& dir, FileSystem* fs) {
  std::unique_ptr<FileSystem> owned_fs;
  fs = FileSystemOrPosix(fs, owned_fs);
  auto listing = ListArchiveDirectory(fs, dir);
  if (!listing.ok()) return listing.status();
  uint64_t total = 0;
  auto add = [&](const std::string& name) -> Status {
    auto size = SizeIfPresent(fs, dir / name);
    if (!size.ok()) return size.status();
    total += *size;
    return Status::Ok();
  };
  for (const uint64_t seq : listing->segments) SLUICE_RETURN_IF_ERROR(add(SegmentFileName(seq)));
  for (const uint64_t seq : listing->metas) SLUICE_RETURN_IF_ERROR(add(MetaFileName(seq)));
  for (const uint64_t seq : listing->indexes) SLUICE_RETURN_IF_ERROR(add(IndexFileName(seq)));
  return total;
}

Result<int64_t> ReadDeletedThrough(FileSystem* fs, const std::filesystem::path& dir) {
  auto file = fs->NewRandomAccessFile(dir / kRetentionFileName);
  if (!file.ok()) {
    if (file.status().code() == StatusCode::kNotFound) return int64_t{0};
    return file.status();
  }
  // One byte more than the file should have, so that a longer one is seen as damaged.
  std::string bytes(kRetentionSize + 1, '\0');
  auto got = (*file)->Read(0, bytes.size(), bytes.data());
  if (!got.ok()) return got.status();
  bytes.resize(*got);
  const char* p = bytes.data();
  if (bytes.size() != kRetentionSize ||
      bytes.substr(0, kRetentionMagic.size()) != kRetentionMagic ||
      DecodeFixed32(p + kRetentionCrcOffset) != RetentionCrc(p) ||
      DecodeFixed32(p + kRetentionVersionOffset) != kFormatVersion) {
    return Status::Corruption(std::string(kRetentionFileName) + " is damaged");
  }
  return static_cast<int64_t>(DecodeFixed64(p + kRetentionDeletedThroughOffset));
}

Status WriteDeletedThrough(FileSystem* fs, const std::filesystem::path& dir,
                           int64_t deleted_through_ms) {
  return WriteFileDurably(fs, dir, kRetentionFileName, EncodeRetention(deleted_through_ms));
}

}  // namespace sluice::archive
