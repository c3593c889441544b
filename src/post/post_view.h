// PostView: everything the PowerTrack operators look at, extracted once per post (SPEC §5) from
// either post shape — v1.1 "original" ({"id_str",…,"user",…,"entities",…}) or v2
// ({"data":…,"includes":…}) — so that matching never touches JSON.
//
// Case: every text-like field below is case-folded (text_tokens.h, FoldCase) unless it says
// otherwise; numbers are as in the post. Accents are not folded (SPEC §5).
//
// Content that counts "as PowerTrack does":
//  - a retweet's text, entities and media are those of the retweeted post (a v1.1 retweet's own
//    `text` is a truncated "RT @user: …"); extended posts use their full text.
//  - a quote's quoted post contributes its text (after a segment break), entities and has:
//    flags; its author does not count for from:/bio*: and its place/geo do not count. A retweet
//    of a quote carries the quote's content the same way (is_quote stays false: it is a retweet).
//    Only one level: a quoted post's own quote is not read.
//  - a retweet has no place or point (SPEC §5: geo operators never match retweets).
//  - text is read as X escapes it, `&amp;` `&lt;` `&gt;` turned back into & < >.
//
// Lifetime: string_views point into storage owned by the PostViewExtractor that filled the view;
// they stay valid until that extractor's next Extract or ExtractPadded (or its destruction), and
// never point into the JSON passed in.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace sluice {

struct GeoPoint {
  double longitude = 0;
  double latitude = 0;
};

struct GeoBox {
  double west = 0, south = 0, east = 0, north = 0;
};

struct PostView {
  uint64_t id = 0;

  // Tokens of the text (SPEC §5 tokenisation, text_tokens.h), in order. The post's own text
  // first, then — for a quote — an empty token (a segment break: phrases and proximity never
  // span it; no rule token is empty) and the quoted post's tokens.
  std::vector<std::string_view> text_tokens;
  // The folded text itself, for contains: (substring): the post's own, then the quoted post's.
  std::vector<std::string_view> texts;

  // Entities without their sigil (# @ $), folded; the quoted post's included.
  std::vector<std::string_view> hashtags;
  std::vector<std::string_view> mentions;  // screen names
  std::vector<uint64_t> mention_ids;
  std::vector<std::string_view> cashtags;
  // Expanded URLs (folded; `url` when a post gives no expanded_url), and their tokens with an
  // empty token between two URLs. A v2 URL entity that links attached media (it has a
  // media_key) is media, not a URL, as in v1.1. Keywords
  // match url_tokens too; url: is a phrase match within one URL's tokens; url_contains: a
  // substring of one expanded URL.
  std::vector<std::string_view> urls;
  std::vector<std::string_view> url_tokens;

  // Author (the poster of this post, not of a retweeted or quoted one).
  uint64_t user_id = 0;
  std::string_view user_screen_name;               // folded
  std::vector<std::string_view> user_bio_tokens;   // description
  std::vector<std::string_view> user_name_tokens;  // display name
  std::vector<std::string_view> user_location_tokens;
  int64_t statuses_count = 0;
  int64_t followers_count = 0;
  int64_t friends_count = 0;  // v2: following_count
  int64_t listed_count = 0;
  bool verified = false;

  std::string_view lang;  // folded BCP 47 code as in the post; empty when absent
  // Source application: tokens of its name, and its URL (folded) when the post gives one
  // (v1.1 `source` is `<a href="URL" …>Name</a>`; v2 gives a plain name).
  std::vector<std::string_view> source_tokens;
  std::string_view source_url;

  // Place: tokens of its full name, its id and ISO country code (folded), bounding box.
  std::vector<std::string_view> place_tokens;
  std::string_view place_id;
  std::string_view place_country;  // e.g. "us"
  std::optional<GeoBox> place_box;
  std::optional<GeoPoint> point;  // exact location (coordinates / geo)

  // Relations.
  bool is_retweet = false;
  bool is_reply = false;
  bool is_quote = false;
  uint64_t retweeted_status_id = 0;        // 0 unless a retweet
  uint64_t retweeted_user_id = 0;          // author of the retweeted post
  std::string_view retweeted_screen_name;  // folded; may be empty in v2 without includes
  uint64_t in_reply_to_status_id = 0;
  uint64_t in_reply_to_user_id = 0;
  std::string_view in_reply_to_screen_name;  // folded; may be empty

  // has: flags (quoted content included except for geo).
  bool has_geo = false;    // point or place
  bool has_links = false;  // URLs or media
  bool has_media = false;
  bool has_images = false;  // media of type photo
  bool has_videos = false;  // video or animated_gif
  bool has_lang = false;    // lang present and not "und"
};

// Fills PostViews. One per thread; it owns the storage the views point into and reusable
// parse buffers (no allocation per post once warm, for typical posts).
class PostViewExtractor {
 public:
  PostViewExtractor();
  ~PostViewExtractor();
  PostViewExtractor(const PostViewExtractor&) = delete;
  PostViewExtractor& operator=(const PostViewExtractor&) = delete;

  // Extracts the view of `json` (one post, either shape), validating it fully. Copies into a
  // padded buffer the extractor keeps for the next post first. Fields the post lacks stay
  // empty/zero. Errors (InvalidArgument): not JSON, not an object, no id — the same posts
  // PostParser refuses, in its words; anything PostParser accepts yields a view.
  [[nodiscard]] Status Extract(std::string_view json, PostView& view);
  // As Extract, without the copy: simdjson reads `json` in place.
  // REQUIRES: the PostParser::kPadding (64) bytes after json.data() + json.size() are readable
  // memory (any content: they are never interpreted), as for PostParser::ParseIdPadded.
  [[nodiscard]] Status ExtractPadded(std::string_view json, PostView& view);
  // ExtractPadded when the `readable_after` bytes that follow `json` hold the padding, else
  // Extract.
  [[nodiscard]] Status Extract(std::string_view json, size_t readable_after, PostView& view);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice
