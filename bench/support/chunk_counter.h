// ChunkedMessageCounter: an incremental reader of an HTTP/1.1 chunked body (plain, not gzip)
// that counts the stream's messages: every `\r\n`-terminated line of the decoded body is a post
// (or a system message), an empty one a heartbeat (docs/wire-format.md). Chunk boundaries may
// fall anywhere, also inside a message or a chunk-size line.
//
// With a LatencyHistogram it also records each post's delivery latency: now minus the creation
// time in its snowflake id (the first `"id":` in the message's first bytes; the generator writes
// it there), in wall-clock milliseconds.
#pragma once

#include <cstddef>
#include <cstdint>

#include "support/latency_histogram.h"

namespace sluice::bench {

class ChunkedMessageCounter {
 public:
  explicit ChunkedMessageCounter(LatencyHistogram* latency = nullptr) : latency_(latency) {}

  // Feeds the next body bytes (after the response head). Returns false once the framing is
  // broken; the counter then ignores further input.
  bool Feed(const char* data, size_t size);

  uint64_t messages() const { return messages_; }
  uint64_t heartbeats() const { return heartbeats_; }
  uint64_t decoded_bytes() const { return decoded_bytes_; }
  bool finished() const { return state_ == State::kDone; }  // saw the zero-length chunk
  bool broken() const { return state_ == State::kBroken; }

 private:
  enum class State {
    kSize,
    kExtension,
    kSizeLf,
    kData,
    kDataCr,
    kDataLf,
    kTrailer,
    kDone,
    kBroken
  };
  void OnData(const char* data, size_t size);
  void RecordLatency();  // from the captured head of the current message

  static constexpr size_t kHeadBytes = 96;

  State state_ = State::kSize;
  uint64_t chunk_left_ = 0;
  int size_digits_ = 0;
  size_t trailer_line_ = 0;  // bytes of the current trailer line, without CR
  uint64_t line_bytes_ = 0;  // decoded bytes since the last '\n'
  char last_byte_ = 0;       // last decoded byte
  uint64_t messages_ = 0;
  uint64_t heartbeats_ = 0;
  uint64_t decoded_bytes_ = 0;
  LatencyHistogram* latency_ = nullptr;
  char head_[kHeadBytes];
  size_t head_len_ = 0;
  bool head_done_ = false;
};

}  // namespace sluice::bench
