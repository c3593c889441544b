// StreamChunk: one batch of a channel's messages, serialised once and shared, immutable, by
// every connection of the channel (ARCHITECTURE: "one serialized buffer, many connections").
// Replays (backfill, recovery) produce the same shape for one connection.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gzip/gzip.h"

namespace sluice {

struct StreamChunk {
  // Messages back to back, each one JSON object followed by "\r\n".
  std::string plain;
  // The same bytes deflated once (a full-flush block any gzip connection can join at). Absent
  // when the channel had no gzip connection as the chunk was built; a gzip connection that meets
  // such a chunk deflates it itself (rare: only right after it joined).
  std::optional<gzip::DeflatedBlock> deflated;
  // Archive sequence numbers the chunk covers: [first_seq, end_seq).
  uint64_t first_seq = 0;
  uint64_t end_seq = 0;
  uint32_t posts = 0;

  // Usage accounting (usage_ledger.h). The chunk delivers every post of its channel whose
  // sequence is in [cover_begin, cover_end) (a superset of [first_seq, end_seq): the channel has
  // no other post in there); `seqs` lists its posts' sequences in order, and all of them share
  // the UTC hour `hour_ms` of their archive time (chunks are cut where the hour changes).
  uint64_t cover_begin = 0;
  uint64_t cover_end = 0;
  std::vector<uint64_t> seqs;
  int64_t hour_ms = 0;
};

using StreamChunkPtr = std::shared_ptr<const StreamChunk>;

}  // namespace sluice
