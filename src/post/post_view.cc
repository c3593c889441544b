#include "post/post_view.h"

#include <utility>

#include "post/post_parser.h"
#include "post/post_view_dom.h"

namespace sluice {

struct PostViewExtractor::Impl {
  DomPostViewReader dom;
};

PostViewExtractor::PostViewExtractor() : impl_(std::make_unique<Impl>()) {}
PostViewExtractor::~PostViewExtractor() = default;

Status PostViewExtractor::Extract(std::string_view json, PostView& view) {
  return impl_->dom.Extract(json, view);
}

Status PostViewExtractor::ExtractPadded(std::string_view json, PostView& view) {
  return impl_->dom.ExtractPadded(json, view);
}

Status PostViewExtractor::Extract(std::string_view json, size_t readable_after, PostView& view) {
  return readable_after >= PostParser::kPadding ? ExtractPadded(json, view) : Extract(json, view);
}

}  // namespace sluice
