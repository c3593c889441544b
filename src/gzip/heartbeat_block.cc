#include "gzip/heartbeat_block.h"

#include "gzip/batch_deflater.h"

namespace sluice::gzip {

const DeflatedBlock& HeartbeatBlock() {
  // Idle connections outnumber busy ones; one shared block keeps a heartbeat to a write.
  static const DeflatedBlock block = DeflateStandalone(kHeartbeatPlain);
  return block;
}

}  // namespace sluice::gzip
