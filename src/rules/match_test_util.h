// Test-only helpers for the matcher tests: a random generator of valid rule text over a small
// vocabulary, a random PostView generator over the same vocabulary (so that a good share of
// (rule, post) pairs match), and a readable description of a view for failure messages.
#pragma once

#include <cstdint>
#include <deque>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "post/post_view.h"
#include "post/text_tokens.h"

namespace sluice::rules::testing {

// A PostView with the storage its string_views point into. Not movable once filled: the views
// point into `storage` (a deque, so elements do not move).
struct OwnedPost {
  PostView view;
  std::deque<std::string> storage;

  OwnedPost() = default;
  OwnedPost(const OwnedPost&) = delete;  // views would point into the original
  OwnedPost& operator=(const OwnedPost&) = delete;

  std::string_view Keep(std::string s) { return storage.emplace_back(std::move(s)); }
  // Appends the folded tokens of `text` to `out`.
  void AddTokens(std::string_view text, std::vector<std::string_view>& out) {
    for (std::string& t : Tokenize(text)) out.push_back(Keep(std::move(t)));
  }
};

inline const std::vector<std::string>& Vocabulary() {
  // Folded forms; rules use them in mixed case too.
  static const std::vector<std::string> kWords = {"cat", "dog",  "coca", "cola",   "or",
                                                  "x1",  "café", "eau",  "straße", "zed"};
  return kWords;
}

class Random {
 public:
  explicit Random(uint64_t seed) : rng_(seed) {}
  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  double Real(double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng_); }
  bool Chance(int percent) { return Uniform(0, 99) < percent; }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[static_cast<size_t>(Uniform(0, static_cast<int>(v.size()) - 1))];
  }
  uint64_t Next() { return rng_(); }

 private:
  std::mt19937_64 rng_;
};

inline const std::vector<std::string>& ScreenNames() {
  static const std::vector<std::string> kNames = {"ann", "bob", "cat_9"};
  return kNames;
}
inline const std::vector<std::string>& Urls() {
  static const std::vector<std::string> kUrls = {"https://x.com/cat/dog", "http://eau.fr/coca-cola",
                                                 "https://zed.io/x1?q=cat"};
  return kUrls;
}
inline const std::vector<std::string>& Tags() {
  static const std::vector<std::string> kTags = {"cat", "dog", "zed"};
  return kTags;
}

// Geo: posts and rules around Paris, within a few tens of kilometres.
constexpr double kCentreLon = 2.35, kCentreLat = 48.85;

class PostGenerator {
 public:
  explicit PostGenerator(uint64_t seed) : random_(seed) {}

  void Fill(OwnedPost& post) {
    Random& r = random_;
    PostView& v = post.view;
    v = PostView{};
    post.storage.clear();
    v.id = r.Next();
    std::string own = Sentence(r.Uniform(0, 8));
    post.AddTokens(own, v.text_tokens);
    v.texts.push_back(post.Keep(own));
    v.is_quote = r.Chance(20);
    if (v.is_quote) {
      std::string quoted = Sentence(r.Uniform(0, 5));
      v.text_tokens.push_back("");
      post.AddTokens(quoted, v.text_tokens);
      v.texts.push_back(post.Keep(quoted));
    }
    for (int i = r.Uniform(0, 2); i > 0; --i) v.hashtags.push_back(r.Pick(Tags()));
    for (int i = r.Uniform(0, 2); i > 0; --i) v.mentions.push_back(r.Pick(ScreenNames()));
    if (r.Chance(20)) v.cashtags.push_back(r.Chance(50) ? "zed" : "cat");
    for (int i = r.Uniform(0, 2); i > 0; --i) {
      if (!v.urls.empty()) v.url_tokens.push_back("");
      v.urls.push_back(r.Pick(Urls()));
      post.AddTokens(v.urls.back(), v.url_tokens);
    }
    v.user_id = static_cast<uint64_t>(r.Uniform(1, 4));
    v.user_screen_name = r.Pick(ScreenNames());
    post.AddTokens(Sentence(r.Uniform(0, 4)), v.user_bio_tokens);
    post.AddTokens(Sentence(r.Uniform(0, 2)), v.user_name_tokens);
    post.AddTokens(r.Chance(50) ? "Paris, France" : Sentence(r.Uniform(0, 2)),
                   v.user_location_tokens);
    v.statuses_count = r.Uniform(0, 20);
    v.followers_count = r.Uniform(0, 20);
    v.friends_count = r.Uniform(0, 20);
    v.listed_count = r.Uniform(0, 20);
    v.verified = r.Chance(30);
    static const std::vector<std::string> kLangs = {"en", "fr", "und", ""};
    v.lang = r.Pick(kLangs);
    v.has_lang = !v.lang.empty() && v.lang != "und";
    if (r.Chance(70)) {
      post.AddTokens(r.Chance(50) ? "Twitter Web App" : "cat dog client", v.source_tokens);
      if (r.Chance(50)) v.source_url = r.Chance(50) ? "https://x.com" : "http://cat.io";
    }
    v.is_retweet = r.Chance(20);
    if (r.Chance(40)) {
      post.AddTokens(r.Chance(50) ? "Paris, Île-de-France" : "Cat Town", v.place_tokens);
      v.place_id = r.Chance(50) ? "07d9cd6afd884001" : "abc";
      v.place_country = r.Chance(70) ? "fr" : "us";
      const double lon = kCentreLon + r.Real(-0.3, 0.3), lat = kCentreLat + r.Real(-0.2, 0.2);
      const double w = r.Real(0.001, 0.15), h = r.Real(0.001, 0.1);
      v.place_box = GeoBox{lon, lat, lon + w, lat + h};
    }
    if (r.Chance(40)) {
      v.point = GeoPoint{kCentreLon + r.Real(-0.4, 0.4), kCentreLat + r.Real(-0.3, 0.3)};
    }
    v.has_geo = v.point.has_value() || v.place_box.has_value();
    if (v.is_retweet) {
      v.retweeted_status_id = static_cast<uint64_t>(r.Uniform(1, 3));
      v.retweeted_user_id = static_cast<uint64_t>(r.Uniform(1, 4));
      if (r.Chance(70)) v.retweeted_screen_name = r.Pick(ScreenNames());
    }
    v.is_reply = r.Chance(30);
    if (v.is_reply) {
      v.in_reply_to_status_id = static_cast<uint64_t>(r.Uniform(1, 3));
      v.in_reply_to_user_id = static_cast<uint64_t>(r.Uniform(1, 4));
      if (r.Chance(70)) v.in_reply_to_screen_name = r.Pick(ScreenNames());
    }
    v.has_links = !v.urls.empty() || r.Chance(10);
    v.has_media = r.Chance(30);
    v.has_images = v.has_media && r.Chance(60);
    v.has_videos = v.has_media && !v.has_images;
  }

 private:
  // Words joined by assorted separators, some capitalised.
  std::string Sentence(int words) {
    static const std::vector<std::string> kSeparators = {" ", " ", "-", ", ", " #", "... "};
    std::string out;
    for (int i = 0; i < words; ++i) {
      if (i > 0) out += random_.Pick(kSeparators);
      std::string w = random_.Pick(Vocabulary());
      if (random_.Chance(20))
        w[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(w[0])));
      out += w;
    }
    return out;
  }

  Random random_;
};

// Valid rule text by the grammar of docs/rule-language.md, covering every operator.
class RuleGenerator {
 public:
  explicit RuleGenerator(uint64_t seed) : random_(seed) {}

  std::string Generate() { return Or(0); }

 private:
  std::string Word() {
    std::string w = random_.Pick(Vocabulary());
    // Upper-case "OR" would be the operator.
    if (w != "or" && random_.Chance(25)) {
      for (char& c : w) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return w;
  }
  std::string Words(int lo, int hi) {
    std::string out;
    for (int i = random_.Uniform(lo, hi); i > 0; --i) out += (out.empty() ? "" : " ") + Word();
    return out;
  }
  std::string Number(int lo, int hi) { return std::to_string(random_.Uniform(lo, hi)); }
  std::string Degrees(double value) {
    char buffer[32];
    std::snprintf(buffer, sizeof(buffer), "%.4f", value);
    return buffer;
  }

  std::string Term() {
    Random& r = random_;
    switch (r.Uniform(0, 33)) {
      case 0:
      case 1:
      case 2:
      case 3:
        return Word();
      case 4:
        return r.Chance(50) ? "coca-cola" : "Cat.Dog";
      case 5:
      case 6:
        return "\"" + Words(1, 3) + "\"";
      case 7:
        return "\"" + Words(2, 3) + "\"~" + Number(1, 3);
      case 8: {
        static const std::vector<std::string> kPieces = {"at", "ola",    "\"T D\"", "x1",
                                                         "é",  "coca-c", "Z"};
        return "contains:" + r.Pick(kPieces);
      }
      case 9:
        return "#" + r.Pick(Tags());
      case 10:
        return "@" + r.Pick(ScreenNames());
      case 11:
        return r.Chance(50) ? "$ZED" : "$cat";
      case 12:
        return "from:" + (r.Chance(50) ? Number(1, 4) : r.Pick(ScreenNames()));
      case 13:
        return "to:" + (r.Chance(50) ? Number(1, 4) : "ANN");
      case 14:
        return "retweets_of:" + (r.Chance(50) ? Number(1, 4) : r.Pick(ScreenNames()));
      case 15:
        return "in_reply_to_status_id:" + Number(1, 3);
      case 16:
        return "retweets_of_status_id:" + Number(1, 3);
      case 17: {
        static const std::vector<std::string> kUrl = {"\"x.com/cat\"", "https", "\"cat dog\"",
                                                      "coca-cola",     "x1",    "\"eau.fr\""};
        return "url:" + r.Pick(kUrl);
      }
      case 18: {
        static const std::vector<std::string> kUrl = {"x.com", "cat/", "coca", "q=", "EAU"};
        return "url_contains:" + r.Pick(kUrl);
      }
      case 19: {
        static const std::vector<std::string> kLang = {"en", "fr", "EN", "und", "de"};
        return "lang:" + r.Pick(kLang);
      }
      case 20:
        return "bio:" + (r.Chance(50) ? Word() : "\"" + Words(1, 2) + "\"");
      case 21:
        return "bio_name:" + Word();
      case 22:
        return std::string("bio_location:") + (r.Chance(50) ? "paris" : "\"Paris France\"");
      case 23: {
        static const std::vector<std::string> kOps = {
            "statuses_count:", "followers_count:", "friends_count:", "listed_count:"};
        const int a = r.Uniform(0, 20);
        return r.Pick(kOps) +
               (r.Chance(50) ? std::to_string(a) : std::to_string(a) + ".." + Number(a, 20));
      }
      case 24:
        return "sample:" + Number(1, 100);
      case 25: {
        static const std::vector<std::string> kSource = {"\"Twitter Web App\"", "web", "CLIENT",
                                                         "\"https://x.com\"", "\"dog client\""};
        return "source:" + r.Pick(kSource);
      }
      case 26: {
        static const std::vector<std::string> kPlace = {"paris", "\"cat town\"", "île",
                                                        "07d9cd6afd884001", "ABC"};
        return "place:" + r.Pick(kPlace);
      }
      case 27:
        return r.Chance(70) ? "place_country:FR" : "place_country:us";
      case 28: {
        const double lon = kCentreLon + r.Real(-0.3, 0.3), lat = kCentreLat + r.Real(-0.2, 0.2);
        const bool km = r.Chance(50);
        return "point_radius:[" + Degrees(lon) + " " + Degrees(lat) + " " +
               Degrees(r.Real(0.5, km ? 39.0 : 24.0)) + (km ? "km" : "mi") + "]";
      }
      case 29: {
        const double w = kCentreLon + r.Real(-0.4, 0.3), s = kCentreLat + r.Real(-0.3, 0.2);
        return "bounding_box:[" + Degrees(w) + " " + Degrees(s) + " " +
               Degrees(w + r.Real(0.01, 0.45)) + " " + Degrees(s + r.Real(0.01, 0.3)) + "]";
      }
      case 30:
      case 31: {
        static const std::vector<std::string> kHas = {
            "geo", "links", "mentions", "hashtags", "media", "images", "videos", "symbols", "lang"};
        return "has:" + r.Pick(kHas);
      }
      default: {
        static const std::vector<std::string> kIs = {"retweet", "reply", "quote", "verified"};
        return "is:" + r.Pick(kIs);
      }
    }
  }

  std::string Primary(int depth) {
    if (depth < 2 && random_.Chance(12)) return "(" + Or(depth + 1) + ")";
    return Term();
  }

  std::string And(int depth) {
    std::string out = Primary(depth);  // first clause positive: every AND has one
    for (int i = random_.Uniform(0, 2); i > 0; --i) {
      out += random_.Chance(35) ? " -" : " ";
      out += Primary(depth);
    }
    return out;
  }

  std::string Or(int depth) {
    std::string out = And(depth);
    for (int i = random_.Chance(30) ? random_.Uniform(1, 2) : 0; i > 0; --i) {
      out += " OR " + And(depth);
    }
    return out;
  }

  Random random_;
};

inline std::string Join(const std::vector<std::string_view>& list) {
  std::string out = "[";
  for (std::string_view s : list) out += (out.size() > 1 ? "|" : "") + std::string(s);
  return out + "]";
}

inline std::string DescribePost(const PostView& v) {
  std::string out = "id=" + std::to_string(v.id);
  out += " text=" + Join(v.text_tokens) + " texts=" + Join(v.texts);
  out += " #=" + Join(v.hashtags) + " @=" + Join(v.mentions) + " $=" + Join(v.cashtags);
  out += " urls=" + Join(v.urls) + " url_tokens=" + Join(v.url_tokens);
  out += " user=" + std::to_string(v.user_id) + "/" + std::string(v.user_screen_name);
  out += " bio=" + Join(v.user_bio_tokens) + " name=" + Join(v.user_name_tokens) +
         " loc=" + Join(v.user_location_tokens);
  out += " counts=" + std::to_string(v.statuses_count) + "," + std::to_string(v.followers_count) +
         "," + std::to_string(v.friends_count) + "," + std::to_string(v.listed_count);
  out += " verified=" + std::to_string(v.verified) + " lang=" + std::string(v.lang);
  out += " source=" + Join(v.source_tokens) + "/" + std::string(v.source_url);
  out += " place=" + Join(v.place_tokens) + "/" + std::string(v.place_id) + "/" +
         std::string(v.place_country);
  if (v.place_box) {
    out += " box=" + std::to_string(v.place_box->west) + "," + std::to_string(v.place_box->south) +
           "," + std::to_string(v.place_box->east) + "," + std::to_string(v.place_box->north);
  }
  if (v.point) {
    out += " point=" + std::to_string(v.point->longitude) + "," + std::to_string(v.point->latitude);
  }
  out += " rt=" + std::to_string(v.is_retweet) + "/" + std::to_string(v.retweeted_status_id) + "/" +
         std::to_string(v.retweeted_user_id) + "/" + std::string(v.retweeted_screen_name);
  out += " reply=" + std::to_string(v.is_reply) + "/" + std::to_string(v.in_reply_to_status_id) +
         "/" + std::to_string(v.in_reply_to_user_id) + "/" + std::string(v.in_reply_to_screen_name);
  out += " quote=" + std::to_string(v.is_quote) +
         " has geo,links,media,images,videos,lang=" + std::to_string(v.has_geo) +
         std::to_string(v.has_links) + std::to_string(v.has_media) + std::to_string(v.has_images) +
         std::to_string(v.has_videos) + std::to_string(v.has_lang);
  return out;
}

}  // namespace sluice::rules::testing
