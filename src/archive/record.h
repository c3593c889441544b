// The two shapes of a post in the archive: what a caller hands to Writer::Append, and what a
// Reader hands back.
#pragma once

#include <cstdint>
#include <string_view>

namespace sluice::archive {

// One post to append. `bytes` is borrowed: it must stay valid for the duration of the Append
// call only (it is copied into the writer's buffer).
struct Record {
  uint64_t post_id = 0;
  std::string_view bytes;
};

// One archived post as read back. `bytes` points into the reader's buffer and is valid until
// the next call on the object that produced it.
struct RecordView {
  uint64_t seq = 0;
  int64_t archive_time_ms = 0;
  uint64_t post_id = 0;
  std::string_view bytes;
};

}  // namespace sluice::archive
