#include "archive/segment_list.h"

#include <memory>

#include "archive/file_names.h"
#include "archive/segment_meta.h"
#include "archive/segment_recovery.h"

namespace sluice::archive {

Result<std::vector<SegmentInfo>> ListSegments(const std::filesystem::path& dir, FileSystem* fs) {
  std::unique_ptr<FileSystem> owned_fs;
  fs = FileSystemOrPosix(fs, owned_fs);
  auto listing = ListArchiveDirectory(fs, dir);
  if (!listing.ok()) return listing.status();
  std::vector<SegmentInfo> segments;
  segments.reserve(listing->segments.size());
  for (const uint64_t first_seq : listing->segments) {
    SegmentInfo info;
    info.file_name = SegmentFileName(first_seq);
    auto size = fs->FileSize(dir / info.file_name);
    if (!size.ok()) {
      // Quarantined by a Writer's recovery since the directory was listed.
      if (size.status().code() == StatusCode::kNotFound) continue;
      return size.status();
    }
    info.size_bytes = *size;
    auto meta = ReadSegmentMeta(fs, dir, first_seq);
    if (meta.ok() && meta->data_size == *size) {
      info.sealed = true;
    } else {
      if (!meta.ok() && meta.status().code() == StatusCode::kIoError) return meta.status();
      meta = ScanSegment(fs, dir, first_seq);
      if (!meta.ok()) {
        return Status(meta.status().code(), info.file_name + ": " + meta.status().message());
      }
    }
    info.first_seq = meta->first_seq;
    info.record_count = meta->record_count;
    info.last_seq = meta->end_seq() - 1;
    info.first_time_ms = meta->first_time_ms;
    info.last_time_ms = meta->last_time_ms;
    segments.push_back(std::move(info));
  }
  return segments;
}

}  // namespace sluice::archive
