#include "archive/archive_index.h"

#include <algorithm>
#include <cassert>
#include <limits>
#include <string>
#include <utility>

#include "archive/file_names.h"
#include "archive/segment_cursor.h"

namespace sluice::archive {

ArchiveIndex::ArchiveIndex(std::filesystem::path dir, FileSystem* fs, uint64_t next_seq)
    : dir_(std::move(dir)),
      owned_fs_(fs == nullptr ? NewPosixFileSystem() : nullptr),
      fs_(fs == nullptr ? owned_fs_.get() : fs),
      next_seq_(next_seq) {}

Result<uint64_t> ArchiveIndex::SeqAtTime(int64_t t_ms) const {
  while (true) {
    uint64_t answer = 0;
    TimeScan scan;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!PlanTimeLookup(t_ms, &answer, &scan)) return answer;
    }
    // The read happens outside the lock so that a slow disk does not stall the Writer.
    Result<uint64_t> found = ScanForTime(scan, t_ms);
    if (found.ok() || found.status().code() != StatusCode::kNotFound) return found;
    // Retention removes a segment from the index before it deletes the file, so a segment
    // still indexed but gone is damage; one no longer indexed was deleted meanwhile, and the
    // answer now lies in a later segment: plan again.
    std::lock_guard<std::mutex> lock(mu_);
    for (const Segment& segment : segments_) {
      if (segment.info.first_seq == scan.segment_first_seq) {
        return Status::Corruption(found.status().message());
      }
    }
  }
}

bool ArchiveIndex::PlanTimeLookup(int64_t t_ms, uint64_t* answer, TimeScan* scan) const {
  auto it = std::partition_point(segments_.begin(), segments_.end(),
                                 [t_ms](const Segment& s) { return s.time_bound_ms < t_ms; });
  // An empty segment can be first here only for the smallest t_ms; the answer is after it.
  while (it != segments_.end() && it->info.empty()) ++it;
  if (it == segments_.end()) {
    *answer = next_seq_;
    return false;
  }
  const Segment& segment = *it;
  if (segment.info.first_time_ms >= t_ms) {
    *answer = segment.info.first_seq;
    return false;
  }
  // entries[0] is the first record, whose time is < t_ms, so `entry` is past it.
  const auto entry =
      std::partition_point(segment.entries.begin(), segment.entries.end(),
                           [t_ms](const IndexEntry& e) { return e.archive_time_ms < t_ms; });
  scan->segment_first_seq = segment.info.first_seq;
  scan->start = *(entry - 1);
  scan->limit_seq = entry == segment.entries.end() ? segment.info.end_seq : entry->seq;
  scan->limit_offset = entry == segment.entries.end() ? segment.info.data_size : entry->offset;
  return true;
}

Result<uint64_t> ArchiveIndex::ScanForTime(const TimeScan& scan, int64_t t_ms) const {
  const std::string name = SegmentFileName(scan.segment_first_seq);
  auto file = fs_->NewRandomAccessFile(dir_ / name);
  if (!file.ok()) return file.status();
  // Exactly the bytes between the two entries: one read.
  const size_t chunk = std::max<uint64_t>(scan.limit_offset - scan.start.offset, kRecordHeaderSize);
  SegmentCursor cursor(file->get(), scan.start.offset, scan.start.seq, scan.start.archive_time_ms,
                       chunk);
  RecordView record;
  std::string why;
  while (cursor.next_seq() < scan.limit_seq) {
    const uint64_t offset = cursor.offset();
    auto step = cursor.Next(&record, &why);
    if (!step.ok()) return step.status();
    if (*step == SegmentCursor::Step::kEnd) {
      why = "ends before record " + std::to_string(scan.limit_seq) + " the index knows of";
    }
    if (*step != SegmentCursor::Step::kRecord) {
      return Status::Corruption(name + " at offset " + std::to_string(offset) + ": " + why);
    }
    if (record.archive_time_ms >= t_ms) return record.seq;
  }
  return scan.limit_seq;
}

SeekPoint ArchiveIndex::Seek(uint64_t seq) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (segments_.empty()) return {0, 0, next_seq_};
  if (seq >= next_seq_) {
    const IndexedSegment& last = segments_.back().info;
    return {last.first_seq, last.data_size, next_seq_};
  }
  auto it = std::upper_bound(segments_.begin(), segments_.end(), seq,
                             [](uint64_t s, const Segment& g) { return s < g.info.first_seq; });
  if (it != segments_.begin() && seq < std::prev(it)->info.end_seq) {
    const std::vector<IndexEntry>& entries = std::prev(it)->entries;
    const auto entry = std::upper_bound(entries.begin(), entries.end(), seq,
                                        [](uint64_t s, const IndexEntry& e) { return s < e.seq; });
    // entries[0] is the segment's first record, at or before seq.
    return {std::prev(it)->info.first_seq, std::prev(entry)->offset, std::prev(entry)->seq};
  }
  // Deleted, before the first segment, or in a gap: the next record that exists.
  if (it == segments_.end()) {
    const IndexedSegment& last = segments_.back().info;
    return {last.first_seq, last.data_size, next_seq_};
  }
  return {it->info.first_seq, kSegmentHeaderSize, it->info.first_seq};
}

ArchiveBounds ArchiveIndex::Bounds() const {
  std::lock_guard<std::mutex> lock(mu_);
  ArchiveBounds bounds;
  bounds.next_seq = next_seq_;
  bounds.first_seq = next_seq_;
  bounds.deleted_through_ms = deleted_through_ms_;
  for (const Segment& segment : segments_) {
    if (segment.info.empty()) continue;
    bounds.empty = false;
    bounds.first_seq = segment.info.first_seq;
    bounds.first_time_ms = segment.info.first_time_ms;
    bounds.last_time_ms = segments_.back().time_bound_ms;
    break;
  }
  return bounds;
}

std::vector<IndexedSegment> ArchiveIndex::Segments() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<IndexedSegment> segments;
  segments.reserve(segments_.size());
  for (const Segment& segment : segments_) segments.push_back(segment.info);
  return segments;
}

std::vector<IndexEntry> ArchiveIndex::SegmentEntries(uint64_t first_seq) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const Segment& segment : segments_) {
    if (segment.info.first_seq == first_seq) return segment.entries;
  }
  return {};
}

void ArchiveIndex::AddSegment(const IndexedSegment& segment, std::vector<IndexEntry> entries) {
  std::lock_guard<std::mutex> lock(mu_);
  assert(segments_.empty() || segment.first_seq >= segments_.back().info.end_seq);
  int64_t bound =
      segments_.empty() ? std::numeric_limits<int64_t>::min() : segments_.back().time_bound_ms;
  if (!segment.empty()) bound = std::max(bound, segment.last_time_ms);
  segments_.push_back({segment, bound, std::move(entries)});
  next_seq_ = std::max(next_seq_, segment.end_seq);
}

void ArchiveIndex::AppendRecords(uint64_t segment_first_seq,
                                 std::span<const IndexEntry> new_entries, uint64_t end_seq,
                                 int64_t last_time_ms, uint64_t data_size) {
  std::lock_guard<std::mutex> lock(mu_);
  Segment& segment = Newest();
  assert(segment.info.first_seq == segment_first_seq && !segment.info.sealed);
  (void)segment_first_seq;
  if (segment.info.empty() && !new_entries.empty()) {
    segment.info.first_time_ms = new_entries.front().archive_time_ms;
  }
  segment.entries.insert(segment.entries.end(), new_entries.begin(), new_entries.end());
  segment.info.end_seq = end_seq;
  segment.info.last_time_ms = last_time_ms;
  segment.info.data_size = data_size;
  segment.time_bound_ms = last_time_ms;
  next_seq_ = end_seq;
}

void ArchiveIndex::SealSegment(uint64_t first_seq) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = segments_.rbegin(); it != segments_.rend(); ++it) {
    if (it->info.first_seq == first_seq) {
      it->info.sealed = true;
      return;
    }
  }
}

bool ArchiveIndex::RemoveOldestSegment(uint64_t first_seq) {
  std::lock_guard<std::mutex> lock(mu_);
  if (segments_.size() < 2 || segments_.front().info.first_seq != first_seq ||
      !segments_.front().info.sealed) {
    return false;
  }
  segments_.pop_front();
  return true;
}

void ArchiveIndex::SetDeletedThrough(int64_t ms) {
  std::lock_guard<std::mutex> lock(mu_);
  deleted_through_ms_ = std::max(deleted_through_ms_, ms);
}

}  // namespace sluice::archive
