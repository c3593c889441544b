#include "rules/post_keys.h"

namespace sluice::rules {

void PostKeys::Clear() {
  for (const Key& key : keys_) slots_[key.slot] = 0;
  keys_.clear();
  ids_.clear();
}

void PostKeys::Grow() {
  const size_t capacity = slots_.size() * 2;
  slots_.assign(capacity, 0);
  mask_ = static_cast<uint32_t>(capacity - 1);
  for (size_t id = 0; id < keys_.size(); ++id) {
    uint32_t i = keys_[id].hash & mask_;
    while (slots_[i] != 0) i = (i + 1) & mask_;
    slots_[i] = static_cast<uint32_t>(id + 1);
    keys_[id].slot = i;
  }
}

uint32_t PostKeys::Insert(KeyKind kind, uint64_t hash, std::string_view text, uint64_t number) {
  uint32_t i = hash & mask_;
  for (; slots_[i] != 0; i = (i + 1) & mask_) {
    const Key& key = keys_[slots_[i] - 1];
    if (key.hash == hash && key.kind == kind && key.number == number &&
        KeyTextEqual(key.text, text)) {
      return slots_[i] - 1;
    }
  }
  const auto id = static_cast<uint32_t>(keys_.size());
  keys_.push_back(Key{hash, text, number, i, kind});
  slots_[i] = id + 1;
  // Load at most one half keeps probe runs short.
  if (keys_.size() * 2 > slots_.size()) Grow();
  return id;
}

void PostKeys::AddText(KeyKind kind, uint64_t hash, std::string_view text) {
  Insert(kind, hash, text, 0);
}

void PostKeys::AddNumber(KeyKind kind, uint64_t number) {
  if (number != 0) Insert(kind, KeyHash(kind, number), {}, number);
}

void PostKeys::AddTokens(KeyKind kind, const std::vector<std::string_view>& tokens,
                         TokenList list) {
  for (std::string_view token : tokens) {
    if (token.empty()) {
      ids_.push_back(-1);
    } else {
      ids_.push_back(static_cast<int32_t>(Insert(kind, KeyHash(kind, token), token, 0)));
    }
  }
  list_begin_[static_cast<int>(list) + 1] = static_cast<uint32_t>(ids_.size());
}

void PostKeys::Build(const PostView& post) {
  Clear();
  list_begin_[0] = 0;
  AddTokens(KeyKind::kToken, post.text_tokens, TokenList::kText);
  AddTokens(KeyKind::kToken, post.url_tokens, TokenList::kUrl);
  AddTokens(KeyKind::kBio, post.user_bio_tokens, TokenList::kBio);
  AddTokens(KeyKind::kBioName, post.user_name_tokens, TokenList::kBioName);
  AddTokens(KeyKind::kBioLocation, post.user_location_tokens, TokenList::kBioLocation);
  AddTokens(KeyKind::kSource, post.source_tokens, TokenList::kSource);
  AddTokens(KeyKind::kPlace, post.place_tokens, TokenList::kPlace);

  auto add_text = [this](KeyKind kind, std::string_view text) {
    if (!text.empty()) Insert(kind, KeyHash(kind, text), text, 0);
  };
  for (std::string_view x : post.hashtags) add_text(KeyKind::kHashtag, x);
  for (std::string_view x : post.mentions) add_text(KeyKind::kMention, x);
  for (std::string_view x : post.cashtags) add_text(KeyKind::kCashtag, x);
  add_text(KeyKind::kFromName, post.user_screen_name);
  add_text(KeyKind::kToName, post.in_reply_to_screen_name);
  add_text(KeyKind::kRetweetsOfName, post.retweeted_screen_name);
  add_text(KeyKind::kLang, post.lang);
  add_text(KeyKind::kSourceUrl, post.source_url);
  add_text(KeyKind::kPlaceId, post.place_id);
  add_text(KeyKind::kPlaceCountry, post.place_country);
  AddNumber(KeyKind::kFromId, post.user_id);
  AddNumber(KeyKind::kToId, post.in_reply_to_user_id);
  AddNumber(KeyKind::kRetweetsOfId, post.retweeted_user_id);
  AddNumber(KeyKind::kReplyToStatus, post.in_reply_to_status_id);
  AddNumber(KeyKind::kRetweetOfStatus, post.retweeted_status_id);

  // Flags are numbered from 1 so that AddNumber keeps them.
  const bool flags[] = {post.is_retweet,        post.is_reply,          post.is_quote,
                        post.verified,          post.has_geo,           post.has_links,
                        !post.mentions.empty(), !post.hashtags.empty(), post.has_media,
                        post.has_images,        post.has_videos,        !post.cashtags.empty(),
                        post.has_lang};
  for (size_t i = 0; i < std::size(flags); ++i) {
    if (flags[i]) AddNumber(KeyKind::kFlag, i + 1);
  }
}

}  // namespace sluice::rules
