#include "gzip/gzip_member.h"

#include <zlib.h>

namespace sluice::gzip {
namespace {

void AppendLittleEndian32(uint32_t value, std::string& out) {
  for (int shift = 0; shift < 32; shift += 8) out.push_back(static_cast<char>(value >> shift));
}

}  // namespace

void GzipMember::Add(const DeflatedBlock& block) {
  crc32_ = static_cast<uint32_t>(
      crc32_combine(crc32_, block.crc32, static_cast<z_off_t>(block.plain_length)));
  plain_length_ += block.plain_length;
}

std::string GzipMember::Trailer() const {
  std::string trailer(kFinalEmptyBlock, kFinalEmptyBlockSize);
  trailer.reserve(kGzipTrailerSize);
  AppendLittleEndian32(crc32_, trailer);
  // ISIZE is defined modulo 2^32 (RFC 1952), so a long-lived connection wraps it on purpose.
  AppendLittleEndian32(static_cast<uint32_t>(plain_length_), trailer);
  return trailer;
}

}  // namespace sluice::gzip
