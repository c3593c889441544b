// StreamChunk: one batch of a channel's messages, serialised once and shared, immutable, by
// every connection of the channel (ARCHITECTURE: "one serialized buffer, many connections").
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

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
};

using StreamChunkPtr = std::shared_ptr<const StreamChunk>;

}  // namespace sluice
