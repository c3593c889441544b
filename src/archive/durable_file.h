// Whole small files written atomically (metas, indexes, RETENTION), and removal
// that tolerates a file already gone: the two file operations every archive writer of
// derived or metadata files shares.
#pragma once

#include <filesystem>
#include <string_view>

#include "archive/file_system.h"
#include "base/status.h"

namespace sluice::archive {

// Writes `bytes` as `dir/name` so that the name either keeps its old content or has all of
// the new: to `<name>.tmp`, fdatasync, rename into place, fsync of `dir`. A crash may leave
// the `.tmp`, which Writer::Open deletes. Errors: IoError.
Status WriteFileDurably(FileSystem* fs, const std::filesystem::path& dir, std::string_view name,
                        std::string_view bytes);

// The same without fdatasync and directory fsync, for derived data that is checked when read
// and rebuilt when wrong: while the system runs the name has old or new content, never part;
// after a crash it may be missing or hold anything. Errors: IoError.
Status WriteDerivedFile(FileSystem* fs, const std::filesystem::path& dir, std::string_view name,
                        std::string_view bytes);

// Removes `path`; ok if it does not exist. Not durable until the directory is synced.
// Errors: IoError.
Status RemoveIfPresent(FileSystem* fs, const std::filesystem::path& path);

}  // namespace sluice::archive
