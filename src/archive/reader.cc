#include "archive/reader.h"

#include <algorithm>
#include <string>
#include <utility>

#include "archive/archive_format.h"
#include "archive/file_names.h"
#include "archive/segment_header.h"
#include "archive/segment_meta.h"

namespace sluice::archive {

Result<std::unique_ptr<Reader>> Reader::Open(const std::filesystem::path& dir, uint64_t from_seq,
                                             FileSystem* fs) {
  std::unique_ptr<FileSystem> owned_fs;
  fs = FileSystemOrPosix(fs, owned_fs);
  auto listing = fs->ListDir(dir);
  if (!listing.ok()) return listing.status();
  return std::unique_ptr<Reader>(new Reader(dir, from_seq, std::move(owned_fs), fs));
}

Result<std::unique_ptr<Reader>> Reader::Open(const std::filesystem::path& dir,
                                             const ArchiveIndex& index, uint64_t from_seq,
                                             FileSystem* fs) {
  auto reader = Open(dir, from_seq, fs);
  if (!reader.ok()) return reader;
  uint64_t missing = 0;  // a segment found missing; 0: none yet
  while (true) {
    const SeekPoint point = index.Seek(from_seq);
    // No segment yet: the first one is found by name once the Writer has created it.
    if (point.segment_first_seq == 0) return reader;
    Status opened = (*reader)->OpenSegment(point.segment_first_seq, point.offset, point.seq);
    if (opened.ok()) return reader;
    if (opened.code() != StatusCode::kNotFound) return opened;
    // Retention removes a segment from the index before deleting it, so a second Seek points
    // past a segment deleted meanwhile; one that stays missing is damage.
    if (missing == point.segment_first_seq) return Status::Corruption(opened.message());
    missing = point.segment_first_seq;
  }
}

Reader::Reader(std::filesystem::path dir, uint64_t from_seq, std::unique_ptr<FileSystem> owned_fs,
               FileSystem* fs)
    : dir_(std::move(dir)), from_seq_(from_seq), owned_fs_(std::move(owned_fs)), fs_(fs) {}

void Reader::set_filter(RecordFilter filter, const void* arg) {
  filter_ = filter;
  filter_arg_ = arg;
  if (cursor_ != nullptr) cursor_->set_filter(filter, arg);
}

void Reader::NoteSkipped(uint64_t cursor_bytes_before) {
  skipped_bytes_ += cursor_->skipped_bytes() - cursor_bytes_before;
  if (cursor_->skipped_end_seq() > skipped_end_seq_) {
    skipped_end_seq_ = cursor_->skipped_end_seq();
    skipped_time_ms_ = cursor_->skipped_time_ms();
  }
}

Result<bool> Reader::Next(RecordView& out, uint64_t max_skip_bytes) {
  const uint64_t skipped_before_call = skipped_bytes_;
  while (true) {
    if (cursor_ == nullptr) {
      auto opened = OpenNextSegment();
      if (!opened.ok() || !*opened) return opened;
    }
    const uint64_t spent = skipped_bytes_ - skipped_before_call;
    if (spent >= max_skip_bytes) return false;
    RecordView record;
    std::string why;
    const uint64_t cursor_skipped = cursor_->skipped_bytes();
    auto step = cursor_->Next(&record, &why, max_skip_bytes - spent);
    NoteSkipped(cursor_skipped);
    if (!step.ok()) return step.status();
    switch (*step) {
      case SegmentCursor::Step::kRecord:
        last_time_ms_ = record.archive_time_ms;
        if (record.seq < from_seq_) continue;
        out = record;
        return true;
      case SegmentCursor::Step::kCorrupt:
        return Status::Corruption(SegmentFileName(*segment_) + " at offset " +
                                  std::to_string(cursor_->offset()) + ": " + why);
      case SegmentCursor::Step::kSkipLimit:
        return false;
      case SegmentCursor::Step::kEnd:
        break;
    }
    // Records the filter passed over still count for the time check across segments.
    last_time_ms_ = std::max(last_time_ms_, cursor_->last_time_ms());
    if (!sealed_size_) {
      auto sealed = CheckSealed();
      if (!sealed.ok() || !*sealed) return sealed;
      // Sealed meanwhile: records written before the seal may not have been read yet.
      continue;
    }
    if (cursor_->offset() < *sealed_size_) {
      return Status::Corruption(
          SegmentFileName(*segment_) + " is sealed at " + std::to_string(*sealed_size_) +
          " bytes but its records end at offset " + std::to_string(cursor_->offset()));
    }
    cursor_.reset();
    file_.reset();
  }
}

Result<bool> Reader::CheckSealed() {
  auto meta = ReadSegmentMeta(fs_, dir_, *segment_);
  if (meta.ok()) {
    sealed_size_ = meta->data_size;
    return true;
  }
  if (meta.status().code() != StatusCode::kNotFound) return meta.status();
  // No meta: the Writer may still append here, the normal end for now. Unless retention
  // deleted the segment (it deletes only sealed ones, the segment file before its meta): then
  // the file still open here is complete.
  auto size = fs_->FileSize(dir_ / SegmentFileName(*segment_));
  if (size.ok()) return false;
  if (size.status().code() != StatusCode::kNotFound) return size.status();
  auto open_size = file_->Size();
  if (!open_size.ok()) return open_size.status();
  sealed_size_ = *open_size;
  return true;
}

Result<bool> Reader::OpenNextSegment() {
  while (true) {
    auto listing = ListArchiveDirectory(fs_, dir_);
    if (!listing.ok()) return listing.status();
    std::optional<uint64_t> next;
    for (const uint64_t first_seq : listing->segments) {
      if (segment_) {
        if (first_seq > *segment_) {
          next = first_seq;
          break;
        }
      } else if (first_seq <= from_seq_ || !next) {
        // Before any segment was read: the last one that can hold from_seq, else the first.
        next = first_seq;
      }
    }
    if (!next) return false;
    Status opened = OpenSegment(*next, kSegmentHeaderSize, *next);
    if (opened.ok()) return true;
    // Deleted by retention since it was listed: the next listing no longer has it.
    if (opened.code() != StatusCode::kNotFound) return opened;
  }
}

Status Reader::OpenSegment(uint64_t first_seq, uint64_t offset, uint64_t seq) {
  auto file = fs_->NewRandomAccessFile(dir_ / SegmentFileName(first_seq));
  if (!file.ok()) return file.status();
  std::string header(kSegmentHeaderSize, '\0');
  auto got = (*file)->Read(0, header.size(), header.data());
  if (!got.ok()) return got.status();
  header.resize(*got);
  if (Status status = CheckSegmentHeader(header, first_seq); !status.ok()) {
    return Status(status.code(), SegmentFileName(first_seq) + ": " + status.message());
  }
  segment_ = first_seq;
  file_ = std::move(*file);
  cursor_ = std::make_unique<SegmentCursor>(file_.get(), offset, seq, last_time_ms_);
  cursor_->set_filter(filter_, filter_arg_);
  sealed_size_.reset();
  return Status::Ok();
}

}  // namespace sluice::archive
