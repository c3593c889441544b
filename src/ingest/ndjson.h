// NDJSON ingest: one post per line, as POST /ingest and file/stdin ingest receive them (SPEC §6).
//
// Line rules: numbers are 1-based; "\n" and "\r\n" endings are both accepted; blank lines (empty
// or only spaces/tabs) are skipped and count as neither accepted nor rejected; a line longer than
// max_post_bytes is rejected unparsed; a rejected line never affects the lines around it.
// Accepted posts are stored without their line ending and surrounding blanks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/ingest_batch.h"
#include "ingest/line_assembler.h"
#include "post/post_parser.h"

namespace sluice {

struct NdjsonLimits {
  uint64_t max_post_bytes = 1 << 20;  // ServerConfig::max_post_bytes
  size_t max_reported_errors = 100;   // NdjsonResult::errors keeps only the first ones
};

struct LineError {
  uint64_t line = 0;  // 1-based
  std::string message;
};

struct NdjsonResult {
  uint64_t accepted = 0;
  uint64_t rejected = 0;
  std::vector<LineError> errors;  // the first NdjsonLimits::max_reported_errors rejections
};

// Appends every valid post of `body` to `out` (with its id) and reports the rest.
// REQUIRES: out.data.size() + body.size() < 4 GiB (IngestPostRef offsets are 32-bit).
NdjsonResult ParseNdjson(std::string_view body, PostParser& parser, IngestBatch& out,
                         const NdjsonLimits& limits);

enum class LineOutcome { kBlank, kAccepted, kRejected };

// The per-line step of ParseNdjson, for sources that assemble lines themselves (file ingest).
// Appends an accepted post to `out`; fills `error` only when the outcome is kRejected.
LineOutcome ParseNdjsonLine(const AssembledLine& line, PostParser& parser,
                            const NdjsonLimits& limits, IngestBatch& out, LineError& error);

// "line N exceeds the maximum post size of M bytes"
std::string LineTooLongMessage(uint64_t line, uint64_t max_post_bytes);

}  // namespace sluice
