// PostStore: where `sluice consume` keeps each post once, with the coverage checkpoint that says
// which time the stored posts are complete for (SPEC §7, §8).
//
// A store is written by one thread (the consumer's store stage); implementations need not be
// thread-safe. Open one with OpenStore (store_uri.h).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace sluice::consumer {

// One post as the consumer received it.
struct ReceivedPost {
  uint64_t id = 0;
  std::string body;         // the post's JSON exactly as received, without the "\r\n"
  int64_t received_ms = 0;  // the consumer's clock when its line was parsed
};

// What one Commit makes durable, in one transaction: posts and, optionally, the coverage
// checkpoint that was true once these posts are stored. A checkpoint never becomes visible
// without the posts received before it.
struct CommitBatch {
  std::span<const ReceivedPost> posts = {};
  std::optional<std::string> checkpoint = {};  // opaque text (Coverage::ToCheckpoint,
                                               // docs/consumer-checkpoint.md); nullopt: keep
};

struct CommitResult {
  // Per post of the batch, in order: 1 if it was newly stored, 0 if its id was already there.
  std::vector<uint8_t> inserted;
  uint64_t inserted_count = 0;
};

class PostStore {
 public:
  virtual ~PostStore() = default;

  // Stores the posts whose ids are not yet stored and replaces the checkpoint, atomically and
  // durably (the data is on disk when this returns ok). On error nothing of the batch may be
  // assumed stored; the caller retries the same batch. Errors: kIoError (disk, server gone),
  // kInvalidArgument (a post the store cannot hold).
  virtual Result<CommitResult> Commit(const CommitBatch& batch) = 0;

  // The checkpoint of the last successful Commit that carried one; nullopt for a new store.
  virtual Result<std::optional<std::string>> LoadCheckpoint() = 0;

  // Posts stored with received_ms in [from_ms, to_ms), in received order; at most `limit`.
  // For `sluice reconcile` and tests.
  virtual Result<std::vector<ReceivedPost>> ReadRange(int64_t from_ms, int64_t to_ms,
                                                      size_t limit) = 0;

  // Number of posts stored.
  virtual Result<uint64_t> CountPosts() = 0;

  // "sqlite:/path/db" style, for logs (no passwords).
  virtual std::string Describe() const = 0;
};

}  // namespace sluice::consumer
