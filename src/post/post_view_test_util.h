// Test helper: posts of the demo generator.
#pragma once

#include "ingest/generator.h"
#include "post/post_view.h"

namespace sluice {

// `posts` posts of the demo generator, four per millisecond.
inline IngestBatch GeneratePosts(uint64_t seed, int posts) {
  constexpr int64_t kStartMs = 1795394779000;
  PostGenerator generator(seed);
  IngestBatch batch;
  for (int i = 0; i < posts; ++i) generator.Generate(kStartMs + i / 4, batch);
  return batch;
}

}  // namespace sluice
