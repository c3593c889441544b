// An archive of the server's own generated posts (PostGenerator), written directly with
// archive::Writer, with archive times laid out as a benchmark needs them: spans of time at a
// given rate, e.g. an hour at 300 posts/s followed by six minutes at 10,000 posts/s. sluiced
// started on a data dir whose archive/ holds it serves it like one it ingested itself.
//
// Each post is created at its time in the span (evenly spaced), so its snowflake id carries that
// time and a Decahose partition holds the 5 % of posts whose millisecond is 600–699 and of its
// parity, in bursts, as with live posts. Posts are appended in groups of up to 256 sharing the
// time of their last post (the archive time), as ingest groups them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "base/status.h"

namespace sluice::bench {

struct ArchiveSpan {
  int64_t start_ms = 0;  // Unix ms; REQUIRES: each span starts at or after the previous one's end
  int64_t end_ms = 0;
  double posts_per_s = 0;
};

struct GeneratedArchive {
  uint64_t records = 0;
  uint64_t bytes = 0;  // framed, as in the segment files
  uint64_t next_seq = 0;
  double seconds = 0;  // to generate and write it
};

// Writes the spans into the archive directory `dir` (created; must not hold an archive yet).
// Errors: those of archive::Writer.
Result<GeneratedArchive> WriteGeneratedArchive(const std::filesystem::path& dir,
                                               const std::vector<ArchiveSpan>& spans,
                                               uint64_t seed = 7);

// Makes `to` (created) an archive directory with the content of `from`, cheaply: sealed
// segments, metas and indexes are hard links (never written again), the segment still open for
// appends is copied, so that a server appending to `to` leaves `from` as it was.
// Errors: IoError.
Status CloneArchive(const std::filesystem::path& from, const std::filesystem::path& to);

}  // namespace sluice::bench
