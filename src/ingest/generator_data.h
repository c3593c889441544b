// Constant data the synthetic generator draws from: per-language words, names, hashtags and
// places, and global lists (emoji, tickers, clients, web sites). Immutable; ordered most frequent
// first where a Zipf law is applied to them.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace sluice {

// The languages of the synthetic feed; GeneratorLanguage() gives their shares.
enum class Language : uint8_t { kEn, kJa, kEs, kPt, kAr, kFr, kDe };
inline constexpr int kLanguageCount = 7;

struct PlaceData {
  std::string_view name;       // "Madrid"
  std::string_view full_name;  // "Madrid, Comunidad de Madrid"
  std::string_view country_code;
  std::string_view country;
  double west, south, east, north;  // bounding box, degrees
};

enum class UrlStyle : uint8_t { kArticle, kNumbered, kHexArticle, kVideo, kPhoto, kTrack };

struct WebSiteData {
  std::string_view host;  // "www.nytimes.com"
  UrlStyle style;
};

struct LanguageData {
  std::string_view code;                        // BCP 47, as in the post's "lang"
  double share;                                 // of all posts
  bool spaced;                                  // words separated by spaces (false for ja)
  std::span<const std::string_view> words;      // real words, most frequent first
  std::span<const std::string_view> syllables;  // to build rarer, invented words for the tail
  std::span<const std::string_view> hashtags;   // popular tags without '#', most frequent first
  std::span<const std::string_view> punctuation;
  std::span<const std::string_view> first_names;
  std::span<const std::string_view> last_names;
  std::span<const std::string_view> handles;  // ASCII pieces of screen names
  std::span<const PlaceData> places;
  std::span<const WebSiteData> news_sites;
};

const LanguageData& GetLanguageData(Language language);

struct SourceData {
  std::string_view html;  // the anchor as X writes it in "source"
  double share;
};

std::span<const std::string_view> EmojiData();
std::span<const std::string_view> CashtagData();  // tickers without '$', most discussed first
std::span<const SourceData> SourceDataList();
std::span<const WebSiteData> GlobalWebSiteData();  // linked from every language
std::span<const std::string_view> UrlSections();   // "world", "sports", …

}  // namespace sluice
