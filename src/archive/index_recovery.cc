#include "archive/index_recovery.h"

#include <algorithm>
#include <string>
#include <vector>

#include "archive/durable_file.h"
#include "archive/file_names.h"
#include "archive/index_file.h"
#include "archive/retention.h"

namespace sluice::archive {
namespace {

Status RemoveOrphans(FileSystem* fs, const std::filesystem::path& dir, RecoveryReport* report) {
  auto listing = ListArchiveDirectory(fs, dir);
  if (!listing.ok()) return listing.status();
  std::vector<std::string> orphans;
  for (const uint64_t seq : listing->metas) {
    if (!std::binary_search(listing->segments.begin(), listing->segments.end(), seq)) {
      orphans.push_back(MetaFileName(seq));
    }
  }
  for (const uint64_t seq : listing->indexes) {
    if (!std::binary_search(listing->segments.begin(), listing->segments.end(), seq)) {
      orphans.push_back(IndexFileName(seq));
    }
  }
  for (const std::string& name : orphans) {
    SLUICE_RETURN_IF_ERROR(RemoveIfPresent(fs, dir / name));
    report->events.push_back({.kind = RecoveryEvent::Kind::kRemovedOrphanFile,
                              .segment = name,
                              .detail = "its segment does not exist"});
  }
  if (!orphans.empty()) SLUICE_RETURN_IF_ERROR(fs->SyncDir(dir));
  return Status::Ok();
}

// The entries of a sealed segment that recovery trusted without reading it.
Result<std::vector<IndexEntry>> SealedSegmentEntries(FileSystem* fs,
                                                     const std::filesystem::path& dir,
                                                     const SegmentMeta& meta,
                                                     RecoveryReport* report) {
  auto loaded = ReadSegmentIndex(fs, dir, meta);
  if (loaded.ok()) return loaded;
  const StatusCode code = loaded.status().code();
  if (code != StatusCode::kNotFound && code != StatusCode::kCorruption) return loaded.status();
  RecoveryEvent event{
      .kind = RecoveryEvent::Kind::kRebuiltIndex,
      .segment = SegmentFileName(meta.first_seq),
      .detail = code == StatusCode::kNotFound ? "index missing" : loaded.status().message()};
  std::vector<IndexEntry> entries;
  Status built = BuildSegmentIndex(fs, dir, meta, &entries);
  if (built.ok()) {
    SLUICE_RETURN_IF_ERROR(WriteSegmentIndex(fs, dir, meta, entries));
  } else if (built.code() == StatusCode::kCorruption) {
    // Damage inside a sealed segment is its readers' to report (recovery checks only the
    // ends). The index stays usable up to the damage and at the last record, which recovery
    // verified; not writing it makes the next Open try again.
    if (!meta.empty() && (entries.empty() || entries.back().offset < meta.last_record_offset)) {
      entries.push_back({meta.end_seq() - 1, meta.last_time_ms, meta.last_record_offset});
    }
    event.detail += "; segment damaged, index partial: " + built.message();
  } else {
    return built;
  }
  report->events.push_back(std::move(event));
  return entries;
}

Status LoadDeletedThrough(FileSystem* fs, const std::filesystem::path& dir, ArchiveIndex* index,
                          RecoveryReport* report) {
  auto deleted_through = ReadDeletedThrough(fs, dir);
  if (deleted_through.ok()) {
    index->SetDeletedThrough(*deleted_through);
    return Status::Ok();
  }
  if (deleted_through.status().code() != StatusCode::kCorruption) return deleted_through.status();
  // Only what retention wrote is unknown; the records left are known. Claiming everything
  // before the oldest one may have been deleted is true whatever the lost value was.
  const ArchiveBounds bounds = index->Bounds();
  int64_t estimate = 0;
  if (!bounds.empty && bounds.first_seq > kFirstSequence) estimate = bounds.first_time_ms - 1;
  SLUICE_RETURN_IF_ERROR(WriteDeletedThrough(fs, dir, estimate));
  index->SetDeletedThrough(estimate);
  report->events.push_back({.kind = RecoveryEvent::Kind::kRebuiltRetentionState,
                            .segment = std::string(kRetentionFileName),
                            .detail = deleted_through.status().message()});
  return Status::Ok();
}

}  // namespace

Status LoadArchiveIndex(FileSystem* fs, const std::filesystem::path& dir,
                        const RecoveredArchive& recovered, ArchiveIndex* index,
                        RecoveryReport* report) {
  SLUICE_RETURN_IF_ERROR(RemoveOrphans(fs, dir, report));
  for (const RecoveredSegment& segment : recovered.segments) {
    const SegmentMeta& meta = segment.meta;
    std::vector<IndexEntry> entries;
    if (segment.entries) {
      entries = *segment.entries;
      if (segment.sealed) {
        SLUICE_RETURN_IF_ERROR(WriteSegmentIndex(fs, dir, meta, entries));
      } else {
        SLUICE_RETURN_IF_ERROR(RemoveIfPresent(fs, dir / IndexFileName(meta.first_seq)));
      }
    } else {
      auto loaded = SealedSegmentEntries(fs, dir, meta, report);
      if (!loaded.ok()) return loaded.status();
      entries = std::move(*loaded);
    }
    const IndexedSegment info{.first_seq = meta.first_seq,
                              .end_seq = meta.end_seq(),
                              .first_time_ms = meta.first_time_ms,
                              .last_time_ms = meta.last_time_ms,
                              .data_size = meta.data_size,
                              .sealed = segment.sealed};
    index->AddSegment(info, std::move(entries));
  }
  return LoadDeletedThrough(fs, dir, index, report);
}

}  // namespace sluice::archive
