#include "archive/archive_recovery.h"

#include <string>
#include <utility>

#include "archive/durable_file.h"
#include "archive/file_names.h"
#include "archive/segment_recovery.h"

namespace sluice::archive {
namespace {

// Where segment `first_seq` stands before any repair: sealed and trusted (its meta), or to be
// scanned (nullopt, with *why_untrusted set if a meta existed but did not hold).
Result<std::optional<SegmentMeta>> TrustedMeta(FileSystem* fs, const std::filesystem::path& dir,
                                               uint64_t first_seq, bool* had_meta,
                                               std::string* why_untrusted) {
  auto meta = ReadSegmentMeta(fs, dir, first_seq);
  *had_meta = meta.ok() || meta.status().code() != StatusCode::kNotFound;
  if (!meta.ok()) {
    if (meta.status().code() == StatusCode::kNotFound) return std::optional<SegmentMeta>();
    if (meta.status().code() != StatusCode::kCorruption) return meta.status();
    *why_untrusted = meta.status().message();
    return std::optional<SegmentMeta>();
  }
  Status check = CheckSegmentAgainstMeta(fs, dir, *meta);
  if (check.ok()) return std::optional<SegmentMeta>(*meta);
  if (check.code() != StatusCode::kCorruption) return check;
  *why_untrusted = check.message();
  return std::optional<SegmentMeta>();
}

}  // namespace

Result<RecoveredArchive> RecoverArchive(FileSystem* fs, const std::filesystem::path& dir,
                                        RecoveryReport* report) {
  auto listing = ListArchiveDirectory(fs, dir);
  if (!listing.ok()) return listing.status();
  for (const std::string& name : listing->temp_files) {
    SLUICE_RETURN_IF_ERROR(RemoveIfPresent(fs, dir / name));
    report->events.push_back({.kind = RecoveryEvent::Kind::kRemovedTempFile, .segment = name});
  }
  if (!listing->temp_files.empty()) SLUICE_RETURN_IF_ERROR(fs->SyncDir(dir));

  RecoveredArchive archive;
  std::optional<SegmentMeta> previous;  // the last segment kept so far
  const std::vector<uint64_t>& segments = listing->segments;
  for (size_t i = 0; i < segments.size(); ++i) {
    const uint64_t first_seq = segments[i];
    const bool is_last = i + 1 == segments.size();
    const std::string name = SegmentFileName(first_seq);
    bool had_meta = false;
    std::string why_untrusted;
    auto trusted = TrustedMeta(fs, dir, first_seq, &had_meta, &why_untrusted);
    if (!trusted.ok()) return trusted.status();
    std::optional<SegmentMeta> meta = *trusted;
    bool sealed = meta.has_value();
    std::optional<std::vector<IndexEntry>> entries;
    if (!meta) {
      ++report->segments_scanned;
      entries.emplace();
      auto recovered = RecoverSegment(fs, dir, first_seq, report, &*entries);
      if (!recovered.ok()) return recovered.status();
      meta = *recovered;
      if (!meta) {  // quarantined whole: its sidecars describe nothing any more
        if (had_meta) SLUICE_RETURN_IF_ERROR(RemoveIfPresent(fs, dir / MetaFileName(first_seq)));
        SLUICE_RETURN_IF_ERROR(RemoveIfPresent(fs, dir / IndexFileName(first_seq)));
        continue;
      }
      if (had_meta || !is_last) {
        report->events.push_back(
            {.kind = RecoveryEvent::Kind::kRebuiltMeta,
             .segment = name,
             .detail = had_meta ? why_untrusted : "meta missing on a segment that is not last"});
      }
      if (!is_last) {
        SLUICE_RETURN_IF_ERROR(WriteSegmentMeta(fs, dir, *meta));
        sealed = true;
      } else if (had_meta) {
        // The last segment stays open for appends, and an open segment has no meta.
        SLUICE_RETURN_IF_ERROR(RemoveIfPresent(fs, dir / MetaFileName(first_seq)));
        SLUICE_RETURN_IF_ERROR(fs->SyncDir(dir));
      }
    }
    if (previous && meta->first_seq < previous->end_seq()) {
      return Status::Corruption(name + " starts at sequence " + std::to_string(meta->first_seq) +
                                " but the segment before it ends at " +
                                std::to_string(previous->end_seq() - 1));
    }
    if (!meta->empty() && meta->first_time_ms < archive.last_archive_time_ms) {
      return Status::Corruption(name + " starts at archive time " +
                                std::to_string(meta->first_time_ms) +
                                ", before the end of the segment before it");
    }
    if (!meta->empty()) archive.last_archive_time_ms = meta->last_time_ms;
    ++report->segments;
    previous = meta;
    // An empty sealed last segment is reopened rather than left in the way of the next segment,
    // which would have the same name.
    if (is_last && sealed && meta->empty()) {
      SLUICE_RETURN_IF_ERROR(RemoveIfPresent(fs, dir / MetaFileName(first_seq)));
      SLUICE_RETURN_IF_ERROR(fs->SyncDir(dir));
      sealed = false;
    }
    archive.active = (is_last && !sealed) ? meta : std::nullopt;
    if (meta->empty()) entries.emplace();
    archive.segments.push_back({*meta, sealed, std::move(entries)});
  }
  if (previous) archive.next_seq = std::max(archive.next_seq, previous->end_seq());
  report->next_seq = archive.next_seq;
  report->last_archive_time_ms = archive.last_archive_time_ms;
  return archive;
}

}  // namespace sluice::archive
