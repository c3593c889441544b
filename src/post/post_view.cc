#include "post/post_view.h"

#include <utility>

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

}  // namespace sluice
