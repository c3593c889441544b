// ReplayRequest: the backfill or recovery a stream request asks for (SPEC §2, §4), read from its
// query and checked against the stream and the archive. Pure, so every message is unit-tested.
#pragma once

#include <cstdint>

#include "archive/archive.h"
#include "base/status.h"
#include "config/server_config.h"
#include "http/route.h"

namespace sluice {

inline constexpr int kMaxBackfillMinutes = 5;

struct ReplayRequest {
  enum class Kind { kNone, kBackfill, kRecovery };
  Kind kind = Kind::kNone;
  int backfill_minutes = 0;  // kBackfill: 1..5
  int64_t start_ms = 0;      // kRecovery: [start_ms, end_ms) of archive time
  int64_t end_ms = 0;
};

// Reads `backfillMinutes`, `startTime` and `endTime`. endTime defaults to `now_ms`.
// Errors: InvalidArgument with a message that names the parameter at fault (the caller answers
// 400): not an integer 1–5, backfill off for the stream, both kinds at once, endTime alone, a
// time that does not parse, startTime outside the stream's recovery window or in a range
// retention has deleted (`bounds.deleted_through_ms`), endTime in the future, start >= end.
Result<ReplayRequest> ParseReplayRequest(const QueryParams& query, const StreamConfig& stream,
                                         int64_t now_ms, const archive::ArchiveBounds& bounds);

}  // namespace sluice
