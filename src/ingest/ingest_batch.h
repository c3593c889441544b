// IngestBatch: posts on their way from a source (generator, POST /ingest, file) to the archive.
//
// One contiguous buffer holds the posts' bytes back to back so that a batch of thousands of
// posts is two allocations, not thousands. Each post's bytes are kept verbatim (never
// re-serialised) and carry no line terminator.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace sluice {

struct IngestPostRef {
  uint64_t id = 0;
  uint32_t offset = 0;  // into IngestBatch::data
  uint32_t length = 0;
};

struct IngestBatch {
  std::string data;
  std::vector<IngestPostRef> posts;
  // Called once, from the pipeline thread, when every post of the batch is durable per the
  // archive's fsync policy (Ok) or can no longer become durable (the error). May be empty.
  std::function<void(Status)> on_durable;

  void Add(uint64_t id, std::string_view bytes) {
    posts.push_back({id, static_cast<uint32_t>(data.size()), static_cast<uint32_t>(bytes.size())});
    data.append(bytes);
  }
  std::string_view bytes(const IngestPostRef& p) const {
    return std::string_view(data).substr(p.offset, p.length);
  }
  // Bytes of `data` after post p: a parser may read the post in place when its padding fits
  // there (PostParser::ParseIdPadded, PostViewExtractor::Extract).
  size_t readable_after(const IngestPostRef& p) const { return data.size() - p.offset - p.length; }
  size_t size() const { return posts.size(); }
  bool empty() const { return posts.empty(); }
};

// Where sources hand their batches. Implemented by the server's pipeline.
// Thread safety: Submit may be called from any thread.
class IngestSink {
 public:
  virtual ~IngestSink() = default;
  // Blocks while the pipeline's bounded queue is full (back-pressure for the generator and
  // file ingest). Errors: Unavailable once the sink is shutting down.
  virtual Status Submit(IngestBatch batch) = 0;
  // Never blocks. Errors: Unavailable when the queue is full (the HTTP handler answers 503).
  virtual Status TrySubmit(IngestBatch& batch) = 0;
};

}  // namespace sluice
