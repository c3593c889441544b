// BatchDeflater: deflates each batch of one stream once, into blocks every gzip connection of that
// stream shares (docs/wire-gzip.md).
#pragma once

#include <isa-l/igzip_lib.h>

#include <cstdint>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "gzip/deflated_block.h"
#include "gzip/gzip_format.h"

namespace sluice::gzip {

// One per stream. Reuses one compressor across batches (allocating it costs more than deflating
// a small batch), yet every block it emits is independent of the ones before it (see
// DeflatedBlock): each ends with a full flush, which also resets the history.
//
// The stream path uses Intel ISA-L's igzip (libisal, a Debian package): on this project's posts
// it deflates about 3.5 times as fast as zlib at level 1 with the same ratio, and its raw deflate
// output is ordinary deflate that zlib, curl and Python decode. Compression runs once per batch
// on the pipeline thread, so this is the cost that bounds gzip fan-out.
//
// Thread safety: none; owned and called by the stream's thread. The blocks it returns are plain
// values the caller may share.
class BatchDeflater {
 public:
  // `level` is on zlib's scale, 0–9; igzip has levels 0–3, so 1 maps to 1, 2–5 to 2 and 6–9 to
  // 3. REQUIRES: 0 <= level <= 9.
  explicit BatchDeflater(int level = kDefaultLevel);
  ~BatchDeflater();

  // The compressor's state holds pointers into itself and into level_buffer_, so it can be
  // neither copied nor moved. Hold a BatchDeflater in a std::unique_ptr to move it.
  BatchDeflater(const BatchDeflater&) = delete;
  BatchDeflater& operator=(const BatchDeflater&) = delete;
  BatchDeflater(BatchDeflater&&) = delete;
  BatchDeflater& operator=(BatchDeflater&&) = delete;

  // Replaces `out` with the deflated form of `plain`, its CRC-32 and length. `out.bytes` keeps its
  // capacity, so a caller may recycle blocks. Returns Internal if igzip reports an error; the
  // deflater then resets itself and stays usable, and `out` is unspecified.
  [[nodiscard]] Status Deflate(std::string_view plain, DeflatedBlock& out);

 private:
  void ResetStream();

  const int isal_level_;
  std::vector<uint8_t> level_buffer_;
  isal_zstream stream_{};
};

// Deflates one message into a block of its own with a zlib stream sized for it, for the rare bytes
// that only one connection gets (system messages) and for a batch that reaches a gzip connection
// without a deflated form. A zlib failure here is fatal (there is no stream state to blame).
// Thread-safe.
DeflatedBlock DeflateStandalone(std::string_view plain);

}  // namespace sluice::gzip
