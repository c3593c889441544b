// Little-endian fixed-width integers, the only integer encoding of the archive format.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>

namespace sluice::archive {

inline void EncodeFixed32(char* dst, uint32_t value) {
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(dst, &value, sizeof(value));
  } else {
    for (int i = 0; i < 4; ++i) dst[i] = static_cast<char>(value >> (8 * i));
  }
}

inline void EncodeFixed64(char* dst, uint64_t value) {
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(dst, &value, sizeof(value));
  } else {
    for (int i = 0; i < 8; ++i) dst[i] = static_cast<char>(value >> (8 * i));
  }
}

inline uint32_t DecodeFixed32(const char* src) {
  uint32_t value;
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(&value, src, sizeof(value));
  } else {
    value = 0;
    for (int i = 0; i < 4; ++i) value |= uint32_t{static_cast<unsigned char>(src[i])} << (8 * i);
  }
  return value;
}

inline uint64_t DecodeFixed64(const char* src) {
  uint64_t value;
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(&value, src, sizeof(value));
  } else {
    value = 0;
    for (int i = 0; i < 8; ++i) value |= uint64_t{static_cast<unsigned char>(src[i])} << (8 * i);
  }
  return value;
}

}  // namespace sluice::archive
