#include "archive/segment_header.h"

#include "archive/archive_format.h"
#include "archive/coding.h"
#include "archive/crc.h"

namespace sluice::archive {
namespace {

// Covers everything after the crc field.
uint32_t HeaderCrc(const char* header) {
  return Crc32(header + kSegmentHeaderVersionOffset,
               kSegmentHeaderSize - kSegmentHeaderVersionOffset);
}

}  // namespace

std::string EncodeSegmentHeader(uint64_t first_seq) {
  std::string header(kSegmentHeaderSize, '\0');
  header.replace(0, kSegmentMagic.size(), kSegmentMagic);
  EncodeFixed32(header.data() + kSegmentHeaderVersionOffset, kFormatVersion);
  EncodeFixed64(header.data() + kSegmentHeaderFirstSeqOffset, first_seq);
  EncodeFixed32(header.data() + kSegmentHeaderCrcOffset, HeaderCrc(header.data()));
  return header;
}

Status CheckSegmentHeader(std::string_view bytes, uint64_t expected_first_seq) {
  if (bytes.size() < kSegmentHeaderSize) {
    return Status::Corruption("segment header is " + std::to_string(bytes.size()) +
                              " bytes, expected " + std::to_string(kSegmentHeaderSize));
  }
  if (bytes.substr(0, kSegmentMagic.size()) != kSegmentMagic) {
    return Status::Corruption("segment header has a bad magic");
  }
  if (DecodeFixed32(bytes.data() + kSegmentHeaderCrcOffset) != HeaderCrc(bytes.data())) {
    return Status::Corruption("segment header checksum mismatch");
  }
  const uint32_t version = DecodeFixed32(bytes.data() + kSegmentHeaderVersionOffset);
  if (version != kFormatVersion) {
    // Not corruption: a newer writer's file must be left alone, never quarantined.
    return Status::FailedPrecondition("segment format version " + std::to_string(version) +
                                      " is not supported");
  }
  const uint64_t first_seq = DecodeFixed64(bytes.data() + kSegmentHeaderFirstSeqOffset);
  if (first_seq != expected_first_seq) {
    return Status::Corruption("segment header says first sequence " + std::to_string(first_seq) +
                              ", its name says " + std::to_string(expected_first_seq));
  }
  return Status::Ok();
}

}  // namespace sluice::archive
