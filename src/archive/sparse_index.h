// The sparse in-segment index: which records of a segment get an entry {seq, archive time,
// offset}, so that a record can be found by reading at most about kIndexStrideBytes of the
// segment. Shared by the Writer (which adds entries as it appends), recovery and the .idx
// rebuild (which add them as they scan), so all three pick the same records.
#pragma once

#include <cstdint>
#include <vector>

#include "archive/archive_format.h"

namespace sluice::archive {

// A record boundary of a segment file.
struct IndexEntry {
  uint64_t seq = 0;
  int64_t archive_time_ms = 0;
  uint64_t offset = 0;  // of the record's first byte in its segment file

  friend bool operator==(const IndexEntry&, const IndexEntry&) = default;
};

// Decides, record by record in file order, which ones get an entry: the segment's first
// record, then every record starting at least kIndexStrideBytes after the previous entry.
// Thread safety: none.
class IndexStride {
 public:
  IndexStride() = default;
  // Continues a segment whose entries so far are `entries`.
  explicit IndexStride(const std::vector<IndexEntry>& entries) {
    if (!entries.empty()) last_offset_ = entries.back().offset;
    started_ = !entries.empty();
  }

  // True if the record at `offset` is to get an entry; it then counts as the last one.
  bool Take(uint64_t offset) {
    if (started_ && offset - last_offset_ < kIndexStrideBytes) return false;
    started_ = true;
    last_offset_ = offset;
    return true;
  }

  // Appends the entry of record `seq` at `offset` to *entries if it is to get one.
  void Offer(uint64_t seq, int64_t archive_time_ms, uint64_t offset,
             std::vector<IndexEntry>* entries) {
    if (Take(offset)) entries->push_back({seq, archive_time_ms, offset});
  }

 private:
  bool started_ = false;
  uint64_t last_offset_ = 0;
};

}  // namespace sluice::archive
