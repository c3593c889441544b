// DomPostViewReader: the validating extraction path (PostViewExtractor::Extract). Parses the
// whole post into simdjson's DOM, which validates it as PostParser does, then walks it.
// Private to src/post.
//
// Thread safety: none; one per PostViewExtractor.
#pragma once

#include <memory>
#include <string_view>

#include "base/status.h"
#include "post/post_view.h"

namespace sluice {

class DomPostViewReader {
 public:
  DomPostViewReader();
  ~DomPostViewReader();
  DomPostViewReader(const DomPostViewReader&) = delete;  // owns parse buffers and the arena
  DomPostViewReader& operator=(const DomPostViewReader&) = delete;

  // As PostViewExtractor::Extract and ExtractPadded.
  [[nodiscard]] Status Extract(std::string_view json, PostView& view);
  [[nodiscard]] Status ExtractPadded(std::string_view json, PostView& view);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice
