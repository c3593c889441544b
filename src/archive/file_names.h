// Names of the files in an archive directory (the scheme is in archive_format.h).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "archive/file_system.h"
#include "base/status.h"

namespace sluice::archive {

// "00000000000000000042.seg" for 42: zero-padded so names sort like sequences.
std::string SegmentFileName(uint64_t first_seq);
// "00000000000000000042.meta".
std::string MetaFileName(uint64_t first_seq);
// "00000000000000000042.idx".
std::string IndexFileName(uint64_t first_seq);
// "<name>.tmp": where `name` is written before it is renamed into place.
std::string TempFileName(std::string_view name);
// "<segment_name>.corrupt-<offset>".
std::string QuarantineFileName(std::string_view segment_name, uint64_t offset);

// The first sequence named by `<20 digits><suffix>`; nullopt for any other name.
std::optional<uint64_t> ParseSequenceFileName(std::string_view name, std::string_view suffix);
// The first sequence named by a segment file name; nullopt for any other name.
std::optional<uint64_t> ParseSegmentFileName(std::string_view name);

// What an archive directory holds, as far as names tell.
struct DirectoryListing {
  std::vector<uint64_t> segments;       // first sequences, ascending
  std::vector<uint64_t> metas;          // first sequences of the .meta files, ascending
  std::vector<uint64_t> indexes;        // first sequences of the .idx files, ascending
  std::vector<std::string> temp_files;  // leftovers of interrupted writes
};

// Lists `dir`. Other files (LOCK, RETENTION, quarantined bytes, strangers) are ignored.
Result<DirectoryListing> ListArchiveDirectory(FileSystem* fs, const std::filesystem::path& dir);

}  // namespace sluice::archive
