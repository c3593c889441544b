#include "post/post_view_builder.h"

#include <algorithm>

#include "post/text_tokens.h"

namespace sluice {

void ClearView(PostView& view) {
  // Not `view = {}`: the vectors keep their capacity for the next post. The scalars are reset by
  // assigning a default view that first takes our cleared vectors.
  PostView reset;
  const auto keep = [&](auto... lists) {
    ((view.*lists).clear(), ...);
    (std::swap(reset.*lists, view.*lists), ...);
  };
  keep(&PostView::text_tokens, &PostView::texts, &PostView::hashtags, &PostView::mentions,
       &PostView::mention_ids, &PostView::cashtags, &PostView::urls, &PostView::url_tokens,
       &PostView::user_bio_tokens, &PostView::user_name_tokens, &PostView::user_location_tokens,
       &PostView::source_tokens, &PostView::place_tokens);
  view = std::move(reset);
}

std::string_view PostViewBuilder::Fold(std::string_view s) {
  const size_t begin = arena_.size();
  AppendFolded(s, arena_);
  return std::string_view(arena_).substr(begin);
}

void PostViewBuilder::AppendTokenViews(std::string_view s, std::vector<std::string_view>& out) {
  bounds_.clear();
  AppendTokens(s, arena_, bounds_);
  for (const auto& [begin, end] : bounds_) out.emplace_back(arena_.data() + begin, end - begin);
}

std::string_view PostViewBuilder::FoldWithTokens(std::string_view s,
                                                 std::vector<std::string_view>& tokens) {
  const size_t begin = arena_.size();
  bounds_.clear();
  AppendFoldedWithTokens(s, arena_, bounds_);
  for (const auto& [first, last] : bounds_)
    tokens.emplace_back(arena_.data() + first, last - first);
  return std::string_view(arena_).substr(begin);
}

std::string_view PostViewBuilder::UnescapeText(std::string_view text) {
  if (text.find('&') == std::string_view::npos) return text;
  unescaped_.clear();
  size_t i = 0;
  while (i < text.size()) {
    const size_t amp = text.find('&', i);
    if (amp == std::string_view::npos) break;
    unescaped_.append(text.substr(i, amp - i));
    const std::string_view rest = text.substr(amp);
    if (rest.starts_with("&amp;")) {
      unescaped_.push_back('&'), i = amp + 5;
    } else if (rest.starts_with("&lt;")) {
      unescaped_.push_back('<'), i = amp + 4;
    } else if (rest.starts_with("&gt;")) {
      unescaped_.push_back('>'), i = amp + 4;
    } else {
      unescaped_.push_back('&'), i = amp + 1;
    }
  }
  unescaped_.append(text.substr(std::min(i, text.size())));
  return unescaped_;
}

void PostViewBuilder::AddText(std::string_view text, bool quoted) {
  text = UnescapeText(text);
  if (quoted) view_->text_tokens.emplace_back();  // segment break
  view_->texts.push_back(FoldWithTokens(text, view_->text_tokens));
}

void PostViewBuilder::AddUrl(std::string_view url) {
  if (url.empty()) return;
  view_->has_links = true;
  if (!view_->urls.empty()) view_->url_tokens.emplace_back();
  view_->urls.push_back(FoldWithTokens(url, view_->url_tokens));
}

void PostViewBuilder::AddMention(std::string_view screen_name, uint64_t id) {
  if (!screen_name.empty()) view_->mentions.push_back(Fold(screen_name));
  if (id != 0) view_->mention_ids.push_back(id);
}

void PostViewBuilder::AddNonEmpty(std::string_view value, std::vector<std::string_view>& out) {
  if (!value.empty()) out.push_back(Fold(value));
}

void PostViewBuilder::AddMediaType(std::string_view type) {
  view_->has_media = view_->has_links = true;
  if (type == "photo") view_->has_images = true;
  if (type == "video" || type == "animated_gif") view_->has_videos = true;
}

void PostViewBuilder::SetLang(std::string_view lang) {
  view_->lang = Fold(lang);
  view_->has_lang = !lang.empty() && view_->lang != "und";
}

void PostViewBuilder::SetV1Source(std::string_view source) {
  std::string_view name = source;
  if (source.starts_with("<a")) {
    const size_t href = source.find("href=\"");
    if (href != std::string_view::npos) {
      const size_t url_begin = href + 6;
      const size_t url_end = source.find('"', url_begin);
      if (url_end != std::string_view::npos) {
        view_->source_url = Fold(source.substr(url_begin, url_end - url_begin));
      }
    }
    const size_t open_end = source.find('>');
    const size_t close = source.rfind("</a>");
    if (open_end != std::string_view::npos && close != std::string_view::npos && close > open_end) {
      name = source.substr(open_end + 1, close - open_end - 1);
    } else {
      name = {};
    }
  }
  AppendTokenViews(name, view_->source_tokens);
}

}  // namespace sluice
