#include "rules/rule_ast.h"

#include <utility>

#include "post/text_tokens.h"

namespace sluice::rules {

std::string_view TermPrefix(TermKind kind) {
  switch (kind) {
    case TermKind::kKeyword:
    case TermKind::kPhrase:
    case TermKind::kProximity:
      return "";
    case TermKind::kContains:
      return "contains:";
    case TermKind::kHashtag:
      return "#";
    case TermKind::kMention:
      return "@";
    case TermKind::kCashtag:
      return "$";
    case TermKind::kFrom:
      return "from:";
    case TermKind::kTo:
      return "to:";
    case TermKind::kRetweetsOf:
      return "retweets_of:";
    case TermKind::kInReplyToStatusId:
      return "in_reply_to_status_id:";
    case TermKind::kRetweetsOfStatusId:
      return "retweets_of_status_id:";
    case TermKind::kUrl:
      return "url:";
    case TermKind::kUrlContains:
      return "url_contains:";
    case TermKind::kLang:
      return "lang:";
    case TermKind::kBio:
      return "bio:";
    case TermKind::kBioName:
      return "bio_name:";
    case TermKind::kBioLocation:
      return "bio_location:";
    case TermKind::kStatusesCount:
      return "statuses_count:";
    case TermKind::kFollowersCount:
      return "followers_count:";
    case TermKind::kFriendsCount:
      return "friends_count:";
    case TermKind::kListedCount:
      return "listed_count:";
    case TermKind::kSample:
      return "sample:";
    case TermKind::kSource:
      return "source:";
    case TermKind::kPlace:
      return "place:";
    case TermKind::kPlaceCountry:
      return "place_country:";
    case TermKind::kPointRadius:
      return "point_radius:";
    case TermKind::kBoundingBox:
      return "bounding_box:";
    case TermKind::kHas:
      return "has:";
    case TermKind::kIs:
      return "is:";
  }
  return "";
}

Node Node::MakeTerm(Term t) {
  Node n;
  n.kind = NodeKind::kTerm;
  n.term = std::move(t);
  return n;
}

Node Node::MakeUnary(NodeKind kind, Node child) {
  Node n;
  n.kind = kind;
  n.children.push_back(std::move(child));
  return n;
}

Node Node::MakeList(NodeKind kind, std::vector<Node> children) {
  Node n;
  n.kind = kind;
  n.children = std::move(children);
  return n;
}

bool HasPositiveClause(const Node& node) {
  switch (node.kind) {
    case NodeKind::kTerm:
      return true;
    case NodeKind::kNot:
      return false;
    case NodeKind::kGroup:
      return HasPositiveClause(node.children[0]);
    case NodeKind::kAnd:
      for (const Node& c : node.children) {
        if (HasPositiveClause(c)) return true;
      }
      return false;
    case NodeKind::kOr:
      for (const Node& c : node.children) {
        if (!HasPositiveClause(c)) return false;
      }
      return true;
  }
  return false;
}

std::vector<std::string> TokenizeForMatch(std::string_view text) { return Tokenize(text); }

}  // namespace sluice::rules
