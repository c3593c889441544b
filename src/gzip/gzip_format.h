// Byte-level constants of the gzip framing (RFC 1952 around RFC 1951 raw deflate), shared by the
// writer (gzip_member.cc, batch_deflater.cc) and every decoder in the tests. Spec:
// docs/wire-gzip.md.
#pragma once

#include <cstddef>
#include <cstdint>

namespace sluice::gzip {

// ID1 ID2 CM=deflate FLG=0 MTIME=0 (no timestamp: every connection gets identical bytes) XFL=0
// OS=255 (unknown).
inline constexpr char kGzipHeaderBytes[] = {'\x1f', '\x8b', '\x08', '\x00', '\x00',
                                            '\x00', '\x00', '\x00', '\x00', '\xff'};
inline constexpr size_t kGzipHeaderSize = sizeof(kGzipHeaderBytes);

// An empty final deflate block: BFINAL=1, BTYPE=01 (fixed Huffman), then the 7-bit end-of-block
// code. Every shared block ends byte-aligned (Z_FULL_FLUSH), so these two bytes can follow any of
// them.
inline constexpr char kFinalEmptyBlock[] = {'\x03', '\x00'};
inline constexpr size_t kFinalEmptyBlockSize = sizeof(kFinalEmptyBlock);

// Final empty block + CRC32 + ISIZE (both little-endian, ISIZE = length mod 2^32).
inline constexpr size_t kGzipTrailerSize = kFinalEmptyBlockSize + 4 + 4;

// zlib level 1: fan-out servers are CPU-bound on deflate, and JSON compresses well even at 1.
inline constexpr int kDefaultLevel = 1;

// Raw deflate (no zlib wrapper) with the largest window; zlib takes a negative windowBits to mean
// "raw".
inline constexpr int kMaxWindowBits = 15;
inline constexpr int kDefaultMemLevel = 8;

}  // namespace sluice::gzip
