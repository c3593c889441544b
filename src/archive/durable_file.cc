#include "archive/durable_file.h"

#include "archive/file_names.h"

namespace sluice::archive {

namespace {

Status WriteAndRename(FileSystem* fs, const std::filesystem::path& dir, std::string_view name,
                      std::string_view bytes, bool durable) {
  const std::filesystem::path temp = dir / TempFileName(name);
  auto file = fs->NewWritableFile(temp);
  if (!file.ok()) return file.status();
  SLUICE_RETURN_IF_ERROR((*file)->Append(bytes));
  if (durable) SLUICE_RETURN_IF_ERROR((*file)->Sync());
  SLUICE_RETURN_IF_ERROR((*file)->Close());
  SLUICE_RETURN_IF_ERROR(fs->Rename(temp, dir / name));
  return durable ? fs->SyncDir(dir) : Status::Ok();
}

}  // namespace

Status WriteFileDurably(FileSystem* fs, const std::filesystem::path& dir, std::string_view name,
                        std::string_view bytes) {
  return WriteAndRename(fs, dir, name, bytes, /*durable=*/true);
}

Status WriteDerivedFile(FileSystem* fs, const std::filesystem::path& dir, std::string_view name,
                        std::string_view bytes) {
  return WriteAndRename(fs, dir, name, bytes, /*durable=*/false);
}

Status RemoveIfPresent(FileSystem* fs, const std::filesystem::path& path) {
  Status status = fs->Remove(path);
  if (status.code() == StatusCode::kNotFound) return Status::Ok();
  return status;
}

}  // namespace sluice::archive
