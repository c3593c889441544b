// The deflated heartbeat ("\r\n") written to idle gzip connections.
#pragma once

#include <string_view>

#include "gzip/deflated_block.h"

namespace sluice::gzip {

inline constexpr std::string_view kHeartbeatPlain = "\r\n";

// kHeartbeatPlain as a standalone block, computed once on first use and immutable afterwards.
// Thread-safe; the reference stays valid for the life of the program.
const DeflatedBlock& HeartbeatBlock();

}  // namespace sluice::gzip
