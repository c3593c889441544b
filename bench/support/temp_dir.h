// TempDir: a fresh directory under the system temp dir, removed with its contents when destroyed.
#pragma once

#include <filesystem>
#include <string>

#include "base/status.h"

namespace sluice::bench {

class TempDir {
 public:
  // Errors: IoError when mkdtemp fails.
  static Result<TempDir> Make(const std::string& prefix);
  ~TempDir();
  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&&) = delete;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  explicit TempDir(std::filesystem::path path) : path_(std::move(path)) {}
  std::filesystem::path path_;
};

}  // namespace sluice::bench
