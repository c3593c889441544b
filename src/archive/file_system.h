// FileSystem: the few file operations the archive needs, behind an interface so that tests can
// inject the failures real disks produce rarely (a refused write, a failed fsync).
//
// Thread safety: a FileSystem and a RandomAccessFile are safe to use from any thread. A
// WritableFile has one owner thread.
// Errors: IoError naming the path and the errno text; NotFound where a method says so.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace sluice::archive {

// A file being written sequentially. Destruction closes it, ignoring errors; call Close() to
// see them.
class WritableFile {
 public:
  WritableFile() = default;
  WritableFile(const WritableFile&) = delete;  // owns a descriptor
  WritableFile& operator=(const WritableFile&) = delete;
  virtual ~WritableFile() = default;

  // Writes all of `data` at the end of the file: one write(2), more only if the kernel takes
  // less. On failure an unknown prefix of `data` may have reached the file.
  virtual Status Append(std::string_view data) = 0;
  // fdatasync(2): once ok, the data written so far and the file's size survive a crash.
  virtual Status Sync() = 0;
  // Cuts the file to `size` bytes; durable after Sync().
  virtual Status Truncate(uint64_t size) = 0;
  virtual Status Close() = 0;
  // Advice that bytes [offset, offset + length), already synced, will not be read soon: the
  // kernel may free their page-cache pages (posix_fadvise DONTNEED). Nothing is lost either way,
  // so errors are ignored; a file system without a page cache does nothing.
  virtual void DropCache(uint64_t /*offset*/, uint64_t /*length*/) {}
};

// A file read at explicit offsets (pread), concurrently with a writer appending to it.
class RandomAccessFile {
 public:
  RandomAccessFile() = default;
  RandomAccessFile(const RandomAccessFile&) = delete;  // owns a descriptor
  RandomAccessFile& operator=(const RandomAccessFile&) = delete;
  virtual ~RandomAccessFile() = default;

  // Reads up to `n` bytes at `offset` into `scratch`; returns how many, fewer only at the end
  // of the file. REQUIRES: scratch has room for n bytes.
  virtual Result<size_t> Read(uint64_t offset, size_t n, char* scratch) const = 0;
  virtual Result<uint64_t> Size() const = 0;
};

// An exclusive lock on a file, released when destroyed.
class FileLock {
 public:
  FileLock() = default;
  FileLock(const FileLock&) = delete;  // owns the lock
  FileLock& operator=(const FileLock&) = delete;
  virtual ~FileLock() = default;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // Creates `path` or empties it.
  virtual Result<std::unique_ptr<WritableFile>> NewWritableFile(
      const std::filesystem::path& path) = 0;
  // Opens `path` for appending at its end, creating it if missing.
  virtual Result<std::unique_ptr<WritableFile>> NewAppendableFile(
      const std::filesystem::path& path) = 0;
  // NotFound if `path` does not exist.
  virtual Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(
      const std::filesystem::path& path) = 0;
  // NotFound if `path` does not exist.
  virtual Result<uint64_t> FileSize(const std::filesystem::path& path) = 0;
  // Names of the entries of `dir`, without "." and "..", in no particular order.
  virtual Result<std::vector<std::string>> ListDir(const std::filesystem::path& dir) = 0;
  // Creates `dir` and missing parents; ok if it exists.
  virtual Status CreateDirs(const std::filesystem::path& dir) = 0;
  // Atomically replaces `to` (rename(2)); durable after SyncDir of the directory.
  virtual Status Rename(const std::filesystem::path& from, const std::filesystem::path& to) = 0;
  virtual Status Remove(const std::filesystem::path& path) = 0;
  // fsync(2) of a directory, making creations, renames and removals in it durable.
  virtual Status SyncDir(const std::filesystem::path& dir) = 0;
  // Takes an exclusive advisory lock (flock) on `path`, creating it; Unavailable if another
  // holder has it, in this process or another.
  virtual Result<std::unique_ptr<FileLock>> LockFile(const std::filesystem::path& path) = 0;
};

// The real thing: POSIX calls, every descriptor O_CLOEXEC and owned by an RAII object.
std::unique_ptr<FileSystem> NewPosixFileSystem();

// `fs` if given, else a POSIX file system created into `owned` (which must outlive its use):
// the "null means real files" convention of the archive's entry points.
inline FileSystem* FileSystemOrPosix(FileSystem* fs, std::unique_ptr<FileSystem>& owned) {
  if (fs != nullptr) return fs;
  owned = NewPosixFileSystem();
  return owned.get();
}

}  // namespace sluice::archive
