// PostGenerator: a deterministic synthetic feed of X v1.1 posts (docs/generator.md).
//
// Posts are realistic in shape and mix: originals, replies, retweets (with the full original
// nested) and quotes; seven languages with Zipf vocabularies; hashtags, mentions, cashtags, links
// and media with correct entity indices; extended (> 140 code points) posts; places and points.
// Every post is valid JSON that PostParser accepts.
//
// Determinism: the same seed and the same sequence of created_ms values give byte-identical posts.
// Ids: snowflakes MakeSnowflake(time, worker, sequence) with the worker derived from the seed,
// strictly increasing across calls.
//
// Thread safety: none; one generator per thread. Construction builds the synthetic world
// (about 10 MB, a few tens of ms); once warm, Generate allocates nothing beyond the batch's own
// growth.
#pragma once

#include <cstdint>
#include <memory>

#include "ingest/ingest_batch.h"

namespace sluice {

class PostGenerator {
 public:
  explicit PostGenerator(uint64_t seed);
  ~PostGenerator();
  PostGenerator(const PostGenerator&) = delete;  // two copies would mint the same ids
  PostGenerator& operator=(const PostGenerator&) = delete;
  PostGenerator(PostGenerator&&) noexcept;
  PostGenerator& operator=(PostGenerator&&) noexcept;

  // Appends one post to `out` and returns its id. The post's time is created_ms, or when that is
  // not after the previous post's time, the previous time with the next sequence number (the
  // next millisecond once its 4,096 sequence numbers are used).
  // REQUIRES: created_ms >= kTwitterEpochMs.
  uint64_t Generate(int64_t created_ms, IngestBatch& out);

  uint64_t worker() const;       // the snowflake worker id, 0..1023
  int64_t last_time_ms() const;  // time of the last post; INT64_MIN before the first
  uint64_t posts_generated() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice
