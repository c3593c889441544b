#include "support/rule_corpus.h"

#include <array>
#include <cstdio>
#include <initializer_list>
#include <map>
#include <string_view>
#include <type_traits>
#include <unordered_set>

#include "ingest/generator_data.h"
#include "ingest/generator_world.h"
#include "ingest/rng.h"
#include "post/text_tokens.h"

namespace sluice::bench {
namespace {

// The languages rules are written in (customers watch English most; Japanese is written
// without spaces, so its rules use hashtags and accounts, not keywords).
constexpr std::array<double, kLanguageCount> kRuleLanguageShare = {0.50, 0.10, 0.13, 0.08,
                                                                   0.07, 0.07, 0.05};
// Word bands by Zipf rank in a language's vocabulary (ranks below 15 are function words).
constexpr size_t kCommonFrom = 15;
constexpr size_t kMidFrom = 60;  // real words from here on; invented (rare) words after them
// Hashtags below this rank are the trending few; rules watch the long tail.
constexpr size_t kHashtagFrom = 25;
// A rule's core term is one of the last few of its kind with this probability: related rules
// (one campaign's) share their core, so a post that matches one tends to match several.
constexpr uint64_t kReuseCore = ProbabilityThreshold(0.5);
constexpr size_t kRecentCores = 8;

// The families and their shares of the corpus. Broad ones (a core term alone, perhaps with a
// filter) match ~1 post in 4,000 each; "medium" ones add a common context word (1 in 30 of
// those); the rest need two rare terms together and match seldom, as most rules of a large
// rule set do.
enum Family : int {
  kKeyword,     // rare word [+ filter]                                   broad
  kContext,     // rare word + mid word / (mid OR mid)                    medium
  kKeywordAnd,  // two or three rare words [+ filter]                     narrow
  kPhrase,      // "2-3 word phrase" [+ filter], some "…"~N proximity      narrow
  kOrList,      // (w OR w OR #h) (w OR w) [lang:]                         narrow
  kHashtag,     // #tag with keywords / #tag                               mostly narrow
  kFrom,        // from:/to:/retweets_of: account with keywords / alone    mostly narrow
  kMention,     // @account with keywords / alone                          mostly narrow
  kNegation,    // positive part minus words, #tags, is:retweet, accounts  narrow
  kGroup,       // (a OR b) (c OR d), (a b) OR (c d)                       narrow/medium
  kOperators,   // $cashtag, url_contains:, place_country:, has:, is:, bio:, sample:
  kFamilyCount,
};
constexpr std::array<const char*, kFamilyCount> kFamilyNames = {
    "keyword", "keyword+context", "keyword-and", "phrase", "or-list",  "hashtag",
    "from-to", "mention",         "negation",    "group",  "operators"};
constexpr std::array<double, kFamilyCount> kFamilyShare = {0.0003, 0.0035, 0.18, 0.20, 0.11,  0.14,
                                                           0.12,   0.04,   0.10, 0.08, 0.0262};

// Words of one language that are single tokens (rules and posts tokenise alike), by band.
struct LanguagePool {
  std::string code;
  bool spaced = true;
  std::vector<std::string> common, mid, rare;
  std::vector<std::string> hashtags;
  std::vector<uint32_t> users;  // indices into SyntheticWorld::users()
  std::vector<std::string> countries;
  std::vector<std::string> hosts;
};

bool IsOneToken(std::string_view word) {
  const std::vector<std::string> tokens = Tokenize(word);
  return tokens.size() == 1 && tokens[0].size() == word.size() && word != "OR" && word != "AND";
}

std::string Unescaped(std::string_view json_escaped) {
  // The vocabularies' words need no escaping except in rare cases, which are skipped.
  return json_escaped.find('\\') == std::string_view::npos ? std::string(json_escaped)
                                                           : std::string();
}

class Composer {
 public:
  explicit Composer(uint64_t seed) : rng_(seed ^ 0x7275C0A9u) {
    // An invented word of one language may spell a common word of another ("time"): such words
    // are no rare keywords.
    for (int i = 0; i < kLanguageCount; ++i) {
      for (const std::string_view word : GetLanguageData(static_cast<Language>(i)).words) {
        real_words_.insert(FoldCase(word));
      }
    }
    for (int i = 0; i < kLanguageCount; ++i) BuildPool(static_cast<Language>(i));
    for (const std::string_view tag : CashtagData()) cashtags_.emplace_back(tag);
  }

  std::string Make(Family family) {
    family_ = family;
    used_.clear();
    switch (family) {
      case kKeyword:
        return Keyword();
      case kContext:
        return Context();
      case kKeywordAnd:
        return KeywordAnd();
      case kPhrase:
        return Phrase();
      case kOrList:
        return OrList();
      case kHashtag:
        return Hashtag();
      case kFrom:
        return From();
      case kMention:
        return Mention();
      case kNegation:
        return Negation();
      case kGroup:
        return Group();
      default:
        return Operators();
    }
  }

  Rng& rng() { return rng_; }

 private:
  void BuildPool(Language language) {
    const LanguageCatalog& catalog = world_.catalog(language);
    const LanguageData& data = GetLanguageData(language);
    LanguagePool& pool = pools_[static_cast<int>(language)];
    pool.code = std::string(catalog.code);
    pool.spaced = catalog.spaced;
    const size_t real = data.words.size();
    for (size_t rank = kCommonFrom; rank < catalog.words.size(); ++rank) {
      const std::string word =
          Unescaped(catalog.words.Get(static_cast<uint32_t>(rank), false).bytes);
      if (word.empty() || !IsOneToken(word)) continue;
      if (rank < kMidFrom) {
        pool.common.push_back(word);
      } else if (rank < real) {
        pool.mid.push_back(word);
      } else if (!real_words_.count(FoldCase(word))) {
        pool.rare.push_back(word);
      }
    }
    for (size_t rank = kHashtagFrom; rank < catalog.hashtags.size(); ++rank) {
      const std::string tag =
          Unescaped(catalog.hashtags.Get(static_cast<uint32_t>(rank), false).bytes);
      if (!tag.empty() && IsOneToken(tag)) pool.hashtags.push_back(tag);
    }
    pool.users = catalog.users;
    for (const PlaceData& place : data.places) {
      if (pool.countries.empty() || pool.countries.back() != place.country_code) {
        pool.countries.emplace_back(place.country_code);
      }
    }
    for (const SyntheticSite& site : catalog.sites) pool.hosts.emplace_back(site.display_host);
  }

  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[rng_.Below(static_cast<uint32_t>(items.size()))];
  }
  bool Percent(uint32_t p) { return rng_.Below(100) < p; }

  // The language of the rule being written; `words`: one whose rules use keywords.
  const LanguagePool& PickLanguage(bool words) {
    for (;;) {
      double r = rng_.Unit();
      int i = 0;
      while (i + 1 < kLanguageCount && r >= kRuleLanguageShare[i]) r -= kRuleLanguageShare[i++];
      if (!words || pools_[i].spaced) return pools_[i];
    }
  }

  // A core term: usually a fresh one, often one of the last few of the same family, language
  // and kind (a campaign's rules share it).
  template <typename T>
  T Core(int kind, int language, const std::vector<T>& candidates) {
    std::vector<T>& recent = Recent<T>()[(family_ * kLanguageCount + language) * 2 + kind];
    if (recent.size() == kRecentCores && rng_.Chance(kReuseCore)) return Pick(recent);
    T core = Pick(candidates);
    if (recent.size() < kRecentCores) {
      recent.push_back(core);
    } else {
      recent[rng_.Below(kRecentCores)] = core;
    }
    return core;
  }
  template <typename T>
  std::map<int, std::vector<T>>& Recent() {
    if constexpr (std::is_same_v<T, uint32_t>) {
      return recent_users_;
    } else {
      return recent_terms_;
    }
  }
  int Index(const LanguagePool& l) const { return static_cast<int>(&l - pools_.data()); }
  std::string CoreWord(const LanguagePool& l) { return Use(Core(0, Index(l), l.rare)); }
  std::string CoreHashtag(const LanguagePool& l) {
    return "#" + Use(Core(1, Index(l), l.hashtags));
  }
  const SyntheticUser& CoreUser(const LanguagePool& l) {
    return world_.users()[Core(0, Index(l), l.users)];
  }
  const SyntheticUser& AnyUser(const LanguagePool& l) { return world_.users()[Pick(l.users)]; }

  // Marks `word` as used in the rule being written.
  const std::string& Use(const std::string& word) {
    used_.insert(word);
    return word;
  }
  // A word of `words` not yet in this rule (a rule naming a word twice is a typo).
  std::string Fresh(const std::vector<std::string>& words) {
    for (int attempt = 0;; ++attempt) {
      const std::string& word = Pick(words);
      if (used_.insert(word).second || attempt == 8) return word;
    }
  }

  // A keyword for a rule of `l`: Japanese rules have no keywords, so a hashtag stands in.
  std::string Rare(const LanguagePool& l) { return l.spaced ? Fresh(l.rare) : Tag(l); }
  std::string Mid(const LanguagePool& l) { return l.spaced ? Fresh(l.mid) : Tag(l); }
  std::string Common(const LanguagePool& l) { return Fresh(l.common); }
  std::string Tag(const LanguagePool& l) { return "#" + Fresh(l.hashtags); }

  // Concatenates `parts` (a braced list is evaluated left to right, unlike `a + b`: the corpus
  // depends on the order of the random draws).
  static std::string Cat(std::initializer_list<std::string_view> parts) {
    std::string joined;
    for (const std::string_view part : parts) joined += part;
    return joined;
  }

  std::string Account(const SyntheticUser& u) {
    return Percent(50) ? std::to_string(u.id) : std::string(u.screen_name.utf8);
  }

  // Filters customers add: language, no retweets, and now and then a has:/is: clause.
  std::string Filters(const LanguagePool& l, uint32_t lang_percent = 25) {
    std::string f;
    if (Percent(lang_percent)) f += " lang:" + l.code;
    if (Percent(20)) f += " -is:retweet";
    static constexpr std::array<std::string_view, 5> kExtra = {
        " has:links", " has:media", " -is:reply", " has:hashtags", " -is:quote"};
    if (Percent(4)) f += kExtra[rng_.Below(kExtra.size())];
    return f;
  }

  std::string Keyword() {
    const LanguagePool& l = PickLanguage(true);
    return Cat({CoreWord(l), Filters(l, 40)});
  }

  std::string Context() {
    const LanguagePool& l = PickLanguage(true);
    const std::string w = CoreWord(l);
    switch (rng_.Below(3)) {
      case 0:
        return Cat({w, " ", Mid(l), Filters(l)});
      case 1:
        return Cat({Mid(l), " ", w, Filters(l)});
      default:
        return Cat({w, " (", Mid(l), " OR ", Mid(l), ")", Filters(l)});
    }
  }

  std::string KeywordAnd() {
    const LanguagePool& l = PickLanguage(true);
    std::string rule = Cat({CoreWord(l), " ", Rare(l)});
    if (Percent(30)) rule += " " + (Percent(50) ? Mid(l) : Rare(l));
    return rule + Filters(l);
  }

  std::string PhraseText(const LanguagePool& l) {
    const std::string w = CoreWord(l);
    switch (rng_.Below(5)) {
      case 0:
        return Mid(l) + " " + w;
      case 1:
        return w + " " + Mid(l);
      case 2:
        return Cat({Common(l), " ", Mid(l), " ", w});
      case 3:
        return w + " " + Rare(l);
      default:
        return Cat({Mid(l), " ", w, " ", Common(l)});
    }
  }

  std::string Phrase() {
    const LanguagePool& l = PickLanguage(true);
    std::string rule = "\"" + PhraseText(l) + "\"";
    if (Percent(6)) rule += "~" + std::to_string(2 + rng_.Below(5));
    return rule + Filters(l);
  }

  std::string OrList() {
    const LanguagePool& l = PickLanguage(true);
    std::string first = "(" + CoreWord(l);
    first += " OR " + Rare(l);
    if (Percent(50)) first += " OR " + (Percent(50) ? Rare(l) : Tag(l));
    first += ")";
    const std::string second = Percent(50) ? Cat({"(", Rare(l), " OR ", Rare(l), ")"})
                                           : Cat({"\"", Mid(l), " ", Rare(l), "\""});
    return first + " " + second + Filters(l, 35);
  }

  // Per mille of the hashtag, from: and mention families that are broad (the core alone) and
  // medium (with a mid word).
  static constexpr uint32_t kBroadPerMille = 1;
  static constexpr uint32_t kMediumPerMille = 7;

  std::string Hashtag() {
    const LanguagePool& l = PickLanguage(false);
    const std::string h = CoreHashtag(l);
    const uint32_t r = rng_.Below(1000);
    if (r < kBroadPerMille) return h + Filters(l, 30);
    if (r < kMediumPerMille) return Cat({h, " ", Mid(l), Filters(l)});
    if (r < 400) return Cat({h, " ", Rare(l), Filters(l)});
    if (r < 600) return Cat({h, " ", Tag(l), Filters(l)});
    if (r < 800) return Cat({"(", h, " OR ", Tag(l), ") ", Rare(l), Filters(l)});
    return Cat({h, " (", Rare(l), " OR ", Rare(l), ")", Filters(l)});
  }

  std::string From() {
    const LanguagePool& l = PickLanguage(false);
    const std::string a = Account(CoreUser(l));
    const uint32_t r = rng_.Below(1000);
    if (r < kBroadPerMille) return "from:" + a + Filters(l, 0);
    if (r < kMediumPerMille) return Cat({"from:", a, " ", Mid(l), Filters(l, 0)});
    if (r < 450) return Cat({"from:", a, " ", Rare(l), Filters(l, 0)});
    if (r < 650) return Cat({"from:", a, " (", Rare(l), " OR ", Tag(l), ")"});
    if (r < 800) return "to:" + a + " " + Rare(l);
    if (r < 900) return "retweets_of:" + a + " " + Rare(l);
    return Cat({"(from:", a, " OR from:", Account(AnyUser(l)), ") ", Rare(l)});
  }

  std::string Mention() {
    const LanguagePool& l = PickLanguage(false);
    const std::string m = "@" + std::string(CoreUser(l).screen_name.utf8);
    const uint32_t r = rng_.Below(1000);
    if (r < kBroadPerMille) return m + Filters(l, 0);
    if (r < kMediumPerMille) return Cat({m, " ", Mid(l), Filters(l, 0)});
    if (r < 650) return Cat({m, " ", Rare(l), Filters(l, 0)});
    if (r < 850) return Cat({m, " (", Rare(l), " OR ", Rare(l), ")"});
    return m + " " + Tag(l);
  }

  std::string Negation() {
    const LanguagePool& l = PickLanguage(true);
    const std::string w = CoreWord(l);
    switch (rng_.Below(5)) {
      case 0:
        return Cat({w, " ", Rare(l), " -", Mid(l), " -", Common(l)});
      case 1:
        return Cat({"(", w, " OR ", Rare(l), ") ", Rare(l), " -is:retweet -", Tag(l)});
      case 2:
        return Cat({w, " ", Rare(l), " -(", Mid(l), " OR ", Mid(l), ")"});
      case 3:
        return Cat({"\"", Mid(l), " ", w, "\" -from:", Account(AnyUser(l))});
      default:
        return Cat({w, " ", Rare(l), " -", Mid(l), " -from:", Account(AnyUser(l))});
    }
  }

  std::string Group() {
    const LanguagePool& l = PickLanguage(true);
    const std::string w = CoreWord(l);
    switch (rng_.Below(4)) {
      case 0:
        return Cat({"(", Mid(l), " OR ", Mid(l), ") (", w, " OR ", Rare(l), ") (", Rare(l), " OR ",
                    Rare(l), ")", Filters(l)});
      case 1:
        return Cat({"(", w, " ", Rare(l), ") OR (", Rare(l), " ", Rare(l), ")"});
      case 2:
        return Cat({"(", w, " ", Mid(l), " ", Rare(l), ") OR (", Rare(l), " ", Rare(l), ")"});
      default:
        return Cat({"(", w, " (", Rare(l), " OR \"", Mid(l), " ", Rare(l), "\")) -is:reply",
                    Filters(l, 30)});
    }
  }

  // Other operators, each with two rare words or a rare and a mid one.
  std::string Operators() {
    const LanguagePool& l = PickLanguage(true);
    std::string words = CoreWord(l);
    words += " " + (Percent(50) ? Rare(l) : Mid(l));
    switch (rng_.Below(9)) {
      case 0:
        return "$" + Pick(cashtags_) + " " + words;
      case 1:
        return "url_contains:" + Pick(l.hosts) + " " + words;
      case 2:
        return "place_country:" + Pick(l.countries) + " " + words;
      case 3:
        return "has:geo " + words;
      case 4:
        return "is:verified " + words;
      case 5:
        return "bio:" + Mid(l) + " " + words;
      case 6:
        return "sample:" + std::to_string(1 + rng_.Below(50)) + " " + words;
      case 7:
        return "is:quote " + words;
      default:
        return "followers_count:" + std::to_string(1000 * (1 + rng_.Below(100))) + " " + words;
    }
  }

  SyntheticWorld world_;
  Rng rng_;
  std::array<LanguagePool, kLanguageCount> pools_;
  Family family_ = kKeyword;                              // of the rule being written
  std::unordered_set<std::string> used_;                  // its words
  std::map<int, std::vector<std::string>> recent_terms_;  // by family, language and kind
  std::map<int, std::vector<uint32_t>> recent_users_;
  std::vector<std::string> cashtags_;
  std::unordered_set<std::string> real_words_;  // folded, every language
};

}  // namespace

RuleCorpus RuleCorpus::Make(size_t count, uint64_t seed) {
  Composer composer(seed);
  RuleCorpus corpus;
  std::vector<size_t> per_family(kFamilyCount, 0);
  std::unordered_set<std::string> seen;
  corpus.rules.reserve(count);
  seen.reserve(count);
  while (corpus.rules.size() < count) {
    double r = composer.rng().Unit();
    int family = 0;
    while (family + 1 < kFamilyCount && r >= kFamilyShare[family]) r -= kFamilyShare[family++];
    std::string value = composer.Make(static_cast<Family>(family));
    if (!seen.insert(value).second) continue;  // values are unique in a rule set
    // Tags as a monitoring product writes them: the customer's project and the rule's topic.
    char tag[64];
    std::snprintf(tag, sizeof tag, "project-%04zu/%s/%zu", corpus.rules.size() / 500,
                  kFamilyNames[family], corpus.rules.size());
    corpus.rules.push_back({std::move(value), tag});
    ++per_family[family];
  }
  for (int f = 0; f < kFamilyCount; ++f)
    corpus.families.emplace_back(kFamilyNames[f], per_family[f]);
  return corpus;
}

std::string RuleCorpus::MixSummary() const {
  std::string summary;
  for (const auto& [name, n] : families) {
    char part[96];
    const double percent = rules.empty() ? 0 : 100.0 * static_cast<double>(n) / rules.size();
    std::snprintf(part, sizeof part, "%s%s %.*f %%", summary.empty() ? "" : ", ", name.c_str(),
                  percent < 1 ? 2 : 0, percent);
    summary += part;
  }
  return summary;
}

}  // namespace sluice::bench
