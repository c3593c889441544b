#include "post/post_view_dom.h"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "post/json_id.h"
#include "post/post_parser.h"
#include "post/post_view_builder.h"
#include "post/post_view_field_names.h"

namespace sluice {
namespace {

using simdjson::SUCCESS;
using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

// `key` of an object (or of an element, when it is an object) when it holds a string there.
template <typename ObjectOrElement>
std::string_view StringField(ObjectOrElement o, std::string_view key) {
  std::string_view s;
  if (o.at_key(key).get_string().get(s) != SUCCESS) return {};
  return s;
}

bool ObjectField(object o, std::string_view key, object* out) {
  return o.at_key(key).get_object().get(*out) == SUCCESS;
}

bool ArrayField(object o, std::string_view key, array* out) {
  return o.at_key(key).get_array().get(*out) == SUCCESS;
}

// `<name>_str` preferred (exact), else `<name>` (a number that may have lost precision).
uint64_t IdField(object o, std::string_view name_str, std::string_view name) {
  element value;
  if (o.at_key(name_str).get(value) == SUCCESS) {
    if (const uint64_t id = JsonPositiveId(value); id != 0) return id;
  }
  if (o.at_key(name).get(value) == SUCCESS) return JsonPositiveId(value);
  return 0;
}

int64_t CountValue(element value) {
  switch (value.type()) {
    case element_type::INT64:
      return value.get_int64().value_unsafe();
    case element_type::UINT64:
      return static_cast<int64_t>(std::min<uint64_t>(value.get_uint64().value_unsafe(), INT64_MAX));
    case element_type::DOUBLE: {
      const double count = value.get_double().value_unsafe();
      return count >= 0 && count < 9.2e18 ? static_cast<int64_t>(count) : 0;
    }
    case element_type::STRING:
      return static_cast<int64_t>(ParsePositiveDecimalId(value.get_string().value_unsafe()));
    default:
      return 0;
  }
}

int64_t CountField(object o, std::string_view key) {
  element value;
  return o.at_key(key).get(value) == SUCCESS ? CountValue(value) : 0;
}

bool Number(element value, double* out) { return value.get_double().get(*out) == SUCCESS; }

// [a, b] of numbers.
bool NumberPair(element value, double* first, double* second) {
  array pair;
  if (value.get_array().get(pair) != SUCCESS || pair.size() < 2) return false;
  return Number(pair.at(0).value_unsafe(), first) && Number(pair.at(1).value_unsafe(), second);
}

// The first object of `list` whose `key` equals `wanted` (v2 `includes` are joined by id).
bool FindByKey(const std::optional<array>& list, std::string_view key, std::string_view wanted,
               object* out) {
  if (!list.has_value() || wanted.empty()) return false;
  for (element item : *list) {
    object o;
    if (item.get_object().get(o) != SUCCESS) continue;
    std::string_view value;
    if (o.at_key(key).get_string().get(value) == SUCCESS && value == wanted) {
      *out = o;
      return true;
    }
  }
  return false;
}

template <size_t N>
class Fields {
 public:
  Fields(object o, const FieldNames<N>& names) {
    for (const simdjson::dom::key_value_pair field : o) {
      const int i = names.Find(field.key);
      if (i < 0) continue;
      if ((present_ & (uint64_t{1} << i)) == 0) values_[i] = field.value;  // first wins
      present_ |= uint64_t{1} << i;
    }
  }

  bool Has(size_t i) const { return (present_ & (uint64_t{1} << i)) != 0; }
  std::string_view String(size_t i) const {
    std::string_view s;
    if (!Has(i) || values_[i].get_string().get(s) != SUCCESS) return {};
    return s;
  }
  bool Object(size_t i, object* out) const {
    return Has(i) && values_[i].get_object().get(*out) == SUCCESS;
  }
  bool Bool(size_t i) const {
    bool b = false;
    return Has(i) && values_[i].get_bool().get(b) == SUCCESS && b;
  }
  // The exact `*_str` form preferred, else the number (which may have lost precision).
  uint64_t Id(size_t id_str, size_t id) const {
    const uint64_t exact = Has(id_str) ? JsonPositiveId(values_[id_str]) : 0;
    return exact != 0 || !Has(id) ? exact : JsonPositiveId(values_[id]);
  }
  int64_t Count(size_t i) const { return Has(i) ? CountValue(values_[i]) : 0; }

 private:
  static_assert(N <= 64);
  std::array<element, N> values_;
  uint64_t present_ = 0;
};

using StatusFields = Fields<kStatusFieldCount>;

using UserFields = Fields<kUserFieldCount>;

}  // namespace

struct DomPostViewReader::Impl : PostViewBuilder {
  simdjson::dom::parser parser;
  std::vector<char> padded;  // Extract's copy of the post, PostParser::kPadding bytes longer
  PostView* view = nullptr;

  Status Fill(element root);
  void SetBoxFromPoints(array ring);

  // Entities, in either shape: hashtags, cashtags, mentions, URLs.
  struct EntityKeys {
    std::string_view tag;          // of a hashtag or cashtag
    std::string_view cashtags;     // the list
    std::string_view mentions;     // the list
    std::string_view screen_name;  // of a mention
    std::string_view id_str;       // of a mention, preferred to "id"
  };
  static constexpr EntityKeys kV1EntityKeys{"text", "symbols", "user_mentions", "screen_name",
                                            "id_str"};
  static constexpr EntityKeys kV2EntityKeys{"tag", "cashtags", "mentions", "username", "id"};
  void Entities(object entities, const EntityKeys& keys);

  // --- v1.1 "original"
  Status V1Post(object post);
  void V1Content(const StatusFields& status, bool quoted);
  void V1User(object user);
  void V1Geo(const StatusFields& post);

  // --- v2 {"data", "includes"}
  struct V2Includes {  // absent when the post has none
    std::optional<array> users, tweets, places, media;
  };
  void V2Post(object data, const V2Includes& includes);
  void V2Content(object tweet, const V2Includes& includes, bool quoted);
  void V2User(object user);
  void V2Geo(object data, const V2Includes& includes);
};

void DomPostViewReader::Impl::SetBoxFromPoints(array ring) {
  GeoBox box{180, 90, -180, -90};
  bool any = false;
  for (element point : ring) {
    double longitude = 0, latitude = 0;
    if (!NumberPair(point, &longitude, &latitude)) continue;
    box.west = std::min(box.west, longitude);
    box.east = std::max(box.east, longitude);
    box.south = std::min(box.south, latitude);
    box.north = std::max(box.north, latitude);
    any = true;
  }
  if (any) view->place_box = box;
}

// ---------------------------------------------------------------------------------------------
// v1.1

void DomPostViewReader::Impl::V1Content(const StatusFields& status, bool quoted) {
  object extended;
  const bool is_extended = status.Object(kExtendedTweet, &extended);
  std::string_view text;
  if (is_extended) text = StringField(extended, "full_text");
  if (text.empty()) text = status.String(kFullText);  // tweet_mode=extended
  if (text.empty()) text = status.String(kText);
  AddText(text, quoted);

  object entities;
  const bool has_entities = (is_extended && ObjectField(extended, "entities", &entities)) ||
                            status.Object(kEntities, &entities);
  if (has_entities) Entities(entities, kV1EntityKeys);
  // extended_entities has the real media types (entities.media says "photo" for all).
  object media_owner;
  array media;
  if ((is_extended && ObjectField(extended, "extended_entities", &media_owner) &&
       ArrayField(media_owner, "media", &media)) ||
      (status.Object(kExtendedEntities, &media_owner) &&
       ArrayField(media_owner, "media", &media)) ||
      (has_entities && ArrayField(entities, "media", &media))) {
    for (element item : media) AddMediaType(StringField(item, "type"));
  }
}

void DomPostViewReader::Impl::Entities(object entities, const EntityKeys& keys) {
  array list;
  if (ArrayField(entities, "hashtags", &list)) {
    for (element e : list) AddNonEmpty(StringField(e, keys.tag), view->hashtags);
  }
  if (ArrayField(entities, keys.cashtags, &list)) {
    for (element e : list) AddNonEmpty(StringField(e, keys.tag), view->cashtags);
  }
  if (ArrayField(entities, keys.mentions, &list)) {
    for (element e : list) {
      object m;
      if (e.get_object().get(m) != SUCCESS) continue;
      AddMention(StringField(m, keys.screen_name), IdField(m, keys.id_str, "id"));
    }
  }
  if (ArrayField(entities, "urls", &list)) {
    for (element e : list) {
      object u;
      if (e.get_object().get(u) != SUCCESS) continue;
      // v2 lists the link to attached media among the URLs (with its media_key); v1.1 keeps it
      // apart, and so do we: it counts as media, not as a link.
      if (!StringField(u, "media_key").empty()) continue;
      std::string_view url = StringField(u, "expanded_url");
      if (url.empty()) url = StringField(u, "url");
      AddUrl(url);
    }
  }
}

void DomPostViewReader::Impl::V1User(object user_object) {
  const UserFields user(user_object, kUserFieldNames);
  view->user_id = user.Id(kUserIdStr, kUserId);
  view->user_screen_name = Fold(user.String(kScreenName));
  AppendTokenViews(user.String(kDescription), view->user_bio_tokens);
  AppendTokenViews(user.String(kName), view->user_name_tokens);
  AppendTokenViews(user.String(kLocation), view->user_location_tokens);
  view->statuses_count = user.Count(kStatusesCount);
  view->followers_count = user.Count(kFollowersCount);
  view->friends_count = user.Count(kFriendsCount);
  view->listed_count = user.Count(kListedCount);
  view->verified = user.Bool(kVerified);
}

void DomPostViewReader::Impl::V1Geo(const StatusFields& post) {
  object geo;
  element coordinates;
  double longitude = 0, latitude = 0;
  if (post.Object(kCoordinates, &geo) && geo.at_key("coordinates").get(coordinates) == SUCCESS &&
      NumberPair(coordinates, &longitude, &latitude)) {
    view->point = GeoPoint{longitude, latitude};
  } else if (post.Object(kGeo, &geo) && geo.at_key("coordinates").get(coordinates) == SUCCESS &&
             NumberPair(coordinates, &latitude, &longitude)) {  // latitude first
    view->point = GeoPoint{longitude, latitude};
  }
  object place;
  if (post.Object(kPlace, &place)) {
    AppendTokenViews(StringField(place, "full_name"), view->place_tokens);
    view->place_id = Fold(StringField(place, "id"));
    view->place_country = Fold(StringField(place, "country_code"));
    object box;
    array polygon, ring;
    if (ObjectField(place, "bounding_box", &box) && ArrayField(box, "coordinates", &polygon) &&
        polygon.size() > 0 && polygon.at(0).get_array().get(ring) == SUCCESS) {
      SetBoxFromPoints(ring);
    }
  }
  view->has_geo = view->point.has_value() || !view->place_id.empty() ||
                  !view->place_tokens.empty() || view->place_box.has_value();
}

// ---------------------------------------------------------------------------------------------
// v2

void DomPostViewReader::Impl::V2Content(object tweet, const V2Includes& includes, bool quoted) {
  // A long post (> 280 characters) has its whole text and entities in note_tweet.
  object note;
  const bool is_note = ObjectField(tweet, "note_tweet", &note);
  std::string_view text;
  if (is_note) text = StringField(note, "text");
  if (text.empty()) text = StringField(tweet, "text");
  AddText(text, quoted);

  object entities;
  if ((is_note && ObjectField(note, "entities", &entities)) ||
      ObjectField(tweet, "entities", &entities)) {
    Entities(entities, kV2EntityKeys);
  }
  object attachments;
  array keys;
  if (ObjectField(tweet, "attachments", &attachments) &&
      ArrayField(attachments, "media_keys", &keys)) {
    for (element key : keys) {
      std::string_view media_key;
      if (key.get_string().get(media_key) != SUCCESS) continue;
      object media;
      AddMediaType(FindByKey(includes.media, "media_key", media_key, &media)
                       ? StringField(media, "type")
                       : std::string_view());
    }
  }
}

void DomPostViewReader::Impl::V2User(object user) {
  view->user_id = IdField(user, "id", "id");
  view->user_screen_name = Fold(StringField(user, "username"));
  AppendTokenViews(StringField(user, "description"), view->user_bio_tokens);
  AppendTokenViews(StringField(user, "name"), view->user_name_tokens);
  AppendTokenViews(StringField(user, "location"), view->user_location_tokens);
  object metrics;
  if (ObjectField(user, "public_metrics", &metrics)) {
    view->statuses_count = CountField(metrics, "tweet_count");
    view->followers_count = CountField(metrics, "followers_count");
    view->friends_count = CountField(metrics, "following_count");
    view->listed_count = CountField(metrics, "listed_count");
  }
  bool verified = false;
  view->verified = user.at_key("verified").get_bool().get(verified) == SUCCESS && verified;
}

void DomPostViewReader::Impl::V2Geo(object data, const V2Includes& includes) {
  object geo;
  if (!ObjectField(data, "geo", &geo)) return;
  object point;
  element coordinates;
  double longitude = 0, latitude = 0;
  if (ObjectField(geo, "coordinates", &point) &&
      point.at_key("coordinates").get(coordinates) == SUCCESS &&
      NumberPair(coordinates, &longitude, &latitude)) {
    view->point = GeoPoint{longitude, latitude};
  }
  const std::string_view place_id = StringField(geo, "place_id");
  view->place_id = Fold(place_id);
  object place;
  if (FindByKey(includes.places, "id", place_id, &place)) {
    AppendTokenViews(StringField(place, "full_name"), view->place_tokens);
    view->place_country = Fold(StringField(place, "country_code"));
    object place_geo;
    array bbox;
    double west = 0, south = 0, east = 0, north = 0;
    if (ObjectField(place, "geo", &place_geo) && ArrayField(place_geo, "bbox", &bbox) &&
        bbox.size() == 4 && Number(bbox.at(0).value_unsafe(), &west) &&
        Number(bbox.at(1).value_unsafe(), &south) && Number(bbox.at(2).value_unsafe(), &east) &&
        Number(bbox.at(3).value_unsafe(), &north)) {
      view->place_box = GeoBox{west, south, east, north};
    }
  }
  view->has_geo = view->point.has_value() || !view->place_id.empty();
}

void DomPostViewReader::Impl::V2Post(object data, const V2Includes& includes) {
  object content = data;
  std::string_view quoted_id;
  array references;
  if (ArrayField(data, "referenced_tweets", &references)) {
    for (element reference : references) {
      object r;
      if (reference.get_object().get(r) != SUCCESS) continue;
      const std::string_view type = StringField(r, "type");
      const std::string_view id = StringField(r, "id");
      if (type == "retweeted") {
        view->is_retweet = true;
        view->retweeted_status_id = IdField(r, "id", "id");
        object retweeted;
        if (FindByKey(includes.tweets, "id", id, &retweeted)) {
          content = retweeted;
          view->retweeted_user_id = IdField(retweeted, "author_id", "author_id");
          object author;
          if (FindByKey(includes.users, "id", StringField(retweeted, "author_id"), &author)) {
            view->retweeted_screen_name = Fold(StringField(author, "username"));
          }
        }
      } else if (type == "quoted") {
        quoted_id = id;
      } else if (type == "replied_to") {
        view->in_reply_to_status_id = IdField(r, "id", "id");
      }
    }
  }
  view->is_quote = !view->is_retweet && !quoted_id.empty();

  V2Content(content, includes, /*quoted=*/false);
  if (view->is_retweet && ArrayField(content, "referenced_tweets", &references)) {
    quoted_id = {};  // a retweet's quote is the retweeted post's
    for (element reference : references) {
      object r;
      if (reference.get_object().get(r) == SUCCESS && StringField(r, "type") == "quoted") {
        quoted_id = StringField(r, "id");
      }
    }
  }
  object quoted;
  if (FindByKey(includes.tweets, "id", quoted_id, &quoted)) {
    V2Content(quoted, includes, /*quoted=*/true);
  }

  view->in_reply_to_user_id = IdField(data, "in_reply_to_user_id", "in_reply_to_user_id");
  object replied_user;
  if (FindByKey(includes.users, "id", StringField(data, "in_reply_to_user_id"), &replied_user)) {
    view->in_reply_to_screen_name = Fold(StringField(replied_user, "username"));
  }
  view->is_reply = view->in_reply_to_status_id != 0 || view->in_reply_to_user_id != 0;

  object author;
  if (FindByKey(includes.users, "id", StringField(data, "author_id"), &author)) {
    V2User(author);
  } else {
    view->user_id = IdField(data, "author_id", "author_id");
  }
  SetLang(StringField(data, "lang"));
  AppendTokenViews(StringField(data, "source"), view->source_tokens);
  if (!view->is_retweet) V2Geo(data, includes);
}

// ---------------------------------------------------------------------------------------------

Status DomPostViewReader::Impl::Fill(element root) {
  object post;
  if (root.get_object().get(post) != SUCCESS) {
    return Status::InvalidArgument(std::string(kPostNotObject));
  }
  object data;
  element id_value;
  if (post.at_key("id_str").error() == SUCCESS || post.at_key("id").error() == SUCCESS) {
    return V1Post(post);
  }
  if (!ObjectField(post, "data", &data) || data.at_key("id").get(id_value) != SUCCESS) {
    return Status::InvalidArgument(std::string(kPostNoId));
  }
  view->id = JsonPositiveId(id_value);
  if (view->id == 0) return Status::InvalidArgument(std::string(kPostBadId));
  V2Includes includes;
  object included;
  if (ObjectField(post, "includes", &included)) {
    const auto include = [&](std::string_view key, std::optional<array>& list) {
      array found;
      if (ArrayField(included, key, &found)) list = found;
    };
    include("users", includes.users);
    include("tweets", includes.tweets);
    include("places", includes.places);
    include("media", includes.media);
  }
  V2Post(data, includes);
  return Status::Ok();
}

Status DomPostViewReader::Impl::V1Post(object post_object) {
  const StatusFields post(post_object, kStatusFieldNames);
  // As PostParser: id_str is authoritative when present, even when it is bad.
  view->id = post.Has(kIdStr) ? post.Id(kIdStr, kIdStr) : post.Id(kId, kId);
  if (view->id == 0) return Status::InvalidArgument(std::string(kPostBadId));

  object retweeted_object, quoted_object, user;
  std::optional<StatusFields> retweeted;
  if (post.Object(kRetweetedStatus, &retweeted_object)) {
    retweeted.emplace(retweeted_object, kStatusFieldNames);
    view->is_retweet = true;
    view->retweeted_status_id = retweeted->Id(kIdStr, kId);
    if (retweeted->Object(kUser, &user)) {
      view->retweeted_user_id = IdField(user, "id_str", "id");
      view->retweeted_screen_name = Fold(StringField(user, "screen_name"));
    }
  }
  const StatusFields& content = retweeted ? *retweeted : post;
  V1Content(content, /*quoted=*/false);
  // A retweet of a quote carries the quoted post inside the retweeted one (and X repeats it at
  // the top); the quoted post's own quote is not followed.
  if (content.Object(kQuotedStatus, &quoted_object) || post.Object(kQuotedStatus, &quoted_object)) {
    V1Content(StatusFields(quoted_object, kStatusFieldNames), /*quoted=*/true);
  }
  view->is_quote = !view->is_retweet && (post.Has(kQuotedStatus) || post.Bool(kIsQuoteStatus));

  view->in_reply_to_status_id = post.Id(kReplyStatusIdStr, kReplyStatusId);
  view->in_reply_to_user_id = post.Id(kReplyUserIdStr, kReplyUserId);
  view->in_reply_to_screen_name = Fold(post.String(kReplyScreenName));
  view->is_reply = view->in_reply_to_status_id != 0 || view->in_reply_to_user_id != 0;

  if (post.Object(kUser, &user)) V1User(user);
  SetLang(post.String(kLang));
  SetV1Source(post.String(kSource));
  if (!view->is_retweet) V1Geo(post);
  return Status::Ok();
}

DomPostViewReader::DomPostViewReader() : impl_(std::make_unique<Impl>()) {}
DomPostViewReader::~DomPostViewReader() = default;

Status DomPostViewReader::Extract(std::string_view json, PostView& view) {
  if (json.empty()) json = " ";  // so that the error names the same cause as PostParser's
  // Our own buffer rather than simdjson's realloc_if_needed: it grows geometrically (simdjson's
  // reallocates to the exact size each time a longer post comes) and is reused for every post.
  std::vector<char>& padded = impl_->padded;
  if (padded.size() < json.size() + PostParser::kPadding) {
    padded.resize(std::max(json.size() + PostParser::kPadding, 2 * padded.size()));
  }
  std::memcpy(padded.data(), json.data(), json.size());
  return ExtractPadded(std::string_view(padded.data(), json.size()), view);
}

Status DomPostViewReader::ExtractPadded(std::string_view json, PostView& view) {
  if (json.empty()) return Extract(json, view);  // json.data() may be null
  ClearView(view);
  element root;
  // Every string of the DOM is copied into the parser's own buffer, so the view never points
  // into `json`.
  const simdjson::error_code error = impl_->parser.parse(json.data(), json.size(), false).get(root);
  if (error != SUCCESS) {
    return Status::InvalidArgument(std::string("invalid JSON: ") + simdjson::error_message(error));
  }
  impl_->view = &view;
  return impl_->Build(json.size(), view, [&] { return impl_->Fill(root); });
}

}  // namespace sluice
