// The `<first_seq>.idx` sidecar of a sealed segment: its sparse index entries (sparse_index.h),
// so that opening the archive need not scan sealed segments to find records by time. It is
// derived data: whoever finds it missing, damaged or disagreeing with the segment's meta
// rebuilds it from the segment (BuildSegmentIndex). Layout in archive_format.h.
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "archive/file_system.h"
#include "archive/segment_meta.h"
#include "archive/sparse_index.h"
#include "base/status.h"

namespace sluice::archive {

// The whole file for segment `meta` with `entries`.
std::string EncodeSegmentIndex(const SegmentMeta& meta, std::span<const IndexEntry> entries);

// The entries of a well-formed, checksummed index of the segment `meta` describes. Corruption
// saying what is wrong if it is not: short, magic, crc, version, size, or a mismatch with the
// meta (first sequence, record count, last time, data size, first entry not at the first
// record, entries out of order or outside the segment).
Result<std::vector<IndexEntry>> DecodeSegmentIndex(std::string_view bytes, const SegmentMeta& meta);

// Reads and decodes the index of segment `meta` in `dir`. NotFound if there is none;
// Corruption as DecodeSegmentIndex; IoError.
Result<std::vector<IndexEntry>> ReadSegmentIndex(FileSystem* fs, const std::filesystem::path& dir,
                                                 const SegmentMeta& meta);

// Writes the index to a temp file and renames it into place, without fsync: it is derived
// data, and one lost or torn by a crash is rebuilt. Errors: IoError.
Status WriteSegmentIndex(FileSystem* fs, const std::filesystem::path& dir, const SegmentMeta& meta,
                         std::span<const IndexEntry> entries);

// Builds the entries into *entries by reading the segment's records front to back.
// Corruption if the segment does not hold the records `meta` describes intact: *entries then
// holds those of the records before the damage. IoError.
Status BuildSegmentIndex(FileSystem* fs, const std::filesystem::path& dir, const SegmentMeta& meta,
                         std::vector<IndexEntry>* entries);

}  // namespace sluice::archive
