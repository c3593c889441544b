// PostFeed: generated posts laid out once as the body of a chunked HTTP/1.1 stream response, so
// that a feeder (stream_feeder.h) can write the same bytes to every connection without copying
// and a baseline can hand the same posts to a store directly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::bench {

struct FeedPost {
  uint64_t id = 0;
  size_t offset = 0;  // into PostFeed::body: the post's JSON, without its "\r\n"
  uint32_t length = 0;
};

struct PostFeed {
  // Chunks of about `chunk_bytes` holding whole posts, each post followed by "\r\n" (PowerTrack
  // framing). No terminating zero-size chunk: a stream does not end.
  std::string body;
  std::vector<FeedPost> posts;
  uint64_t post_bytes = 0;  // the posts' JSON alone

  std::string_view post(size_t i) const {
    return std::string_view(body).substr(posts[i].offset, posts[i].length);
  }
};

// `count` posts of PostGenerator(seed), created from `start_ms` on at 100 posts a millisecond
// (their ids carry those times). Deterministic for the same arguments.
PostFeed MakePostFeed(size_t count, uint64_t seed, int64_t start_ms,
                      size_t chunk_bytes = 256 * 1024);

// One heartbeat ("\r\n") as a chunk of the stream body.
inline constexpr std::string_view kChunkedHeartbeat = "2\r\n\r\n\r\n";

}  // namespace sluice::bench
