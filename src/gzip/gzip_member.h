// Per-connection gzip framing around shared deflated blocks (docs/wire-gzip.md).
//
// A gzip connection's body is one gzip member: GzipHeader(), then the DeflatedBlocks the
// connection is sent, in order, then the Trailer() of a GzipMember that was given the same blocks.
// The blocks themselves are shared by all connections of a stream; only the 10-byte header, the
// running CRC/length and the 10-byte trailer are per connection.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "gzip/deflated_block.h"
#include "gzip/gzip_format.h"

namespace sluice::gzip {

// The gzip member header (RFC 1952): deflate, no flags, MTIME 0. Identical for every connection.
// The view refers to static storage.
constexpr std::string_view GzipHeader() {
  return std::string_view(kGzipHeaderBytes, kGzipHeaderSize);
}

// The running CRC-32 and length of what one connection has been sent since its header.
//
// Thread safety: none; one per connection, used by the connection's owner.
class GzipMember {
 public:
  // Records that `block` follows the blocks added before, in that order on the wire. O(log n) in
  // the block's length, independent of its bytes.
  void Add(const DeflatedBlock& block);

  // The bytes that end the member cleanly: an empty final deflate block, the CRC-32 and ISIZE
  // (length mod 2^32), little-endian. A decoder that reaches its end has verified every byte;
  // one that never sees it knows the connection was cut. Write it once, as the last bytes.
  std::string Trailer() const;

  uint32_t crc32() const { return crc32_; }
  uint64_t plain_length() const { return plain_length_; }

 private:
  uint32_t crc32_ = 0;  // CRC-32 of the empty string
  uint64_t plain_length_ = 0;
};

}  // namespace sluice::gzip
