// Anchor sets (docs/rule-language.md "Matching"): keys such that every post a rule matches has at
// least one, chosen by an estimated selectivity cost: the share of posts with the key, measured
// (KeyFrequencyTable) when the matcher has seen the stream, else guessed from the key alone.
#include "rules/rule_anchors.h"

#include <algorithm>
#include <utility>

#include "rules/key_frequencies.h"
#include "rules/rule_program.h"

namespace sluice::rules {
namespace {

// An anchor set with its estimated cost: roughly the chance that a post has one of its keys.
struct AnchorSet {
  std::vector<uint64_t> keys;
  double cost = 0;
};

// Longer tokens are rarer in natural text; a crude but stable guess that needs no statistics.
double TokenCost(std::string_view token) {
  const double n = static_cast<double>(token.size());
  return 0.5 / ((n + 1) * (n + 1));
}

double KindCost(KeyKind kind) {
  switch (kind) {
    case KeyKind::kLang:
    case KeyKind::kFlag:
      return 0.5;  // most posts have some lang and a few flags
    case KeyKind::kPlaceCountry:
    case KeyKind::kSourceUrl:
      return 0.05;
    case KeyKind::kHashtag:
    case KeyKind::kMention:
    case KeyKind::kCashtag:
    case KeyKind::kPlaceId:
      return 0.002;
    case KeyKind::kFromId:
    case KeyKind::kFromName:
    case KeyKind::kToId:
    case KeyKind::kToName:
    case KeyKind::kRetweetsOfId:
    case KeyKind::kRetweetsOfName:
      return 0.0002;
    case KeyKind::kReplyToStatus:
    case KeyKind::kRetweetOfStatus:
      return 0.00001;
    default:
      return 0.01;
  }
}

// The cost of a key: its guessed share of posts (`prior`), or the measured one when there is a
// table.
class KeyCost {
 public:
  explicit KeyCost(const KeyFrequencyTable* table) : table_(table) {}
  double operator()(uint64_t key, double prior) const {
    return table_ ? table_->Share(key, prior) : prior;
  }

 private:
  const KeyFrequencyTable* table_;
};

AnchorSet One(const KeyCost& cost, uint64_t key, double prior) {
  return AnchorSet{{key}, cost(key, prior)};
}

AnchorSet One(const KeyCost& cost, KeyKind kind, std::string_view text, double prior) {
  return One(cost, KeyHash(kind, text), prior);
}

// The rarest token of a phrase: every post the phrase matches has all of them.
std::optional<AnchorSet> RarestToken(const KeyCost& cost, KeyKind kind,
                                     const std::vector<std::string>& tokens, double scale) {
  if (tokens.empty()) return AnchorSet{};  // never matches: needs no key
  std::optional<AnchorSet> best;
  for (const std::string& t : tokens) {
    AnchorSet a = One(cost, kind, t, TokenCost(t) * scale);
    if (!best || a.cost < best->cost) best = std::move(a);
  }
  return best;
}

std::optional<AnchorSet> Union(std::optional<AnchorSet> a, std::optional<AnchorSet> b) {
  if (!a || !b) return std::nullopt;
  a->keys.insert(a->keys.end(), b->keys.begin(), b->keys.end());
  a->cost += b->cost;
  return a;
}

std::optional<AnchorSet> UserAnchor(const KeyCost& cost, const Term& term, KeyKind id_kind,
                                    KeyKind name_kind) {
  if (const int64_t* id = std::get_if<int64_t>(&term.value)) {
    return One(cost, KeyHash(id_kind, static_cast<uint64_t>(*id)), KindCost(id_kind));
  }
  return One(cost, name_kind, FoldValue(term.text), KindCost(name_kind));
}

std::optional<AnchorSet> FlagAnchor(const KeyCost& cost, std::optional<MatchFlag> flag) {
  if (!flag) return AnchorSet{};
  return One(cost, KeyHash(KeyKind::kFlag, static_cast<uint64_t>(*flag) + 1),
             KindCost(KeyKind::kFlag));
}

}  // namespace

std::optional<MatchFlag> FlagOfTerm(const Term& term) {
  static constexpr std::pair<std::string_view, MatchFlag> kHas[] = {
      {"geo", MatchFlag::kHasGeo},           {"links", MatchFlag::kHasLinks},
      {"mentions", MatchFlag::kHasMentions}, {"hashtags", MatchFlag::kHasHashtags},
      {"media", MatchFlag::kHasMedia},       {"images", MatchFlag::kHasImages},
      {"videos", MatchFlag::kHasVideos},     {"symbols", MatchFlag::kHasSymbols},
      {"lang", MatchFlag::kHasLang}};
  static constexpr std::pair<std::string_view, MatchFlag> kIs[] = {
      {"retweet", MatchFlag::kIsRetweet},
      {"reply", MatchFlag::kIsReply},
      {"quote", MatchFlag::kIsQuote},
      {"verified", MatchFlag::kIsVerified}};
  if (term.kind == TermKind::kHas) {
    for (const auto& [name, flag] : kHas) {
      if (term.text == name) return flag;
    }
  } else {
    for (const auto& [name, flag] : kIs) {
      if (term.text == name) return flag;
    }
  }
  return std::nullopt;
}

namespace {

std::optional<AnchorSet> TermAnchor(const KeyCost& cost, const Term& term) {
  switch (term.kind) {
    case TermKind::kKeyword:
    case TermKind::kPhrase:
    case TermKind::kProximity:
      return RarestToken(cost, KeyKind::kToken, term.tokens, 1.0);
    case TermKind::kUrl:
      return RarestToken(cost, KeyKind::kToken, TokenizeForMatch(term.text), 1.0);
    // A post carries a contains: key only when the index's scanner looked for it: a new
    // literal was never counted, so its count says nothing. These keep the guess.
    case TermKind::kContains:
      return One(KeyCost(nullptr), KeyKind::kContains, term.tokens[0],
                 TokenCost(term.tokens[0]) * 2);
    case TermKind::kUrlContains: {
      const std::string value = FoldValue(term.text);
      return One(KeyCost(nullptr), KeyKind::kUrlContains, value, TokenCost(value));
    }
    case TermKind::kHashtag:
      return One(cost, KeyKind::kHashtag, term.tokens[0], KindCost(KeyKind::kHashtag));
    case TermKind::kMention:
      return One(cost, KeyKind::kMention, term.tokens[0], KindCost(KeyKind::kMention));
    case TermKind::kCashtag:
      return One(cost, KeyKind::kCashtag, term.tokens[0], KindCost(KeyKind::kCashtag));
    case TermKind::kFrom:
      return UserAnchor(cost, term, KeyKind::kFromId, KeyKind::kFromName);
    case TermKind::kTo:
      return UserAnchor(cost, term, KeyKind::kToId, KeyKind::kToName);
    case TermKind::kRetweetsOf:
      return UserAnchor(cost, term, KeyKind::kRetweetsOfId, KeyKind::kRetweetsOfName);
    case TermKind::kInReplyToStatusId:
    case TermKind::kRetweetsOfStatusId: {
      const KeyKind kind = term.kind == TermKind::kInReplyToStatusId ? KeyKind::kReplyToStatus
                                                                     : KeyKind::kRetweetOfStatus;
      return One(cost, KeyHash(kind, static_cast<uint64_t>(std::get<int64_t>(term.value))),
                 KindCost(kind));
    }
    case TermKind::kLang:
      return One(cost, KeyKind::kLang, FoldValue(term.text), KindCost(KeyKind::kLang));
    case TermKind::kPlaceCountry:
      return One(cost, KeyKind::kPlaceCountry, FoldValue(term.text),
                 KindCost(KeyKind::kPlaceCountry));
    case TermKind::kBio:
      return RarestToken(cost, KeyKind::kBio, term.tokens, 2.0);
    case TermKind::kBioName:
      return RarestToken(cost, KeyKind::kBioName, term.tokens, 2.0);
    case TermKind::kBioLocation:
      return RarestToken(cost, KeyKind::kBioLocation, term.tokens, 5.0);
    case TermKind::kSource:
      return Union(
          RarestToken(cost, KeyKind::kSource, TokenizeForMatch(term.text), 20.0),
          One(cost, KeyKind::kSourceUrl, FoldValue(term.text), KindCost(KeyKind::kSourceUrl)));
    case TermKind::kPlace:
      return Union(RarestToken(cost, KeyKind::kPlace, TokenizeForMatch(term.text), 1.0),
                   One(cost, KeyKind::kPlaceId, FoldValue(term.text), KindCost(KeyKind::kPlaceId)));
    case TermKind::kHas:
    case TermKind::kIs:
      return FlagAnchor(cost, FlagOfTerm(term));
    default:  // counts, sample:, geo: no key (a range or an area is not one value)
      return std::nullopt;
  }
}

std::optional<AnchorSet> NodeAnchor(const KeyCost& cost, const Node& node) {
  switch (node.kind) {
    case NodeKind::kTerm:
      return TermAnchor(cost, node.term);
    case NodeKind::kNot:
      return std::nullopt;
    case NodeKind::kGroup:
      return NodeAnchor(cost, node.children[0]);
    case NodeKind::kAnd: {
      std::optional<AnchorSet> best;
      for (const Node& child : node.children) {
        std::optional<AnchorSet> a = NodeAnchor(cost, child);
        if (a && (!best || a->cost < best->cost)) best = std::move(a);
      }
      return best;
    }
    case NodeKind::kOr: {
      std::optional<AnchorSet> all = AnchorSet{};
      for (const Node& child : node.children) all = Union(std::move(all), NodeAnchor(cost, child));
      return all;
    }
  }
  return std::nullopt;
}

// A clause: a post that matches has at least one of `keys`; `cost` estimates how often a post
// satisfies it (lower: a better filter).
using Clause = AnchorSet;

// Clauses every post `node` matches satisfies.
void RequiredClauses(const KeyCost& cost, const Node& node, std::vector<Clause>& out) {
  switch (node.kind) {
    case NodeKind::kTerm: {
      const Term& term = node.term;
      if (term.kind == TermKind::kKeyword || term.kind == TermKind::kPhrase ||
          term.kind == TermKind::kProximity) {
        for (const std::string& token : term.tokens) {
          out.push_back(One(cost, KeyKind::kToken, token, TokenCost(token)));
        }
        return;
      }
      std::optional<AnchorSet> anchor = TermAnchor(cost, term);
      if (anchor && !anchor->keys.empty()) out.push_back(std::move(*anchor));
      return;
    }
    case NodeKind::kGroup:
      RequiredClauses(cost, node.children[0], out);
      return;
    case NodeKind::kAnd:
      for (const Node& child : node.children) RequiredClauses(cost, child, out);  // kNot adds none
      return;
    case NodeKind::kOr: {
      std::optional<AnchorSet> any = NodeAnchor(cost, node);
      if (any && !any->keys.empty()) out.push_back(std::move(*any));
      return;
    }
    case NodeKind::kNot:
      return;
  }
}

uint64_t EncodePrefilter(std::vector<Clause> clauses, uint64_t anchor) {
  std::stable_sort(clauses.begin(), clauses.end(),
                   [](const Clause& a, const Clause& b) { return a.cost < b.cost; });
  uint64_t encoded = 0;
  int used = 0;
  for (const Clause& clause : clauses) {
    if (used == 2) break;
    if (clause.keys.empty() || clause.keys.size() > 2) continue;
    if (std::find(clause.keys.begin(), clause.keys.end(), anchor) != clause.keys.end()) continue;
    const uint64_t a = PrefilterBit(clause.keys[0]);
    const uint64_t b = PrefilterBit(clause.keys.back());
    encoded |= (a | (b << 16)) << (32 * used);
    ++used;
  }
  return encoded;
}

// Appends the anchors of `node`, each with its prefilter from `context` (the clauses required
// by the ANDs above it) and its own path; false when `node` has no anchor set.
bool CollectAnchors(const KeyCost& cost, const Node& node, const std::vector<Clause>& context,
                    std::vector<FilteredAnchor>& out) {
  switch (node.kind) {
    case NodeKind::kTerm: {
      std::optional<AnchorSet> anchor = TermAnchor(cost, node.term);
      if (!anchor) return false;
      std::vector<Clause> clauses = context;
      RequiredClauses(cost, node, clauses);
      for (uint64_t key : anchor->keys) out.push_back({key, EncodePrefilter(clauses, key)});
      return true;
    }
    case NodeKind::kNot:
      return false;
    case NodeKind::kGroup:
      return CollectAnchors(cost, node.children[0], context, out);
    case NodeKind::kOr:
      for (const Node& child : node.children) {
        if (!CollectAnchors(cost, child, context, out)) return false;
      }
      return true;
    case NodeKind::kAnd: {
      // The same child NodeAnchor picks; the others' clauses join the context.
      const Node* best = nullptr;
      double best_cost = 0;
      for (const Node& child : node.children) {
        std::optional<AnchorSet> a = NodeAnchor(cost, child);
        if (a && (!best || a->cost < best_cost)) {
          best = &child;
          best_cost = a->cost;
        }
      }
      if (!best) return false;
      std::vector<Clause> clauses = context;
      for (const Node& child : node.children) {
        if (&child != best) RequiredClauses(cost, child, clauses);
      }
      return CollectAnchors(cost, *best, clauses, out);
    }
  }
  return false;
}

}  // namespace

std::optional<std::vector<FilteredAnchor>> RuleFilteredAnchors(
    const Rule& rule, const KeyFrequencyTable* frequencies) {
  std::vector<FilteredAnchor> anchors;
  if (!CollectAnchors(KeyCost(frequencies), rule.root, {}, anchors)) return std::nullopt;
  std::sort(anchors.begin(), anchors.end(), [](const FilteredAnchor& a, const FilteredAnchor& b) {
    return a.key != b.key ? a.key < b.key : a.prefilter < b.prefilter;
  });
  std::vector<FilteredAnchor> unique;
  for (const FilteredAnchor& a : anchors) {
    if (!unique.empty() && unique.back().key == a.key) {
      if (unique.back().prefilter != a.prefilter) unique.back().prefilter = 0;  // two paths
      continue;
    }
    unique.push_back(a);
  }
  return unique;
}

}  // namespace sluice::rules
