// BatchDeflater: deflates each batch of one stream once, into blocks every gzip connection of that
// stream shares (docs/wire-gzip.md).
#pragma once

#include <zlib.h>

#include <string_view>

#include "base/status.h"
#include "gzip/deflated_block.h"
#include "gzip/gzip_format.h"

namespace sluice::gzip {

// One per stream. Reuses one z_stream across batches (allocating it costs more than deflating a
// small batch), yet every block it emits is independent of the ones before it (see DeflatedBlock).
//
// Thread safety: none; owned and called by the stream's thread. The blocks it returns are plain
// values the caller may share.
class BatchDeflater {
 public:
  // REQUIRES: level is Z_DEFAULT_COMPRESSION or in [Z_NO_COMPRESSION, Z_BEST_COMPRESSION].
  // An invalid level or an allocation failure is fatal.
  explicit BatchDeflater(int level = kDefaultLevel);
  ~BatchDeflater();

  // zlib's internal state points back at the z_stream it was initialised with, so the z_stream
  // can be neither copied nor moved. Hold a BatchDeflater in a std::unique_ptr to move it.
  BatchDeflater(const BatchDeflater&) = delete;
  BatchDeflater& operator=(const BatchDeflater&) = delete;
  BatchDeflater(BatchDeflater&&) = delete;
  BatchDeflater& operator=(BatchDeflater&&) = delete;

  // Replaces `out` with the deflated form of `plain`, its CRC-32 and length. `out.bytes` keeps its
  // capacity, so a caller may recycle blocks. Returns Internal if zlib reports a broken state; the
  // deflater then resets itself and stays usable, and `out` is unspecified.
  [[nodiscard]] Status Deflate(std::string_view plain, DeflatedBlock& out);

 private:
  friend DeflatedBlock DeflateStandalone(std::string_view plain);

  BatchDeflater(int level, int window_bits, int mem_level);

  z_stream stream_{};
};

// Deflates one message into a block of its own with a z_stream sized for it, for the rare bytes
// that only one connection gets (system messages) and for a batch that reaches a gzip connection
// without a deflated form. A zlib failure here is fatal (there is no stream state to blame).
// Thread-safe.
DeflatedBlock DeflateStandalone(std::string_view plain);

}  // namespace sluice::gzip
