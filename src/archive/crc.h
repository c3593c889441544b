// The checksum of the archive format: zlib's crc32 (the IEEE polynomial), over bytes in memory.
#pragma once

#include <zlib.h>

#include <cstddef>
#include <cstdint>

namespace sluice::archive {

inline uint32_t Crc32(const char* data, size_t size) {
  return static_cast<uint32_t>(crc32_z(0, reinterpret_cast<const Bytef*>(data), size));
}

}  // namespace sluice::archive
