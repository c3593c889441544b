// DeflatedBlock: one batch of a stream, deflated once and shared by every gzip connection.
#pragma once

#include <cstdint>
#include <string>

namespace sluice::gzip {

// Raw deflate data (RFC 1951, no zlib or gzip wrapper) of one batch. It holds no final block and
// ends with a Z_FULL_FLUSH, so it ends byte-aligned and refers to no byte before its own start:
// any sequence of blocks, starting at any block, concatenates into a valid deflate stream that
// only lacks its final block. That is what lets a connection join a stream at any block boundary.
//
// An empty batch deflates to empty `bytes` (crc32 0, plain_length 0), which is valid anywhere in
// such a sequence.
//
// Immutable once built; many connections may read one block concurrently.
struct DeflatedBlock {
  std::string bytes;
  uint32_t crc32 = 0;         // CRC-32 (gzip's) of the plain bytes
  uint64_t plain_length = 0;  // number of plain bytes
};

}  // namespace sluice::gzip
