#include "archive/reader.h"

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
  if (fs == nullptr) {
    owned_fs = NewPosixFileSystem();
    fs = owned_fs.get();
  }
  auto listing = fs->ListDir(dir);
  if (!listing.ok()) return listing.status();
  return std::unique_ptr<Reader>(new Reader(dir, from_seq, std::move(owned_fs), fs));
}

Reader::Reader(std::filesystem::path dir, uint64_t from_seq, std::unique_ptr<FileSystem> owned_fs,
               FileSystem* fs)
    : dir_(std::move(dir)), from_seq_(from_seq), owned_fs_(std::move(owned_fs)), fs_(fs) {}

Result<bool> Reader::Next(RecordView& out) {
  while (true) {
    if (cursor_ == nullptr) {
      auto opened = OpenNextSegment();
      if (!opened.ok() || !*opened) return opened;
    }
    RecordView record;
    std::string why;
    auto step = cursor_->Next(&record, &why);
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
      case SegmentCursor::Step::kEnd:
        break;
    }
    if (!sealed_size_) {
      auto meta = ReadSegmentMeta(fs_, dir_, *segment_);
      if (!meta.ok()) {
        // No meta: the Writer may still append here. That is the normal end for now.
        if (meta.status().code() == StatusCode::kNotFound) return false;
        return meta.status();
      }
      // Sealed meanwhile: records written before the seal may not have been read yet.
      sealed_size_ = meta->data_size;
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

Result<bool> Reader::OpenNextSegment() {
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
  auto file = fs_->NewRandomAccessFile(dir_ / SegmentFileName(*next));
  if (!file.ok()) return file.status();
  std::string header(kSegmentHeaderSize, '\0');
  auto got = (*file)->Read(0, header.size(), header.data());
  if (!got.ok()) return got.status();
  header.resize(*got);
  if (Status status = CheckSegmentHeader(header, *next); !status.ok()) {
    return Status(status.code(), SegmentFileName(*next) + ": " + status.message());
  }
  segment_ = next;
  file_ = std::move(*file);
  cursor_ = std::make_unique<SegmentCursor>(file_.get(), *next, last_time_ms_);
  sealed_size_.reset();
  return true;
}

}  // namespace sluice::archive
