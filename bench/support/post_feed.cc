#include "support/post_feed.h"

#include <cstdio>

#include "ingest/generator.h"
#include "ingest/ingest_batch.h"

namespace sluice::bench {
namespace {

constexpr int kPostsPerMs = 100;
constexpr size_t kGenerateBatch = 4096;
// Chunk sizes are written as 8 hex digits (leading zeros are valid chunk-size syntax), so a
// chunk's header can be filled in after its posts without moving them.
constexpr size_t kSizeDigits = 8;

class ChunkWriter {
 public:
  ChunkWriter(PostFeed& feed, size_t chunk_bytes) : feed_(feed), chunk_bytes_(chunk_bytes) {}
  void Add(uint64_t id, std::string_view post) {
    if (open_ == std::string::npos) Open();
    feed_.posts.push_back({id, feed_.body.size(), static_cast<uint32_t>(post.size())});
    feed_.body.append(post);
    feed_.body.append("\r\n");
    feed_.post_bytes += post.size();
    if (feed_.body.size() - open_ >= chunk_bytes_) Close();
  }
  void Close() {
    if (open_ == std::string::npos) return;
    const size_t data_start = open_ + kSizeDigits + 2;
    char digits[kSizeDigits + 1];
    std::snprintf(digits, sizeof digits, "%08zx", feed_.body.size() - data_start);
    feed_.body.replace(open_, kSizeDigits, digits, kSizeDigits);
    feed_.body.append("\r\n");
    open_ = std::string::npos;
  }

 private:
  void Open() {
    open_ = feed_.body.size();
    feed_.body.append(kSizeDigits, '0');
    feed_.body.append("\r\n");
  }
  PostFeed& feed_;
  const size_t chunk_bytes_;
  size_t open_ = std::string::npos;  // where the open chunk's size digits are
};

}  // namespace

PostFeed MakePostFeed(size_t count, uint64_t seed, int64_t start_ms, size_t chunk_bytes) {
  PostFeed feed;
  feed.posts.reserve(count);
  feed.body.reserve(count * 3000 + 4096);
  ChunkWriter writer(feed, chunk_bytes);
  PostGenerator generator(seed);
  IngestBatch batch;
  for (size_t made = 0; made < count;) {
    batch.data.clear();
    batch.posts.clear();
    const size_t n = std::min(kGenerateBatch, count - made);
    for (size_t i = 0; i < n; ++i, ++made) {
      generator.Generate(start_ms + static_cast<int64_t>(made / kPostsPerMs), batch);
    }
    for (const IngestPostRef& ref : batch.posts) writer.Add(ref.id, batch.bytes(ref));
  }
  writer.Close();
  return feed;
}

}  // namespace sluice::bench
