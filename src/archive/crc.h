// The checksum of the archive format: the IEEE CRC-32 (the values of zlib's crc32()), computed
// with Intel ISA-L's PCLMUL implementation: ~15 GB/s here against zlib's ~2.5 GB/s, and every
// archived byte passes through it on the ingest path.
#pragma once

#include <isa-l/crc.h>

#include <cstddef>
#include <cstdint>

namespace sluice::archive {

inline uint32_t Crc32(const char* data, size_t size) {
  return crc32_gzip_refl(0, reinterpret_cast<const unsigned char*>(data), size);
}

}  // namespace sluice::archive
