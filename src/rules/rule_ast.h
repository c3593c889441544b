// The syntax tree of a PowerTrack rule (docs/rule-language.md).
//
// A Rule is a tree of Nodes: AND, OR, negation, explicit parenthesised groups and leaf Terms.
// Values are validated and typed by the parser (ids and counts as integers, geo as doubles);
// keywords and phrases also carry their match tokens, case-folded and split the way SPEC §5
// tokenises text (post/text_tokens.h), so the matcher need not re-derive them. Positions are not
// part of the tree: two rules that print the same compare equal.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace sluice::rules {

enum class TermKind {
  kKeyword,     // bare word
  kPhrase,      // "exact phrase"
  kProximity,   // "a b"~N
  kContains,    // contains:x
  kHashtag,     // #x
  kMention,     // @x
  kCashtag,     // $x
  kFrom,        // from:  (user id or screen name)
  kTo,          // to:
  kRetweetsOf,  // retweets_of:
  kInReplyToStatusId,
  kRetweetsOfStatusId,
  kUrl,
  kUrlContains,
  kLang,
  kBio,
  kBioName,
  kBioLocation,
  kStatusesCount,
  kFollowersCount,
  kFriendsCount,
  kListedCount,
  kSample,
  kSource,
  kPlace,
  kPlaceCountry,
  kPointRadius,
  kBoundingBox,
  kHas,
  kIs,
};

// The operator's spelling including its prefix character or colon ("#", "from:"); "" for
// keywords and phrases.
std::string_view TermPrefix(TermKind kind);

// min..max inclusive; max absent means "min or more" (a bare N).
struct CountRange {
  int64_t min = 0;
  std::optional<int64_t> max;
  bool operator==(const CountRange&) const = default;
};

enum class DistanceUnit { kMiles, kKilometres };

struct PointRadius {
  double longitude = 0;
  double latitude = 0;
  double radius = 0;  // in `unit`
  DistanceUnit unit = DistanceUnit::kMiles;
  bool operator==(const PointRadius&) const = default;
};

struct BoundingBox {
  double west = 0, south = 0, east = 0, north = 0;
  bool operator==(const BoundingBox&) const = default;
};

// The typed value of a term, beyond its text:
//   int64_t     from:/to:/retweets_of: given as a numeric user id; both *_status_id:; sample:
//   CountRange  the four *_count: operators
//   PointRadius point_radius:;  BoundingBox bounding_box:
//   monostate   everything else (the value is `text`)
using TermValue = std::variant<std::monostate, int64_t, CountRange, PointRadius, BoundingBox>;

struct Term {
  TermKind kind = TermKind::kKeyword;
  // The value as written, without operator prefix, quotes or escapes (for a proximity term, the
  // phrase without ~N). For has:/is: one of the enumerated names.
  std::string text;
  // Match tokens: for keywords, phrases, proximity and bio*: `text` split and case-folded by the
  // tokeniser posts go through (post/text_tokens.h, Tokenize: Unicode punctuation, symbols, white
  // space and controls split; simple case folding; accents kept). For #/@/$ and contains:, the
  // case-folded value (FoldCase) as a single token. Empty for other operators.
  std::vector<std::string> tokens;
  int proximity = 0;  // N of "..."~N, 1..6; 0 for other kinds
  TermValue value;
  bool operator==(const Term&) const = default;
};

enum class NodeKind {
  kAnd,    // children.size() >= 2; children are kTerm, kGroup or kNot
  kOr,     // children.size() >= 2; children are kTerm, kGroup or kAnd
  kNot,    // one child, kTerm or kGroup
  kGroup,  // one child: the parenthesised expression
  kTerm,
};

struct Node {
  NodeKind kind = NodeKind::kTerm;
  std::vector<Node> children;
  Term term;  // kTerm only
  bool operator==(const Node&) const = default;

  static Node MakeTerm(Term t);
  static Node MakeUnary(NodeKind kind, Node child);                 // kNot or kGroup
  static Node MakeList(NodeKind kind, std::vector<Node> children);  // kAnd or kOr
};

struct Rule {
  Node root;
  bool operator==(const Rule&) const = default;
};

// True if `node` can match without relying on negations alone: a term, an AND with at least one
// positive child, an OR whose operands are all positive, a group of a positive expression.
bool HasPositiveClause(const Node& node);

// Splits `text` into match tokens as described at Term::tokens (sluice::Tokenize).
std::vector<std::string> TokenizeForMatch(std::string_view text);

}  // namespace sluice::rules
