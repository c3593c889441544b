#include "ingest/generator_world.h"

#include <cctype>
#include <cstdio>
#include <string>
#include <unordered_set>

#include "ingest/json_writer.h"

namespace sluice {
namespace {

// The world is the same for every generator seed (see the header); this seeds its construction.
constexpr uint64_t kWorldSeed = 0x51CE5EED00000001ull;

// The most frequent words are function words: poor hashtags.
constexpr size_t kFunctionWordRanks = 40;

bool IsAsciiLetters(std::string_view word) {
  for (const char c : word) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return false;
  }
  return !word.empty();
}

// A word fit to follow '#': no ASCII punctuation (X ends a hashtag there).
bool IsHashtagWord(std::string_view word) {
  for (const char c : word) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x80 && !std::isalnum(byte) && c != '_') return false;
  }
  return CountCodePoints(word) >= 2;
}

std::string Lower(std::string_view word) {
  std::string lower(word);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lower;
}

std::string FormatCoordinate(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6f", value);
  return buffer;
}

std::string PlaceJson(const PlaceData& place, bool ascii) {
  const auto escaped = [ascii](std::string_view raw) { return JsonEscaped(raw, ascii); };
  char place_id[17];
  uint64_t hash = 0;
  for (const char c : place.full_name) hash = Mix64(hash ^ static_cast<unsigned char>(c));
  std::snprintf(place_id, sizeof place_id, "%016llx", static_cast<unsigned long long>(hash));
  const std::string w = FormatCoordinate(place.west), s = FormatCoordinate(place.south),
                    e = FormatCoordinate(place.east), n = FormatCoordinate(place.north);
  return std::string("{\"id\":\"") + place_id + "\",\"url\":\"https://api.twitter.com/1.1/geo/id/" +
         place_id + ".json\",\"place_type\":\"city\",\"name\":\"" + escaped(place.name) +
         "\",\"full_name\":\"" + escaped(place.full_name) + "\",\"country_code\":\"" +
         std::string(place.country_code) + "\",\"country\":\"" + escaped(place.country) +
         "\",\"bounding_box\":{\"type\":\"Polygon\",\"coordinates\":[[[" + w + "," + s + "],[" + w +
         "," + n + "],[" + e + "," + n + "],[" + e + "," + s + "]]]},\"attributes\":{}}";
}

}  // namespace

SyntheticWorld::SyntheticWorld() {
  std::vector<double> shares;
  for (int i = 0; i < kLanguageCount; ++i) {
    BuildLanguage(static_cast<Language>(i));
    shares.push_back(GetLanguageData(static_cast<Language>(i)).share);
  }
  language_table_ = AliasTable(shares);
  BuildUsers();

  for (const std::string_view emoji : EmojiData()) emoji_.push_back(arena_.Escape(emoji));
  for (const std::string_view tag : CashtagData()) cashtags_.push_back(arena_.Escape(tag));
  cashtag_table_ = AliasTable::Zipf(cashtags_.size(), 1.0);
  std::vector<double> source_shares;
  for (const SourceData& source : SourceDataList()) {
    std::string quoted = "\"";
    AppendJsonEscaped(quoted, source.html, /*ascii_only=*/false);
    quoted += '"';
    sources_.push_back(arena_.Store(quoted));
    source_shares.push_back(source.share);
  }
  source_table_ = AliasTable(source_shares);
}

void SyntheticWorld::BuildLanguage(Language language) {
  const LanguageData& data = GetLanguageData(language);
  LanguageCatalog& catalog = catalogs_[static_cast<int>(language)];
  catalog.language = language;
  catalog.code = data.code;
  catalog.spaced = data.spaced;

  // Real words first (by rank), then invented ones for the tail, all distinct.
  std::unordered_set<std::string> seen;
  std::vector<std::string> words;
  for (const std::string_view word : data.words) {
    if (seen.insert(std::string(word)).second) words.emplace_back(word);
  }
  const size_t real_words = words.size();
  Rng rng(kWorldSeed ^ (static_cast<uint64_t>(language) << 32));
  const uint32_t extra_syllables = data.spaced ? 2 : 3;  // 2-3 syllables, kana 2-4
  while (words.size() < static_cast<size_t>(kWordsPerLanguage)) {
    std::string word;
    const uint32_t syllables = 2 + rng.Below(extra_syllables);
    for (uint32_t i = 0; i < syllables; ++i) {
      word += data.syllables[rng.Below(static_cast<uint32_t>(data.syllables.size()))];
    }
    if (seen.insert(word).second) words.push_back(std::move(word));
  }
  std::vector<EscapedText> escaped;
  for (const std::string& word : words) escaped.push_back(arena_.Escape(word));
  // Invented words get a sixth of the weight Zipf would give them: about 6 % of all words.
  catalog.words = WordTable(
      escaped, AliasTable::ZipfWeights(escaped.size(), 1.0, real_words, 1.0 / 6), real_words);

  escaped.clear();
  for (const std::string_view tag : data.hashtags) escaped.push_back(arena_.Escape(tag));
  for (size_t rank = kFunctionWordRanks; rank < words.size() && escaped.size() < 400; ++rank) {
    if (IsHashtagWord(words[rank])) escaped.push_back(arena_.Escape(words[rank]));
  }
  catalog.hashtags = WordTable(
      escaped, AliasTable::ZipfWeights(escaped.size(), 1.1, escaped.size(), 1.0), escaped.size());

  for (const std::string_view mark : data.punctuation) {
    catalog.punctuation.push_back(arena_.Escape(mark));
  }

  const LanguageData& slug_source = IsAsciiLetters(data.words[0])
                                        ? data
                                        : GetLanguageData(Language::kEn);  // ja, ar: English slugs
  for (const std::string_view word : slug_source.words) {
    if (word.size() >= 3 && IsAsciiLetters(word))
      catalog.slug_words.push_back(arena_.Store(Lower(word)));
  }

  for (const PlaceData& place : data.places) {
    SyntheticPlace synthetic{
        {arena_.Store(PlaceJson(place, false)), arena_.Store(PlaceJson(place, true))},
        place.west,
        place.south,
        place.east,
        place.north};
    catalog.places.push_back(synthetic);
  }
  catalog.place_table = AliasTable::Zipf(catalog.places.size(), 0.8);

  std::vector<double> site_weights;
  const auto add_site = [&](const WebSiteData& site, double weight) {
    std::string_view display = site.host;
    if (display.substr(0, 4) == "www.") display.remove_prefix(4);
    catalog.sites.push_back(SyntheticSite{site.host, display, site.style});
    site_weights.push_back(weight);
  };
  for (size_t i = 0; i < data.news_sites.size(); ++i) add_site(data.news_sites[i], 2.0 / (i + 1));
  for (size_t i = 0; i < GlobalWebSiteData().size(); ++i) {
    add_site(GlobalWebSiteData()[i], 1.5 / (i + 1));
  }
  catalog.site_table = AliasTable(site_weights);
}

}  // namespace sluice
