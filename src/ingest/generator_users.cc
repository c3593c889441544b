// The synthetic accounts of SyntheticWorld: names, handles, profiles and follower counts shaped
// like real ones (a few huge verified accounts, a long tail of small ones).
#include <algorithm>
#include <cmath>
#include <string>
#include <unordered_set>

#include "base/snowflake.h"
#include "ingest/generator_urls.h"
#include "ingest/generator_world.h"
#include "ingest/json_writer.h"
#include "ingest/twitter_time.h"

namespace sluice {
namespace {

constexpr uint64_t kUsersSeed = 0x5EED05E125000001ull;
constexpr int64_t kOldAccountsFromMs = 1199145600000;        // 2008-01-01
constexpr int64_t kSnowflakeAccountsFromMs = 1388534400000;  // 2014-01-01
constexpr int64_t kSnowflakeAccountsToMs = 1764547200000;    // 2025-12-01

struct ProfileColors {
  std::string_view background, link;
};
constexpr ProfileColors kDefaultColors = {"F5F8FA", "1DA1F2"};
constexpr ProfileColors kCustomColors[] = {
    {"000000", "FF691F"}, {"C0DEED", "0084B4"}, {"352726", "D02B55"},
    {"1A1B1F", "2FC2EF"}, {"FFF04D", "0099CC"},
};

template <typename T>
const T& Pick(std::span<const T> items, Rng& rng) {
  return items[rng.Below(static_cast<uint32_t>(items.size()))];
}

int64_t TimeBetween(int64_t from_ms, int64_t to_ms, Rng& rng) {
  return from_ms + static_cast<int64_t>(rng.Unit() * static_cast<double>(to_ms - from_ms));
}

std::string Base62(uint64_t bits, size_t length) {
  std::string code(length, ' ');
  WriteBase62(bits, code.data(), length);
  return code;
}

std::string MakeHandle(const LanguageData& data, Rng& rng, std::unordered_set<std::string>& taken) {
  std::string handle(Pick(data.handles, rng));
  const uint32_t shape = rng.Below(10);
  if (shape < 4) {
    handle += '_';
    handle += Pick(data.handles, rng);
  } else if (shape < 7) {
    handle += Pick(data.handles, rng);
  }
  if (rng.Below(2) == 0) handle += std::to_string(rng.Below(10000));
  if (handle.size() > 15) handle.resize(15);
  while (!taken.insert(handle).second) {  // X screen names are unique, at most 15 characters
    if (handle.size() > 11) handle.resize(11);
    handle += std::to_string(rng.Below(10000));
  }
  return handle;
}

std::string MakeName(const LanguageData& data, const std::string& handle,
                     std::span<const std::string_view> emoji, Rng& rng) {
  const std::string_view first = Pick(data.first_names, rng);
  const std::string_view last = Pick(data.last_names, rng);
  std::string name;
  if (!data.spaced) {
    name = std::string(last) + std::string(first);
  } else if (rng.Below(50) == 0) {  // a nickname in quotes: names need escaping too
    name = std::string(first) + " \"" + handle.substr(0, 6) + "\" " + std::string(last);
  } else {
    name = std::string(first) + " " + std::string(last);
  }
  if (rng.Below(12) == 0) name.append(" ").append(Pick(emoji, rng));
  return name;
}

// A few of the language's real words (profiles use everyday vocabulary).
std::string MakeWords(const LanguageData& data, uint32_t count, Rng& rng) {
  std::string text;
  for (uint32_t i = 0; i < count; ++i) {
    if (i > 0 && data.spaced) text += ' ';
    text += Pick(data.words, rng);
  }
  return text;
}

struct Profile {
  uint64_t id = 0;
  int64_t created_ms = 0;
  std::string screen_name, name, location, description, url, banner;
  bool verified = false, geo_enabled = false, default_profile = false;
  uint64_t followers = 0, friends = 0, listed = 0, favourites = 0;
  uint32_t statuses = 0;
  uint64_t image_id = 0;
  std::string image_code;
  const ProfileColors* colors = &kDefaultColors;
};

Profile MakeProfile(const LanguageData& data, uint32_t rank,
                    std::span<const std::string_view> emoji, std::unordered_set<std::string>& taken,
                    Rng& rng) {
  Profile p;
  if (rng.Below(100) < 45) {  // pre-2014 accounts have small sequential ids
    p.created_ms = TimeBetween(kOldAccountsFromMs, kSnowflakeAccountsFromMs, rng);
    p.id = 10000000 + rng.Below(2900000000u);
  } else {
    p.created_ms = TimeBetween(kSnowflakeAccountsFromMs, kSnowflakeAccountsToMs, rng);
    p.id = MakeSnowflake(p.created_ms, rng.Below(1024), rng.Below(4096));
  }
  p.screen_name = MakeHandle(data, rng, taken);
  p.name = MakeName(data, p.screen_name, emoji, rng);
  const uint32_t location_kind = rng.Below(100);
  if (location_kind < 55) {
    p.location = std::string(Pick(data.places, rng).full_name);
  } else if (location_kind < 70) {
    p.location = MakeWords(data, 1 + rng.Below(2), rng);
  }
  if (rng.Below(100) < 75) {
    p.description = MakeWords(data, 3 + rng.Below(9), rng);
    if (rng.Below(4) == 0) p.description.append(" ").append(Pick(emoji, rng));
    if (rng.Below(6) == 0) p.description.append(" #").append(Pick(data.hashtags, rng));
  }
  if (rng.Below(100) < 30)
    p.url = std::string("https://t.co/") + Base62(rng.Next(), kTcoCodeLength);
  // Popularity falls with rank (the accounts' Zipf rank in their language).
  const double popularity = 3.0e7 / std::pow(rank + 1.0, 1.15) * (0.5 + rng.Unit());
  p.followers = static_cast<uint64_t>(popularity) + rng.Below(300);
  p.friends = rng.Below(10) == 0 ? 2000 + rng.Below(6000) : rng.Below(2000);
  p.listed = p.followers / (50 + rng.Below(250));
  p.favourites = rng.Below(150000);
  p.statuses = 50 + rng.Below(250000);
  p.verified = rank < 5;  // the most popular few
  p.geo_enabled = rng.Below(3) == 0;
  // Profile images are snowflakes too, so uploaded after 2014 whatever the account's age.
  p.image_id = MakeSnowflake(
      TimeBetween(std::max(p.created_ms, kSnowflakeAccountsFromMs), kSnowflakeAccountsToMs, rng),
      rng.Below(1024), rng.Below(4096));
  p.image_code = Base62(rng.Next(), 8);
  if (rng.Below(10) < 6) {
    p.banner = std::string("https://pbs.twimg.com/profile_banners/") + std::to_string(p.id) + "/" +
               std::to_string(TimeBetween(p.created_ms, kSnowflakeAccountsToMs, rng) / 1000);
  }
  p.default_profile = rng.Below(10) < 4;
  if (!p.default_profile) p.colors = &Pick(std::span<const ProfileColors>(kCustomColors), rng);
  return p;
}

std::string QuotedOrNull(const std::string& raw, bool ascii) {
  return raw.empty() ? "null" : std::string("\"") + JsonEscaped(raw, ascii) + "\"";
}

std::string Bool(bool value) { return value ? "true" : "false"; }

// The v1.1 user object up to and including `"statuses_count":`.
std::string UserJsonHead(const Profile& p, bool ascii) {
  const std::string id = std::to_string(p.id);
  return "{\"id\":" + id + ",\"id_str\":\"" + id + "\",\"name\":\"" + JsonEscaped(p.name, ascii) +
         "\",\"screen_name\":\"" + p.screen_name +
         "\",\"location\":" + QuotedOrNull(p.location, ascii) +
         ",\"url\":" + QuotedOrNull(p.url, ascii) +
         ",\"description\":" + QuotedOrNull(p.description, ascii) +
         ",\"translator_type\":\"none\",\"protected\":false,\"verified\":" + Bool(p.verified) +
         ",\"followers_count\":" + std::to_string(p.followers) +
         ",\"friends_count\":" + std::to_string(p.friends) +
         ",\"listed_count\":" + std::to_string(p.listed) +
         ",\"favourites_count\":" + std::to_string(p.favourites) + ",\"statuses_count\":";
}

// The rest of the user object after the statuses_count value. Profile fields X stopped filling
// (background images and tiles, sidebar colours, follow_request_sent, notifications, …) are left
// out to keep posts near the size the server is benchmarked with (docs/generator.md).
std::string UserJsonTail(const Profile& p) {
  const std::string image = std::string("pbs.twimg.com/profile_images/") +
                            std::to_string(p.image_id) + "/" + p.image_code + "_normal.jpg";
  return std::string(",\"created_at\":\"") + FormatTwitterTime(p.created_ms) +
         "\",\"utc_offset\":null,\"time_zone\":null,\"geo_enabled\":" + Bool(p.geo_enabled) +
         ",\"lang\":null,\"profile_background_color\":\"" + std::string(p.colors->background) +
         "\",\"profile_link_color\":\"" + std::string(p.colors->link) +
         "\",\"profile_image_url\":\"http://" + image +
         "\",\"profile_image_url_https\":\"https://" + image + "\"" +
         (p.banner.empty() ? "" : ",\"profile_banner_url\":\"" + p.banner + "\"") +
         ",\"default_profile\":" + Bool(p.default_profile) +
         ",\"default_profile_image\":false,\"following\":null,\"withheld_in_countries\":[]}";
}

}  // namespace

void SyntheticWorld::BuildUsers() {
  Rng rng(kUsersSeed);
  std::unordered_set<std::string> taken_handles;
  int assigned = 0;
  for (int i = 0; i < kLanguageCount; ++i) {
    const Language language = static_cast<Language>(i);
    LanguageCatalog& catalog = catalogs_[i];
    const LanguageData& data = GetLanguageData(language);
    const int count = i + 1 == kLanguageCount
                          ? kUserCount - assigned
                          : static_cast<int>(std::lround(kUserCount * data.share));
    assigned += count;
    for (int rank = 0; rank < count; ++rank) {
      const Profile p =
          MakeProfile(data, static_cast<uint32_t>(rank), EmojiData(), taken_handles, rng);
      SyntheticUser user;
      user.id = p.id;
      user.language = language;
      user.screen_name = arena_.Escape(p.screen_name);
      user.name = arena_.Escape(p.name);
      user.json_head[0] = arena_.Store(UserJsonHead(p, false));
      const std::string ascii_head = UserJsonHead(p, true);
      user.json_head[1] =
          ascii_head == user.json_head[0] ? user.json_head[0] : arena_.Store(ascii_head);
      user.json_tail[0] = user.json_tail[1] = arena_.Store(UserJsonTail(p));
      for (const bool ascii : {false, true}) {
        const std::string id = std::to_string(p.id);
        user.mention_json[ascii] = arena_.Store("{\"screen_name\":\"" + p.screen_name +
                                                "\",\"name\":\"" + JsonEscaped(p.name, ascii) +
                                                "\",\"id\":" + id + ",\"id_str\":\"" + id + "\"");
      }
      user.statuses_count = p.statuses;
      catalog.users.push_back(static_cast<uint32_t>(users_.size()));
      users_.push_back(user);
    }
    catalog.author_table = AliasTable::Zipf(catalog.users.size(), 0.5);
    catalog.popular_table = AliasTable::Zipf(catalog.users.size(), 1.0);
  }
}

}  // namespace sluice
