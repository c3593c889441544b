// PostViewBuilder: the storage a PostView points into and the field-building steps (folding,
// tokenising, the arena of string_views), apart from how the JSON is read (post_view_dom.cc).
// Private to src/post.
//
// Thread safety: none; one per PostViewExtractor.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "post/post_view.h"

namespace sluice {

// The same words as PostParser: both extractors refuse exactly the posts it refuses.
inline constexpr std::string_view kPostNotObject = "post is not a JSON object";
inline constexpr std::string_view kPostNoId = "post has no id (expected id_str, id, or data.id)";
inline constexpr std::string_view kPostBadId = "post id is not a positive 64-bit integer";

// Empties `view` but keeps its vectors' capacity.
void ClearView(PostView& view);

class PostViewBuilder {
 public:
  PostViewBuilder() = default;
  PostViewBuilder(const PostViewBuilder&) = delete;  // views point into the arena
  PostViewBuilder& operator=(const PostViewBuilder&) = delete;

  // Clears `out`, then runs `fill` (which builds into view()) until the arena did not move
  // under the views it made: each string of the post lands in the arena about once (folding
  // lengthens a code point by half at most, and the tokeniser wants room for twice its input
  // while it works), so four times the post is rarely outgrown; when it is, the same work fits
  // the second time. On an error `out` is left empty.
  template <typename Fill>
  Status Build(size_t json_size, PostView& out, Fill&& fill) {
    ClearView(out);
    view_ = &out;
    arena_.reserve(4 * json_size + 1024);
    for (;;) {
      arena_.clear();
      const char* const base = arena_.data();
      if (Status status = fill(); !status.ok()) {
        ClearView(out);
        return status;
      }
      if (arena_.data() == base) return Status::Ok();
      ClearView(out);
    }
  }

  PostView& view() { return *view_; }

  // Folded copy of `s` in the arena.
  std::string_view Fold(std::string_view s);
  void AppendTokenViews(std::string_view s, std::vector<std::string_view>& out);
  // Post text (own, or a quoted post's after a segment break): unescaped, folded, tokenised.
  void AddText(std::string_view text, bool quoted);
  void AddUrl(std::string_view url);
  void AddMention(std::string_view screen_name, uint64_t id);
  void AddNonEmpty(std::string_view value, std::vector<std::string_view>& out);
  void AddMediaType(std::string_view type);
  void SetLang(std::string_view lang);
  // v1.1 `<a href="URL" rel="nofollow">Name</a>`, or a plain name.
  void SetV1Source(std::string_view source);

 private:
  // The folded text, with its tokens appended to `tokens` as views into it.
  std::string_view FoldWithTokens(std::string_view s, std::vector<std::string_view>& tokens);
  // X escapes & < > in post text as HTML entities (both shapes); a keyword must not match `amp`.
  std::string_view UnescapeText(std::string_view text);

  PostView* view_ = nullptr;
  // Every string_view of the view points here (see Build).
  std::string arena_;
  std::string unescaped_;
  std::vector<std::pair<uint32_t, uint32_t>> bounds_;
};

}  // namespace sluice
