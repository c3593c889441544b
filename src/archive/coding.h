// Little-endian fixed-width integers, the only integer encoding of the archive format.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>

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

// Appends the encoding to `out`.
inline void PutFixed32(std::string& out, uint32_t value) {
  char buf[4];
  EncodeFixed32(buf, value);
  out.append(buf, sizeof buf);
}

inline void PutFixed64(std::string& out, uint64_t value) {
  char buf[8];
  EncodeFixed64(buf, value);
  out.append(buf, sizeof buf);
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
