// The reference semantics of docs/rule-language.md "Matching": one small function per operator,
// straight over the PostView, no index and nothing precomputed. Slow on purpose; the compiled
// matcher (rule_program.cc, rule_set.cc) is tested against it.
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "rules/match_keys.h"
#include "rules/rule_set.h"

namespace sluice::rules {
namespace {

using Tokens = std::vector<std::string_view>;

bool AnyEquals(const Tokens& list, std::string_view value) {
  for (std::string_view x : list) {
    if (x == value) return true;
  }
  return false;
}

bool AnyContains(const Tokens& list, std::string_view needle) {
  for (std::string_view x : list) {
    if (x.find(needle) != std::string_view::npos) return true;
  }
  return false;
}

// Can phrase[next..] be placed after position `prev` of `seq`, each token at most `gap` tokens
// after the previous one, without crossing a segment break?
bool PlaceRest(const Tokens& seq, const std::vector<std::string>& phrase, size_t next, size_t prev,
               int gap) {
  if (next == phrase.size()) return true;
  for (size_t p = prev + 1; p < seq.size() && p <= prev + 1 + static_cast<size_t>(gap); ++p) {
    if (seq[p].empty()) return false;  // segment break
    if (seq[p] == phrase[next] && PlaceRest(seq, phrase, next + 1, p, gap)) return true;
  }
  return false;
}

// Every token of `phrase` in order, at most `gap` tokens between consecutive ones, within one
// segment. gap 0 is an exact phrase. No tokens: never.
bool PhraseIn(const Tokens& seq, const std::vector<std::string>& phrase, int gap) {
  if (phrase.empty()) return false;
  for (size_t start = 0; start < seq.size(); ++start) {
    if (seq[start] == phrase[0] && PlaceRest(seq, phrase, 1, start, gap)) return true;
  }
  return false;
}

bool TextPhrase(const PostView& post, const std::vector<std::string>& phrase, int gap) {
  return PhraseIn(post.text_tokens, phrase, gap) || PhraseIn(post.url_tokens, phrase, gap);
}

bool UserMatches(const Term& term, uint64_t id, std::string_view screen_name) {
  if (const int64_t* want = std::get_if<int64_t>(&term.value)) {
    return id != 0 && id == static_cast<uint64_t>(*want);
  }
  return !screen_name.empty() && screen_name == FoldValue(term.text);
}

bool IdEquals(const Term& term, uint64_t id) {
  return id != 0 && id == static_cast<uint64_t>(std::get<int64_t>(term.value));
}

bool InRange(const Term& term, int64_t n) {
  const CountRange& range = std::get<CountRange>(term.value);
  return n >= range.min && (!range.max || n <= *range.max);
}

constexpr double kEarthRadiusKm = 6371.0088;
constexpr double kKmPerMile = 1.609344;
constexpr double kPi = 3.14159265358979323846;

double DistanceKm(double lon1, double lat1, double lon2, double lat2) {
  const double to_rad = kPi / 180.0;
  const double dlat = (lat2 - lat1) * to_rad;
  const double dlon = (lon2 - lon1) * to_rad;
  const double a =
      std::sin(dlat / 2) * std::sin(dlat / 2) +
      std::cos(lat1 * to_rad) * std::cos(lat2 * to_rad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthRadiusKm * std::asin(std::min(1.0, std::sqrt(a)));
}

bool PointRadiusMatches(const PointRadius& circle, const PostView& post) {
  if (post.is_retweet) return false;
  const double radius_km =
      circle.unit == DistanceUnit::kMiles ? circle.radius * kKmPerMile : circle.radius;
  auto inside = [&](double lon, double lat) {
    return DistanceKm(circle.longitude, circle.latitude, lon, lat) <= radius_km;
  };
  if (post.point && inside(post.point->longitude, post.point->latitude)) return true;
  if (post.place_box) {
    const GeoBox& b = *post.place_box;
    return inside(b.west, b.south) && inside(b.west, b.north) && inside(b.east, b.south) &&
           inside(b.east, b.north);
  }
  return false;
}

bool BoundingBoxMatches(const BoundingBox& box, const PostView& post) {
  if (post.is_retweet) return false;
  auto inside = [&](double lon, double lat) {
    return lon >= box.west && lon <= box.east && lat >= box.south && lat <= box.north;
  };
  if (post.point && inside(post.point->longitude, post.point->latitude)) return true;
  if (post.place_box) {
    const GeoBox& b = *post.place_box;
    return inside(b.west, b.south) && inside(b.east, b.north);
  }
  return false;
}

bool HasMatches(std::string_view what, const PostView& post) {
  if (what == "geo") return post.has_geo;
  if (what == "links") return post.has_links;
  if (what == "mentions") return !post.mentions.empty();
  if (what == "hashtags") return !post.hashtags.empty();
  if (what == "media") return post.has_media;
  if (what == "images") return post.has_images;
  if (what == "videos") return post.has_videos;
  if (what == "symbols") return !post.cashtags.empty();
  if (what == "lang") return post.has_lang;
  return false;
}

bool IsMatches(std::string_view what, const PostView& post) {
  if (what == "retweet") return post.is_retweet;
  if (what == "reply") return post.is_reply;
  if (what == "quote") return post.is_quote;
  if (what == "verified") return post.verified;
  return false;
}

bool TermMatches(const Term& term, const PostView& post) {
  switch (term.kind) {
    case TermKind::kKeyword:
    case TermKind::kPhrase:
      return TextPhrase(post, term.tokens, 0);
    case TermKind::kProximity:
      return TextPhrase(post, term.tokens, term.proximity);
    case TermKind::kContains:
      return AnyContains(post.texts, term.tokens[0]);
    case TermKind::kHashtag:
      return AnyEquals(post.hashtags, term.tokens[0]);
    case TermKind::kMention:
      return AnyEquals(post.mentions, term.tokens[0]);
    case TermKind::kCashtag:
      return AnyEquals(post.cashtags, term.tokens[0]);
    case TermKind::kFrom:
      return UserMatches(term, post.user_id, post.user_screen_name);
    case TermKind::kTo:
      return UserMatches(term, post.in_reply_to_user_id, post.in_reply_to_screen_name);
    case TermKind::kRetweetsOf:
      return UserMatches(term, post.retweeted_user_id, post.retweeted_screen_name);
    case TermKind::kInReplyToStatusId:
      return IdEquals(term, post.in_reply_to_status_id);
    case TermKind::kRetweetsOfStatusId:
      return IdEquals(term, post.retweeted_status_id);
    case TermKind::kUrl:
      return PhraseIn(post.url_tokens, TokenizeForMatch(term.text), 0);
    case TermKind::kUrlContains:
      return AnyContains(post.urls, FoldValue(term.text));
    case TermKind::kLang:
      return !post.lang.empty() && post.lang == FoldValue(term.text);
    case TermKind::kBio:
      return PhraseIn(post.user_bio_tokens, term.tokens, 0);
    case TermKind::kBioName:
      return PhraseIn(post.user_name_tokens, term.tokens, 0);
    case TermKind::kBioLocation:
      return PhraseIn(post.user_location_tokens, term.tokens, 0);
    case TermKind::kStatusesCount:
      return InRange(term, post.statuses_count);
    case TermKind::kFollowersCount:
      return InRange(term, post.followers_count);
    case TermKind::kFriendsCount:
      return InRange(term, post.friends_count);
    case TermKind::kListedCount:
      return InRange(term, post.listed_count);
    case TermKind::kSample:
      return SampleBucket(post.id) < std::get<int64_t>(term.value);
    case TermKind::kSource:
      return PhraseIn(post.source_tokens, TokenizeForMatch(term.text), 0) ||
             (!post.source_url.empty() && post.source_url == FoldValue(term.text));
    case TermKind::kPlace:
      return PhraseIn(post.place_tokens, TokenizeForMatch(term.text), 0) ||
             (!post.place_id.empty() && post.place_id == FoldValue(term.text));
    case TermKind::kPlaceCountry:
      return !post.place_country.empty() && post.place_country == FoldValue(term.text);
    case TermKind::kPointRadius:
      return PointRadiusMatches(std::get<PointRadius>(term.value), post);
    case TermKind::kBoundingBox:
      return BoundingBoxMatches(std::get<BoundingBox>(term.value), post);
    case TermKind::kHas:
      return HasMatches(term.text, post);
    case TermKind::kIs:
      return IsMatches(term.text, post);
  }
  return false;
}

bool NodeMatches(const Node& node, const PostView& post) {
  switch (node.kind) {
    case NodeKind::kTerm:
      return TermMatches(node.term, post);
    case NodeKind::kNot:
      return !NodeMatches(node.children[0], post);
    case NodeKind::kGroup:
      return NodeMatches(node.children[0], post);
    case NodeKind::kAnd:
      for (const Node& child : node.children) {
        if (!NodeMatches(child, post)) return false;
      }
      return true;
    case NodeKind::kOr:
      for (const Node& child : node.children) {
        if (NodeMatches(child, post)) return true;
      }
      return false;
  }
  return false;
}

}  // namespace

bool ReferenceMatches(const Rule& rule, const PostView& post) {
  return NodeMatches(rule.root, post);
}

}  // namespace sluice::rules
