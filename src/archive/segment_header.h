// The fixed header at the start of every segment file (layout in archive_format.h). It names
// the format and repeats the first sequence, so a renamed or stray file is recognised.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace sluice::archive {

// kSegmentHeaderSize bytes.
std::string EncodeSegmentHeader(uint64_t first_seq);

// Ok if `bytes` begins with a valid header for a segment whose first sequence is
// `expected_first_seq`; otherwise Corruption saying what is wrong (short, magic, crc,
// sequence), or FailedPrecondition for a well-formed header of another format version.
Status CheckSegmentHeader(std::string_view bytes, uint64_t expected_first_seq);

}  // namespace sluice::archive
