#include "archive/writer.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <string>
#include <utility>

#include "archive/archive_format.h"
#include "archive/archive_recovery.h"
#include "archive/file_names.h"
#include "archive/index_file.h"
#include "archive/index_recovery.h"
#include "archive/record_codec.h"
#include "archive/segment_header.h"

namespace sluice::archive {
namespace {

Status CheckOptions(const WriterOptions& options) {
  if (options.dir.empty()) return Status::InvalidArgument("archive dir is empty");
  if (options.sync_interval_ms < 0) {
    return Status::InvalidArgument("archive sync_interval_ms must not be negative");
  }
  if (options.segment_max_bytes <= kSegmentHeaderSize) {
    return Status::InvalidArgument("archive segment_max_bytes must exceed the segment header");
  }
  if (options.segment_max_ms <= 0) {
    return Status::InvalidArgument("archive segment_max_ms must be positive");
  }
  return Status::Ok();
}

// "a/b/" and "a/b" name the same directory; only the second has the parent we must fsync.
std::filesystem::path CanonicalDir(const std::filesystem::path& dir) {
  std::filesystem::path normal = dir.lexically_normal();
  if (!normal.has_filename() && normal.has_parent_path() && normal != normal.root_path()) {
    normal = normal.parent_path();
  }
  return normal;
}

}  // namespace

Result<std::unique_ptr<Writer>> Writer::Open(const WriterOptions& options, const Clock& clock,
                                             FileSystem* fs, RecoveryReport* report,
                                             WriterMetrics metrics) {
  SLUICE_RETURN_IF_ERROR(CheckOptions(options));
  // The index may outlive the Writer: it gets a file system of its own unless the caller's.
  FileSystem* const index_fs = fs;
  std::unique_ptr<FileSystem> owned_fs;
  fs = FileSystemOrPosix(fs, owned_fs);
  WriterOptions canonical = options;
  canonical.dir = CanonicalDir(options.dir);
  SLUICE_RETURN_IF_ERROR(fs->CreateDirs(canonical.dir));
  // The directory's own entry must survive a crash as much as the files in it.
  const std::filesystem::path parent =
      canonical.dir.has_parent_path() ? canonical.dir.parent_path() : ".";
  SLUICE_RETURN_IF_ERROR(fs->SyncDir(parent));
  auto lock = fs->LockFile(canonical.dir / kLockFileName);
  if (!lock.ok()) return lock.status();

  RecoveryReport local_report;
  if (report == nullptr) report = &local_report;
  *report = RecoveryReport();
  auto recovered = RecoverArchive(fs, canonical.dir, report);
  if (!recovered.ok()) return recovered.status();
  auto index = std::make_shared<ArchiveIndex>(canonical.dir, index_fs, recovered->next_seq);
  SLUICE_RETURN_IF_ERROR(LoadArchiveIndex(fs, canonical.dir, *recovered, index.get(), report));

  std::unique_ptr<Writer> writer(new Writer(canonical, clock, fs, std::move(owned_fs),
                                            std::move(*lock), metrics, std::move(index)));
  writer->next_seq_ = recovered->next_seq;
  writer->durable_seq_ = recovered->next_seq;
  writer->last_archive_time_ms_ = recovered->last_archive_time_ms;
  writer->last_sync_ms_ = writer->SyncClock().NowMs();
  SLUICE_RETURN_IF_ERROR(writer->Resume(recovered->active));
  return writer;
}

Writer::Writer(const WriterOptions& options, const Clock& clock, FileSystem* fs,
               std::unique_ptr<FileSystem> owned_fs, std::unique_ptr<FileLock> lock,
               WriterMetrics metrics, std::shared_ptr<ArchiveIndex> index)
    : options_(options),
      clock_(clock),
      owned_fs_(std::move(owned_fs)),
      fs_(fs),
      lock_(std::move(lock)),
      metrics_(metrics),
      index_(std::move(index)) {}

Writer::~Writer() {
  if (active_ == nullptr) return;
  if (poison_.ok()) (void)SyncActive();
  (void)active_->Close();
}

Status Writer::Resume(const std::optional<SegmentMeta>& active) {
  if (!active) return Status::Ok();
  auto file = fs_->NewAppendableFile(options_.dir / SegmentFileName(active->first_seq));
  if (!file.ok()) return file.status();
  // What survived a crash of this process may still be only in the page cache: make it as
  // durable as durable_seq() claims.
  SLUICE_RETURN_IF_ERROR((*file)->Sync());
  active_ = std::move(*file);
  active_meta_ = *active;
  index_stride_ = IndexStride(index_->SegmentEntries(active->first_seq));
  return Status::Ok();
}

Result<AppendResult> Writer::Append(std::span<const Record> records) {
  if (!poison_.ok()) return PoisonedError();
  if (records.empty()) return AppendResult{next_seq_, 0, last_archive_time_ms_};
  if (records.size() > std::numeric_limits<uint32_t>::max()) {
    return Status::InvalidArgument("archive group of " + std::to_string(records.size()) +
                                   " records is too large");
  }
  uint64_t group_bytes = 0;
  for (const Record& record : records) {
    if (record.bytes.size() > kMaxRecordPayloadBytes) {
      return Status::InvalidArgument("post " + std::to_string(record.post_id) + " is " +
                                     std::to_string(record.bytes.size()) +
                                     " bytes, more than the archive's record limit");
    }
    group_bytes += EncodedRecordSize(record.bytes.size());
  }
  const int64_t archive_time_ms = std::max(last_archive_time_ms_, clock_.NowMs());
  if (active_ != nullptr && ShouldRoll(group_bytes, archive_time_ms)) {
    SLUICE_RETURN_IF_ERROR(Seal());
  }
  if (active_ == nullptr) SLUICE_RETURN_IF_ERROR(StartSegment());

  if (buffer_.size() < group_bytes) buffer_.resize(group_bytes);
  uint64_t seq = next_seq_;
  size_t offset = 0;
  size_t last_record_offset = 0;
  new_entries_.clear();
  for (const Record& record : records) {
    index_stride_.Offer(seq, archive_time_ms, active_meta_.data_size + offset, &new_entries_);
    EncodeRecord(buffer_.data() + offset, seq++, archive_time_ms, record.post_id, record.bytes);
    last_record_offset = offset;
    offset += EncodedRecordSize(record.bytes.size());
  }
  Status written = active_->Append(std::string_view(buffer_.data(), group_bytes));
  if (!written.ok()) return Poison(std::move(written));

  if (active_meta_.empty()) active_meta_.first_time_ms = archive_time_ms;
  active_meta_.last_time_ms = archive_time_ms;
  active_meta_.record_count += records.size();
  active_meta_.last_record_offset = active_meta_.data_size + last_record_offset;
  active_meta_.data_size += group_bytes;
  const AppendResult result{next_seq_, static_cast<uint32_t>(records.size()), archive_time_ms};
  next_seq_ = seq;
  last_archive_time_ms_ = archive_time_ms;
  index_->AppendRecords(active_meta_.first_seq, new_entries_, next_seq_, archive_time_ms,
                        active_meta_.data_size);
  if (metrics_.bytes_archived != nullptr) metrics_.bytes_archived->Add(group_bytes);
  if (metrics_.records != nullptr) metrics_.records->Add(records.size());

  if (options_.sync_mode == SyncMode::kAlways) {
    SLUICE_RETURN_IF_ERROR(SyncActive());
  } else {
    SLUICE_RETURN_IF_ERROR(SyncIfDue());
  }
  return result;
}

Status Writer::SyncIfDue() {
  if (!poison_.ok()) return PoisonedError();
  if (options_.sync_mode == SyncMode::kAlways || durable_seq_ == next_seq_) return Status::Ok();
  const int64_t now_ms = SyncClock().NowMs();
  // A clock that went back must not postpone durability until it catches up again.
  if (now_ms - last_sync_ms_ >= options_.sync_interval_ms || now_ms < last_sync_ms_) {
    return SyncActive();
  }
  return Status::Ok();
}

Status Writer::Sync() {
  if (!poison_.ok()) return PoisonedError();
  return SyncActive();
}

bool Writer::ShouldRoll(uint64_t group_bytes, int64_t archive_time_ms) const {
  if (active_meta_.empty()) return false;  // a group too big for any segment goes in alone
  return active_meta_.data_size + group_bytes > options_.segment_max_bytes ||
         archive_time_ms - active_meta_.first_time_ms >= options_.segment_max_ms;
}

Status Writer::Seal() {
  SLUICE_RETURN_IF_ERROR(SyncActive());
  Status status = active_->Close();
  active_.reset();
  if (status.ok()) status = WriteSegmentMeta(fs_, options_.dir, active_meta_);
  // After the meta: an index without its meta would describe a segment still open.
  if (status.ok()) {
    status = WriteSegmentIndex(fs_, options_.dir, active_meta_,
                               index_->SegmentEntries(active_meta_.first_seq));
  }
  if (!status.ok()) return Poison(std::move(status));
  index_->SealSegment(active_meta_.first_seq);
  return Status::Ok();
}

Status Writer::StartSegment() {
  // Written under a temp name and renamed, so that a segment file always has its header.
  const std::string name = SegmentFileName(next_seq_);
  const std::filesystem::path temp = options_.dir / TempFileName(name);
  auto file = fs_->NewWritableFile(temp);
  if (!file.ok()) return Poison(file.status());
  Status status = (*file)->Append(EncodeSegmentHeader(next_seq_));
  if (status.ok()) status = (*file)->Sync();
  if (status.ok()) status = fs_->Rename(temp, options_.dir / name);
  if (status.ok()) status = fs_->SyncDir(options_.dir);
  if (!status.ok()) return Poison(std::move(status));
  active_ = std::move(*file);
  active_meta_ = SegmentMeta{.first_seq = next_seq_};
  cache_dropped_to_ = 0;
  index_stride_ = IndexStride();
  index_->AddSegment({.first_seq = next_seq_, .end_seq = next_seq_}, {});
  return Status::Ok();
}

Status Writer::SyncActive() {
  if (active_ == nullptr || durable_seq_ == next_seq_) {
    last_sync_ms_ = SyncClock().NowMs();
    return Status::Ok();
  }
  const auto start = std::chrono::steady_clock::now();
  Status status = active_->Sync();
  if (metrics_.fsyncs != nullptr) metrics_.fsyncs->Add();
  if (metrics_.fsync_seconds != nullptr) {
    metrics_.fsync_seconds->Observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  if (!status.ok()) return Poison(std::move(status));
  durable_seq_ = next_seq_;
  last_sync_ms_ = SyncClock().NowMs();
  DropSyncedCache();
  return Status::Ok();
}

void Writer::DropSyncedCache() {
  const uint64_t keep = options_.page_cache_bytes;
  if (keep == 0 || active_meta_.data_size <= keep) return;
  const uint64_t drop_to = active_meta_.data_size - keep;
  if (drop_to < cache_dropped_to_ + keep / 4) return;  // a few calls a segment, not one a sync
  active_->DropCache(cache_dropped_to_, drop_to - cache_dropped_to_);
  cache_dropped_to_ = drop_to;
}

Status Writer::Poison(Status status) {
  poison_ = status;
  return Status(status.code(),
                status.message() + "; the archive writer is poisoned until it is reopened");
}

Status Writer::PoisonedError() const {
  return Status::FailedPrecondition("archive writer is poisoned by an earlier failure (" +
                                    poison_.ToString() + "); reopen it to recover");
}

}  // namespace sluice::archive
