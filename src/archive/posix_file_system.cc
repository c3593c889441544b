#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "archive/file_system.h"
#include "base/unique_fd.h"

namespace sluice::archive {
namespace {

Status PosixError(const std::filesystem::path& path, std::string_view operation, int error) {
  std::string message = path.string() + ": " + std::string(operation) + ": " + strerror(error);
  if (error == ENOENT) return Status::NotFound(std::move(message));
  return Status::IoError(std::move(message));
}

Result<UniqueFd> OpenFd(const std::filesystem::path& path, int flags, mode_t mode = 0644) {
  int fd;
  do {
    fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return PosixError(path, "open", errno);
  return UniqueFd(fd);
}

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(std::filesystem::path path, UniqueFd fd)
      : path_(std::move(path)), fd_(std::move(fd)) {}

  Status Append(std::string_view data) override {
    while (!data.empty()) {
      const ssize_t written = ::write(fd_.get(), data.data(), data.size());
      if (written < 0) {
        if (errno == EINTR) continue;
        return PosixError(path_, "write", errno);
      }
      data.remove_prefix(static_cast<size_t>(written));
    }
    return Status::Ok();
  }

  Status Sync() override {
    if (::fdatasync(fd_.get()) != 0) return PosixError(path_, "fdatasync", errno);
    return Status::Ok();
  }

  Status Truncate(uint64_t size) override {
    if (::ftruncate(fd_.get(), static_cast<off_t>(size)) != 0) {
      return PosixError(path_, "ftruncate", errno);
    }
    return Status::Ok();
  }

  void DropCache(uint64_t offset, uint64_t length) override {
    (void)::posix_fadvise(fd_.get(), static_cast<off_t>(offset), static_cast<off_t>(length),
                          POSIX_FADV_DONTNEED);
  }

  Status Close() override {
    const int fd = fd_.release();
    // No retry on EINTR: on Linux the descriptor is gone whatever close returns.
    if (fd >= 0 && ::close(fd) != 0) return PosixError(path_, "close", errno);
    return Status::Ok();
  }

 private:
  std::filesystem::path path_;
  UniqueFd fd_;
};

class PosixRandomAccessFile final : public RandomAccessFile {
 public:
  PosixRandomAccessFile(std::filesystem::path path, UniqueFd fd)
      : path_(std::move(path)), fd_(std::move(fd)) {}

  Result<size_t> Read(uint64_t offset, size_t n, char* scratch) const override {
    size_t done = 0;
    while (done < n) {
      const ssize_t got =
          ::pread(fd_.get(), scratch + done, n - done, static_cast<off_t>(offset + done));
      if (got < 0) {
        if (errno == EINTR) continue;
        return PosixError(path_, "pread", errno);
      }
      if (got == 0) break;
      done += static_cast<size_t>(got);
    }
    return done;
  }

  Result<uint64_t> Size() const override {
    struct stat st;
    if (::fstat(fd_.get(), &st) != 0) return PosixError(path_, "fstat", errno);
    return static_cast<uint64_t>(st.st_size);
  }

 private:
  std::filesystem::path path_;
  UniqueFd fd_;
};

class PosixFileLock final : public FileLock {
 public:
  explicit PosixFileLock(UniqueFd fd) : fd_(std::move(fd)) {}
  // Closing the descriptor releases the flock.

 private:
  UniqueFd fd_;
};

class PosixFileSystem final : public FileSystem {
 public:
  Result<std::unique_ptr<WritableFile>> NewWritableFile(
      const std::filesystem::path& path) override {
    auto fd = OpenFd(path, O_WRONLY | O_CREAT | O_TRUNC);
    if (!fd.ok()) return fd.status();
    return std::unique_ptr<WritableFile>(new PosixWritableFile(path, std::move(*fd)));
  }

  Result<std::unique_ptr<WritableFile>> NewAppendableFile(
      const std::filesystem::path& path) override {
    auto fd = OpenFd(path, O_WRONLY | O_CREAT | O_APPEND);
    if (!fd.ok()) return fd.status();
    return std::unique_ptr<WritableFile>(new PosixWritableFile(path, std::move(*fd)));
  }

  Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(
      const std::filesystem::path& path) override {
    auto fd = OpenFd(path, O_RDONLY);
    if (!fd.ok()) return fd.status();
    return std::unique_ptr<RandomAccessFile>(new PosixRandomAccessFile(path, std::move(*fd)));
  }

  Result<uint64_t> FileSize(const std::filesystem::path& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return PosixError(path, "stat", errno);
    return static_cast<uint64_t>(st.st_size);
  }

  Result<std::vector<std::string>> ListDir(const std::filesystem::path& dir) override {
    std::unique_ptr<DIR, int (*)(DIR*)> handle(::opendir(dir.c_str()), &::closedir);
    if (handle == nullptr) return PosixError(dir, "opendir", errno);
    std::vector<std::string> names;
    errno = 0;
    while (const dirent* entry = ::readdir(handle.get())) {
      std::string_view name = entry->d_name;
      if (name != "." && name != "..") names.emplace_back(name);
    }
    if (errno != 0) return PosixError(dir, "readdir", errno);
    return names;
  }

  Status CreateDirs(const std::filesystem::path& dir) override {
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    if (error) return Status::IoError(dir.string() + ": create directories: " + error.message());
    return Status::Ok();
  }

  Status Rename(const std::filesystem::path& from, const std::filesystem::path& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) {
      return PosixError(from, "rename to " + to.string(), errno);
    }
    return Status::Ok();
  }

  Status Remove(const std::filesystem::path& path) override {
    if (::unlink(path.c_str()) != 0) return PosixError(path, "unlink", errno);
    return Status::Ok();
  }

  Status SyncDir(const std::filesystem::path& dir) override {
    auto fd = OpenFd(dir, O_RDONLY | O_DIRECTORY);
    if (!fd.ok()) return fd.status();
    if (::fsync(fd->get()) != 0) return PosixError(dir, "fsync", errno);
    return Status::Ok();
  }

  Result<std::unique_ptr<FileLock>> LockFile(const std::filesystem::path& path) override {
    auto fd = OpenFd(path, O_RDWR | O_CREAT);
    if (!fd.ok()) return fd.status();
    if (::flock(fd->get(), LOCK_EX | LOCK_NB) != 0) {
      if (errno == EWOULDBLOCK) {
        return Status::Unavailable(path.string() + " is locked by another archive writer");
      }
      return PosixError(path, "flock", errno);
    }
    return std::unique_ptr<FileLock>(new PosixFileLock(std::move(*fd)));
  }
};

}  // namespace

std::unique_ptr<FileSystem> NewPosixFileSystem() { return std::make_unique<PosixFileSystem>(); }

}  // namespace sluice::archive
