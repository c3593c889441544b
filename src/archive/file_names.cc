#include "archive/file_names.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "archive/archive_format.h"

namespace sluice::archive {
namespace {

std::string SequenceStem(uint64_t seq) {
  char digits[kSequenceDigits + 1];
  std::snprintf(digits, sizeof(digits), "%020llu", static_cast<unsigned long long>(seq));
  return std::string(digits, kSequenceDigits);
}

}  // namespace

std::string SegmentFileName(uint64_t first_seq) {
  return SequenceStem(first_seq) + std::string(kSegmentSuffix);
}

std::string MetaFileName(uint64_t first_seq) {
  return SequenceStem(first_seq) + std::string(kMetaSuffix);
}

std::string IndexFileName(uint64_t first_seq) {
  return SequenceStem(first_seq) + std::string(kIndexSuffix);
}

std::string TempFileName(std::string_view name) {
  return std::string(name) + std::string(kTempSuffix);
}

std::string QuarantineFileName(std::string_view segment_name, uint64_t offset) {
  return std::string(segment_name) + std::string(kQuarantineInfix) + std::to_string(offset);
}

std::optional<uint64_t> ParseSequenceFileName(std::string_view name, std::string_view suffix) {
  if (name.size() != kSequenceDigits + suffix.size() || !name.ends_with(suffix)) {
    return std::nullopt;
  }
  uint64_t seq = 0;
  const char* end = name.data() + kSequenceDigits;
  const auto [ptr, error] = std::from_chars(name.data(), end, seq);
  if (error != std::errc() || ptr != end) return std::nullopt;
  return seq;
}

std::optional<uint64_t> ParseSegmentFileName(std::string_view name) {
  return ParseSequenceFileName(name, kSegmentSuffix);
}

Result<DirectoryListing> ListArchiveDirectory(FileSystem* fs, const std::filesystem::path& dir) {
  auto names = fs->ListDir(dir);
  if (!names.ok()) return names.status();
  DirectoryListing listing;
  for (const std::string& name : *names) {
    if (std::optional<uint64_t> seq = ParseSegmentFileName(name)) {
      listing.segments.push_back(*seq);
    } else if (std::optional<uint64_t> meta = ParseSequenceFileName(name, kMetaSuffix)) {
      listing.metas.push_back(*meta);
    } else if (std::optional<uint64_t> index = ParseSequenceFileName(name, kIndexSuffix)) {
      listing.indexes.push_back(*index);
    } else if (std::string_view(name).ends_with(kTempSuffix)) {
      listing.temp_files.push_back(name);
    }
  }
  std::sort(listing.segments.begin(), listing.segments.end());
  std::sort(listing.metas.begin(), listing.metas.end());
  std::sort(listing.indexes.begin(), listing.indexes.end());
  std::sort(listing.temp_files.begin(), listing.temp_files.end());
  return listing;
}

}  // namespace sluice::archive
