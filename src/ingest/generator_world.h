// SyntheticWorld: everything the post generator draws from (vocabularies, accounts, places,
// clients, web sites), built once and JSON-escaped up front so that generating a post only picks
// and copies. It does not depend on the generator's seed: the same accounts and words exist in
// every run, so rules written against demo data (from:…, #…) keep matching across seeds.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "ingest/alias_table.h"
#include "ingest/generator_data.h"
#include "ingest/text_arena.h"
#include "ingest/word_table.h"

namespace sluice {

// An account. Its JSON is pre-serialised around statuses_count, the one field that changes.
struct SyntheticUser {
  uint64_t id = 0;
  Language language = Language::kEn;
  EscapedText screen_name;  // ASCII, unique
  EscapedText name;
  std::string_view json_head[2];  // [utf8, ascii]: `{"id":…,"statuses_count":`
  std::string_view json_tail[2];  // `,"created_at":…}`
  // A user_mentions entry up to its indices: `{"screen_name":…,"name":…,"id":…,"id_str":"…"`.
  std::string_view mention_json[2];
  uint32_t statuses_count = 0;  // before the generator's first post
};

struct SyntheticPlace {
  std::string_view json[2];  // the "place" object, [utf8, ascii]
  double west, south, east, north;
};

struct SyntheticSite {
  std::string_view host;          // "www.nytimes.com"
  std::string_view display_host;  // "nytimes.com"
  UrlStyle style;
};

struct LanguageCatalog {
  Language language = Language::kEn;
  std::string_view code;
  bool spaced = true;
  WordTable words;     // Zipf by rank: real words, then invented rarer ones
  WordTable hashtags;  // without '#'
  std::vector<EscapedText> punctuation;
  std::vector<std::string_view> slug_words;  // lower-case ASCII words for URL paths
  std::vector<uint32_t> users;               // indices into SyntheticWorld::users()
  // Zipf by rank, two ways: who posts is spread wide (exponent 0.5); who gets mentioned,
  // replied to, retweeted and quoted is concentrated on popular accounts (exponent 1).
  AliasTable author_table;
  AliasTable popular_table;
  std::vector<SyntheticPlace> places;
  AliasTable place_table;
  std::vector<SyntheticSite> sites;  // the language's news sites, then global ones
  AliasTable site_table;
};

class SyntheticWorld {
 public:
  // Accounts in the world; about 0.9 KB of JSON each.
  static constexpr int kUserCount = 4000;
  static constexpr int kWordsPerLanguage = 2500;

  SyntheticWorld();
  SyntheticWorld(const SyntheticWorld&) = delete;  // views point into arena_
  SyntheticWorld& operator=(const SyntheticWorld&) = delete;

  const LanguageCatalog& catalog(Language language) const {
    return catalogs_[static_cast<int>(language)];
  }
  Language SampleLanguage(Rng& rng) const {
    return static_cast<Language>(language_table_.Sample(rng));
  }
  const std::vector<SyntheticUser>& users() const { return users_; }
  const std::vector<EscapedText>& emoji() const { return emoji_; }
  const std::vector<EscapedText>& cashtags() const { return cashtags_; }  // without '$'
  const AliasTable& cashtag_table() const { return cashtag_table_; }
  // A "source" value: the anchor HTML already escaped and quoted, utf8 form only (ASCII).
  std::string_view SampleSource(Rng& rng) const { return sources_[source_table_.Sample(rng)]; }

 private:
  void BuildLanguage(Language language);
  void BuildUsers();

  TextArena arena_;
  LanguageCatalog catalogs_[kLanguageCount];
  AliasTable language_table_;
  std::vector<SyntheticUser> users_;
  std::vector<EscapedText> emoji_;
  std::vector<EscapedText> cashtags_;
  AliasTable cashtag_table_;
  std::vector<std::string_view> sources_;
  AliasTable source_table_;
};

}  // namespace sluice
