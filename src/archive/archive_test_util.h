// Helpers for the archive's tests: a temp directory, a file system that fails on command, and
// small file and record utilities. Header-only, used only by *_test.cc.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "archive/file_system.h"
#include "archive/reader.h"
#include "archive/record.h"

namespace sluice::archive::testing {

// A fresh directory under /tmp, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    std::string pattern = "/tmp/sluice-archive-test-XXXXXX";
    const char* made = ::mkdtemp(pattern.data());
    EXPECT_NE(made, nullptr);
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;  // owns the directory
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline std::string ReadFileBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void WriteFileBytes(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good()) << path;
}

inline void AppendFileBytes(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::app);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good()) << path;
}

inline uint64_t FileSizeOf(const std::filesystem::path& path) {
  std::error_code error;
  const uint64_t size = std::filesystem::file_size(path, error);
  EXPECT_FALSE(error) << path << ": " << error.message();
  return size;
}

inline void ResizeFile(const std::filesystem::path& path, uint64_t size) {
  std::error_code error;
  std::filesystem::resize_file(path, size, error);
  ASSERT_FALSE(error) << path << ": " << error.message();
}

// Deterministic payload number `i` of `size` bytes.
inline std::string Payload(uint64_t i, size_t size) {
  std::string bytes(size, '\0');
  for (size_t k = 0; k < size; ++k) bytes[k] = static_cast<char>('a' + (i * 7 + k) % 26);
  return bytes;
}

// A group of records with the payloads they point to.
struct Group {
  std::vector<std::string> payloads;
  std::vector<Record> records;
};

// `count` records with post ids first_id, first_id + 1, … and payloads Payload(id, size).
inline Group MakeGroup(uint64_t first_id, size_t count, size_t size) {
  Group group;
  group.payloads.reserve(count);
  for (size_t i = 0; i < count; ++i) group.payloads.push_back(Payload(first_id + i, size));
  for (size_t i = 0; i < count; ++i) group.records.push_back({first_id + i, group.payloads[i]});
  return group;
}

// A record read back, owning its bytes.
struct StoredRecord {
  uint64_t seq = 0;
  int64_t archive_time_ms = 0;
  uint64_t post_id = 0;
  std::string bytes;
};

// Everything a new Reader returns from `from_seq` until it has nothing more.
inline std::vector<StoredRecord> ReadAll(const std::filesystem::path& dir, uint64_t from_seq = 0) {
  std::vector<StoredRecord> records;
  auto reader = Reader::Open(dir, from_seq);
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  if (!reader.ok()) return records;
  RecordView view;
  while (true) {
    auto more = (*reader)->Next(view);
    EXPECT_TRUE(more.ok()) << more.status().ToString();
    if (!more.ok() || !*more) break;
    records.push_back({view.seq, view.archive_time_ms, view.post_id, std::string(view.bytes)});
  }
  return records;
}

// Passes everything to the real file system, except the write or sync it was told to fail.
class FaultInjectionFileSystem final : public FileSystem {
 public:
  // The next WritableFile::Append writes `prefix_bytes` of its data (like a write cut short by
  // a full disk), then fails with IoError.
  void FailNextWrite(size_t prefix_bytes = 0) {
    fail_next_write_ = true;
    write_prefix_bytes_ = prefix_bytes;
  }
  // The next WritableFile::Sync fails with IoError (the data may or may not be on disk).
  void FailNextSync() { fail_next_sync_ = true; }
  int syncs() const { return syncs_; }
  int writes() const { return writes_; }
  struct Drop {
    uint64_t offset, length;
    uint64_t synced_size;  // the file's size at its last Sync
  };
  // Every WritableFile::DropCache, in order (all files).
  const std::vector<Drop>& drops() const { return drops_; }

  Result<std::unique_ptr<WritableFile>> NewWritableFile(
      const std::filesystem::path& path) override {
    return Wrap(target_->NewWritableFile(path));
  }
  Result<std::unique_ptr<WritableFile>> NewAppendableFile(
      const std::filesystem::path& path) override {
    return Wrap(target_->NewAppendableFile(path));
  }
  Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(
      const std::filesystem::path& path) override {
    return target_->NewRandomAccessFile(path);
  }
  Result<uint64_t> FileSize(const std::filesystem::path& path) override {
    return target_->FileSize(path);
  }
  Result<std::vector<std::string>> ListDir(const std::filesystem::path& dir) override {
    return target_->ListDir(dir);
  }
  Status CreateDirs(const std::filesystem::path& dir) override { return target_->CreateDirs(dir); }
  Status Rename(const std::filesystem::path& from, const std::filesystem::path& to) override {
    return target_->Rename(from, to);
  }
  Status Remove(const std::filesystem::path& path) override { return target_->Remove(path); }
  Status SyncDir(const std::filesystem::path& dir) override { return target_->SyncDir(dir); }
  Result<std::unique_ptr<FileLock>> LockFile(const std::filesystem::path& path) override {
    return target_->LockFile(path);
  }

 private:
  class File final : public WritableFile {
   public:
    File(FaultInjectionFileSystem* fs, std::unique_ptr<WritableFile> target)
        : fs_(fs), target_(std::move(target)) {}
    Status Append(std::string_view data) override {
      ++fs_->writes_;
      size_ += data.size();
      if (std::exchange(fs_->fail_next_write_, false)) {
        const size_t prefix = std::min(fs_->write_prefix_bytes_, data.size());
        if (prefix > 0) (void)target_->Append(data.substr(0, prefix));
        return Status::IoError("injected write failure");
      }
      return target_->Append(data);
    }
    Status Sync() override {
      ++fs_->syncs_;
      if (std::exchange(fs_->fail_next_sync_, false)) {
        return Status::IoError("injected fdatasync failure");
      }
      synced_size_ = size_;
      return target_->Sync();
    }
    Status Truncate(uint64_t size) override {
      size_ = size;
      return target_->Truncate(size);
    }
    Status Close() override { return target_->Close(); }
    void DropCache(uint64_t offset, uint64_t length) override {
      fs_->drops_.push_back({offset, length, synced_size_});
      target_->DropCache(offset, length);
    }

   private:
    FaultInjectionFileSystem* fs_;
    std::unique_ptr<WritableFile> target_;
    uint64_t size_ = 0;  // of what this handle wrote (an appendable file's old bytes not counted)
    uint64_t synced_size_ = 0;
  };

  Result<std::unique_ptr<WritableFile>> Wrap(Result<std::unique_ptr<WritableFile>> file) {
    if (!file.ok()) return file;
    return std::unique_ptr<WritableFile>(new File(this, std::move(*file)));
  }

  std::unique_ptr<FileSystem> target_ = NewPosixFileSystem();
  bool fail_next_write_ = false;
  size_t write_prefix_bytes_ = 0;
  bool fail_next_sync_ = false;
  int syncs_ = 0;
  int writes_ = 0;
  std::vector<Drop> drops_;
};

}  // namespace sluice::archive::testing
