// File and stdin ingest (SPEC §6): an NDJSON file, or standard input for "-", read to its end and
// submitted to the pipeline in batches.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "base/status.h"
#include "ingest/ingest_batch.h"
#include "ingest/ndjson.h"
#include "post/post_parser.h"

namespace sluice {

struct FileIngestStats {
  uint64_t accepted = 0;
  uint64_t rejected = 0;
  uint64_t bytes_read = 0;
  uint64_t batches = 0;
};

// A batch is submitted once it holds this many posts or bytes (or at the end of the input).
inline constexpr size_t kFileBatchMaxPosts = 1000;
inline constexpr size_t kFileBatchMaxBytes = 4 << 20;
inline constexpr size_t kFileReadChunkBytes = 1 << 20;

// Reads `path_or_dash` in 1 MiB chunks, parses each line as a post (rules of ndjson.h) and
// submits the accepted posts with the blocking Submit. Every rejected line is passed to
// `on_error` (may be empty) as soon as it is found; ingest goes on after it.
// Errors: IoError naming the path when it cannot be opened or read; the sink's error (with the
// path and the posts submitted so far) when Submit fails; posts submitted before either stay.
Result<FileIngestStats> IngestNdjsonFile(const std::string& path_or_dash, PostParser& parser,
                                         IngestSink& sink, const NdjsonLimits& limits,
                                         std::function<void(const LineError&)> on_error);

}  // namespace sluice
