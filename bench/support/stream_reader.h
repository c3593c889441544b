// ReadStream: one streaming request on its own blocking socket, timed: when the response head
// came, when the first body byte that is a post came (plain bodies: the first decoded byte), and
// when the stream ended. For replays: a recovery ends with its completion message and the last
// chunk; a backfill is read only up to its first post.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "base/status.h"

namespace sluice::bench {

struct StreamReadOptions {
  uint16_t port = 0;
  std::string request;  // the whole GET request (StreamRequest)
  bool plain = true;    // decode the chunked body and count messages (not for gzip)
  bool stop_at_first_post = false;
  std::chrono::milliseconds timeout{60000};
  const std::atomic<bool>* stop = nullptr;  // when set, the read ends early (not an error)
};

struct StreamRead {
  double head_s = 0;            // request sent → response head complete
  double first_post_s = -1;     // request sent → first decoded body byte (-1: none)
  double end_s = 0;             // request sent → zero-length chunk, close, or stop
  uint64_t body_bytes = 0;      // as received (chunk framing included)
  uint64_t messages = 0;        // decoded lines, system messages included (plain only)
  bool completed = false;       // saw "Recovery Request Completed"
  int64_t activity_count = -1;  // from the completion message
};

// Errors: IoError (socket, timeout before the end), Unavailable (a status other than 200, with
// the status line and the start of the body).
Result<StreamRead> ReadStream(const StreamReadOptions& options);

}  // namespace sluice::bench
