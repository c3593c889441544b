#include "rules/rule_parser.h"

#include <gtest/gtest.h>

#include <string>

#include "rules/rules.h"

namespace sluice::rules {
namespace {

// A compact picture of the tree: OR(a AND(b c)), NOT(x), G(...), terms by their printed text.
std::string Shape(const Node& node) {
  switch (node.kind) {
    case NodeKind::kTerm:
      return PrintTerm(node.term);
    case NodeKind::kNot:
      return "NOT(" + Shape(node.children[0]) + ")";
    case NodeKind::kGroup:
      return "G(" + Shape(node.children[0]) + ")";
    case NodeKind::kAnd:
    case NodeKind::kOr: {
      std::string out = node.kind == NodeKind::kAnd ? "AND(" : "OR(";
      for (size_t i = 0; i < node.children.size(); ++i) {
        out += (i ? " " : "") + Shape(node.children[i]);
      }
      return out + ")";
    }
  }
  return "?";
}

std::string ShapeOf(std::string_view text) {
  Result<Rule> rule = ParseRule(text);
  if (!rule.ok()) return "ERROR: " + rule.status().message();
  return Shape(rule->root);
}

std::string ErrorOf(std::string_view text) {
  Result<Rule> rule = ParseRule(text);
  if (rule.ok()) return "OK";
  EXPECT_EQ(rule.status().code(), StatusCode::kInvalidArgument);
  return rule.status().message();
}

Term OnlyTerm(std::string_view text) {
  Result<Rule> rule = ParseRule(text);
  EXPECT_TRUE(rule.ok()) << text << ": " << rule.status().message();
  if (!rule.ok() || rule->root.kind != NodeKind::kTerm) return Term{};
  return rule->root.term;
}

TEST(RuleParserTest, ImplicitAndBindsTighterThanOr) {
  EXPECT_EQ(ShapeOf("a OR b c"), "OR(a AND(b c))");
  EXPECT_EQ(ShapeOf("a b OR c"), "OR(AND(a b) c)");
  EXPECT_EQ(ShapeOf("a OR b OR c"), "OR(a b c)");
  EXPECT_EQ(ShapeOf("a b c"), "AND(a b c)");
}

TEST(RuleParserTest, Grouping) {
  EXPECT_EQ(ShapeOf("(a OR b) c"), "AND(G(OR(a b)) c)");
  EXPECT_EQ(ShapeOf("-(a OR b) c"), "AND(NOT(G(OR(a b))) c)");
  EXPECT_EQ(ShapeOf("((a OR (b c)) d) OR e"), "OR(G(AND(G(OR(a G(AND(b c)))) d)) e)");
  EXPECT_EQ(ShapeOf("  a   -b  "), "AND(a NOT(b))");
  EXPECT_EQ(ShapeOf("a -b OR c"), "OR(AND(a NOT(b)) c)");
}

TEST(RuleParserTest, LowerCaseOrAndAreKeywords) {
  EXPECT_EQ(ShapeOf("cats or dogs"), "AND(cats or dogs)");
  EXPECT_EQ(ShapeOf("cats and dogs"), "AND(cats and dogs)");
  EXPECT_EQ(ShapeOf("Or aNd"), "AND(Or aNd)");
}

TEST(RuleParserTest, KeywordAndPhraseTokens) {
  Term t = OnlyTerm("Coca-Cola");
  EXPECT_EQ(t.kind, TermKind::kKeyword);
  EXPECT_EQ(t.text, "Coca-Cola");
  EXPECT_EQ(t.tokens, (std::vector<std::string>{"coca", "cola"}));
  t = OnlyTerm("\"Happy  Birthday, you!\"");
  EXPECT_EQ(t.kind, TermKind::kPhrase);
  EXPECT_EQ(t.tokens, (std::vector<std::string>{"happy", "birthday", "you"}));
  t = OnlyTerm("\"say \\\"hi\\\"\"");
  EXPECT_EQ(t.text, "say \"hi\"");
  t = OnlyTerm("\"cats dogs\"~3");
  EXPECT_EQ(t.kind, TermKind::kProximity);
  EXPECT_EQ(t.proximity, 3);
  EXPECT_EQ(t.tokens, (std::vector<std::string>{"cats", "dogs"}));
  t = OnlyTerm("café");
  EXPECT_EQ(t.tokens, (std::vector<std::string>{"café"}));
  t = OnlyTerm("\"«CAFÉ» — Straße\"");
  EXPECT_EQ(t.tokens, (std::vector<std::string>{"café", "straße"}));
}

TEST(RuleParserTest, EveryOperatorParses) {
  struct Case {
    const char* text;
    TermKind kind;
    const char* value;
  };
  const Case cases[] = {
      {"contains:Cola", TermKind::kContains, "Cola"},
      {"#Sluice", TermKind::kHashtag, "Sluice"},
      {"@jack", TermKind::kMention, "jack"},
      {"$TWTR", TermKind::kCashtag, "TWTR"},
      {"from:jack", TermKind::kFrom, "jack"},
      {"to:12345", TermKind::kTo, "12345"},
      {"retweets_of:\"jack\"", TermKind::kRetweetsOf, "jack"},
      {"in_reply_to_status_id:1234567890123", TermKind::kInReplyToStatusId, "1234567890123"},
      {"retweets_of_status_id:99", TermKind::kRetweetsOfStatusId, "99"},
      {"url:\"https://example.com/a b\"", TermKind::kUrl, "https://example.com/a b"},
      {"url_contains:example.com", TermKind::kUrlContains, "example.com"},
      {"lang:en", TermKind::kLang, "en"},
      {"bio:\"software engineer\"", TermKind::kBio, "software engineer"},
      {"bio_name:Ann", TermKind::kBioName, "Ann"},
      {"bio_location:Paris", TermKind::kBioLocation, "Paris"},
      {"statuses_count:1000", TermKind::kStatusesCount, "1000"},
      {"followers_count:10..500", TermKind::kFollowersCount, "10..500"},
      {"friends_count:0", TermKind::kFriendsCount, "0"},
      {"listed_count:5..5", TermKind::kListedCount, "5..5"},
      {"sample:10", TermKind::kSample, "10"},
      {"source:\"Twitter for iPhone\"", TermKind::kSource, "Twitter for iPhone"},
      {"place:\"new york\"", TermKind::kPlace, "new york"},
      {"place_country:US", TermKind::kPlaceCountry, "US"},
      {"point_radius:[-105.27 40.01 10mi]", TermKind::kPointRadius, "[-105.27 40.01 10mi]"},
      {"bounding_box:[-105.3 40.0 -105.1 40.2]", TermKind::kBoundingBox,
       "[-105.3 40.0 -105.1 40.2]"},
      {"has:geo", TermKind::kHas, "geo"},
      {"has:lang", TermKind::kHas, "lang"},
      {"is:verified", TermKind::kIs, "verified"},
  };
  for (const Case& c : cases) {
    Term t = OnlyTerm(c.text);
    EXPECT_EQ(t.kind, c.kind) << c.text;
    EXPECT_EQ(t.text, c.value) << c.text;
  }
  for (const char* v :
       {"geo", "links", "mentions", "hashtags", "media", "images", "videos", "symbols", "lang"}) {
    EXPECT_EQ(ErrorOf(std::string("has:") + v), "OK") << v;
  }
  for (const char* v : {"retweet", "reply", "quote", "verified"}) {
    EXPECT_EQ(ErrorOf(std::string("is:") + v), "OK") << v;
  }
}

TEST(RuleParserTest, OperatorValuesAreTyped) {
  EXPECT_EQ(OnlyTerm("from:12").value, TermValue(int64_t{12}));
  EXPECT_EQ(OnlyTerm("from:jack").value, TermValue());
  EXPECT_EQ(OnlyTerm("sample:100").value, TermValue(int64_t{100}));
  EXPECT_EQ(OnlyTerm("followers_count:7").value, TermValue(CountRange{7, std::nullopt}));
  EXPECT_EQ(OnlyTerm("followers_count:7..9").value, TermValue(CountRange{7, 9}));
  EXPECT_EQ(OnlyTerm("point_radius:[2.35 48.85 40km]").value,
            TermValue(PointRadius{2.35, 48.85, 40, DistanceUnit::kKilometres}));
  EXPECT_EQ(OnlyTerm("bounding_box:[2.2 48.8 2.4 48.9]").value,
            TermValue(BoundingBox{2.2, 48.8, 2.4, 48.9}));
  EXPECT_EQ(OnlyTerm("#Cats").tokens, (std::vector<std::string>{"cats"}));
  EXPECT_EQ(OnlyTerm("#FÚTBOL").tokens, (std::vector<std::string>{"fútbol"}));
  EXPECT_EQ(OnlyTerm("contains:ΣΟΦΙΑ").tokens, (std::vector<std::string>{"σοφια"}));
}

TEST(RuleParserTest, NegatedOperatorsAndGroups) {
  EXPECT_EQ(ShapeOf("cats -is:retweet -(from:jack OR lang:fr)"),
            "AND(cats NOT(is:retweet) NOT(G(OR(from:jack lang:fr))))");
}

TEST(RuleParserTest, ErrorsCarryPositions) {
  EXPECT_EQ(ErrorOf("-cats"), "Rules must contain a non-negation term (at position 1)");
  EXPECT_EQ(ErrorOf("-cats -(dogs)"), "Rules must contain a non-negation term (at position 1)");
  EXPECT_EQ(ErrorOf("(cats OR dogs) hats"), "OK");
  EXPECT_EQ(ErrorOf("(cats OR dogs hats"), "mismatched input 'EOF' expecting ')' (at position 19)");
  EXPECT_EQ(ErrorOf("cats foo:bar"), "Reference to invalid operator 'foo:' (at position 6)");
  EXPECT_EQ(ErrorOf("followers_count:10..5"),
            "followers_count: invalid range 10..5 (at position 1)");
  EXPECT_EQ(ErrorOf("a followers_count:x"), "followers_count: invalid value x (at position 3)");
  EXPECT_EQ(ErrorOf("-x OR y"),
            "Negated terms cannot be an operand of OR; negate a group, e.g. -(a OR b), or AND "
            "the negation with a positive term (at position 1)");
  EXPECT_EQ(ErrorOf("y OR -x").substr(0, 36), "Negated terms cannot be an operand o");
  EXPECT_EQ(ErrorOf("a OR (-b -c)"), "Rules must contain a non-negation term (at position 6)");
  EXPECT_EQ(ErrorOf("cats AND dogs"),
            "Ambiguous use of and as a keyword. Use a space to logically join two terms or "
            "\"and\" to find occurrences of and in text (at position 6)");
  EXPECT_EQ(ErrorOf(""), "mismatched input 'EOF' expecting a term (at position 1)");
  EXPECT_EQ(ErrorOf("a OR"), "mismatched input 'EOF' expecting a term (at position 5)");
  EXPECT_EQ(ErrorOf("OR a"), "mismatched input 'OR' expecting a term (at position 1)");
  EXPECT_EQ(ErrorOf("a)"), "extraneous input ')' expecting EOF (at position 2)");
  EXPECT_EQ(ErrorOf("()"), "mismatched input ')' expecting a term (at position 2)");
  EXPECT_EQ(ErrorOf("a - b"),
            "Negation '-' must be directly followed by a term or group (at position 3)");
  EXPECT_EQ(ErrorOf("a \"b c"), "mismatched input 'EOF' expecting '\"' (at position 7)");
  EXPECT_EQ(ErrorOf("\"a b\"~"),
            "Proximity operator '~' must be followed by a number (at position 6)");
  EXPECT_EQ(ErrorOf("\"a b\"~7"),
            "Proximity distance must be between 1 and 6, got 7 (at position 1)");
  EXPECT_EQ(ErrorOf("\"a b\"~0"),
            "Proximity distance must be between 1 and 6, got 0 (at position 1)");
  EXPECT_EQ(ErrorOf("\"!!\""), "Quoted phrase must contain at least one word (at position 1)");
  EXPECT_EQ(ErrorOf("a from:"), "Operator 'from:' requires a value (at position 3)");
  EXPECT_EQ(ErrorOf("#"), "Operator '#' requires a value (at position 1)");
  // Positions count characters, not bytes.
  EXPECT_EQ(ErrorOf("café foo:x"), "Reference to invalid operator 'foo:' (at position 6)");
}

TEST(RuleParserTest, ValueErrors) {
  EXPECT_EQ(ErrorOf("sample:0"),
            "sample: invalid value '0': expected an integer from 1 to 100 "
            "(at position 1)");
  EXPECT_NE(ErrorOf("sample:101"), "OK");
  EXPECT_EQ(ErrorOf("sample:1"), "OK");
  EXPECT_NE(ErrorOf("has:cats"), "OK");
  EXPECT_NE(ErrorOf("is:cat"), "OK");
  EXPECT_NE(ErrorOf("from:a-b"), "OK");
  EXPECT_NE(ErrorOf("in_reply_to_status_id:abc"), "OK");
  EXPECT_NE(ErrorOf("lang:e1"), "OK");
  EXPECT_NE(ErrorOf("place_country:USA"), "OK");
  EXPECT_NE(ErrorOf("followers_count:-1"), "OK");
  EXPECT_EQ(ErrorOf("point_radius:[0 0 25mi]"), "OK");
  EXPECT_EQ(ErrorOf("point_radius:[0 0 26mi]"),
            "point_radius: invalid value '[0 0 26mi]': radius must be > 0 and <= 25mi/40km "
            "(at position 1)");
  EXPECT_NE(ErrorOf("point_radius:[0 0 41km]"), "OK");
  EXPECT_NE(ErrorOf("point_radius:[0 0 10]"), "OK");
  EXPECT_NE(ErrorOf("point_radius:[181 0 10km]"), "OK");
  EXPECT_NE(ErrorOf("point_radius:[0 91 10km]"), "OK");
  EXPECT_NE(ErrorOf("point_radius:[0 0]"), "OK");
  EXPECT_EQ(ErrorOf("point_radius:[0 0 1mi"),
            "mismatched input 'EOF' expecting ']' (at position 22)");
  EXPECT_NE(ErrorOf("bounding_box:[1 0 0 0.1]"), "OK");      // w >= e
  EXPECT_NE(ErrorOf("bounding_box:[0 0.1 0.1 0]"), "OK");    // s >= n
  EXPECT_NE(ErrorOf("bounding_box:[0 0 1 0.1]"), "OK");      // 69 miles wide
  EXPECT_EQ(ErrorOf("bounding_box:[0 70 0.9 70.3]"), "OK");  // narrower near the pole
}

TEST(RuleParserTest, Limits) {
  std::string rule(2048, 'a');
  EXPECT_EQ(ErrorOf(rule), "OK");
  rule.push_back('a');
  EXPECT_EQ(ErrorOf(rule), "Rule length exceeds 2048 characters");
  std::string accents;
  for (int i = 0; i < 2048; ++i) accents += "é";  // 2048 characters, 4096 bytes
  EXPECT_EQ(ErrorOf(accents), "OK");
  EXPECT_TRUE(ValidateTag(std::string(255, 't')).ok());
  Status tag = ValidateTag(std::string(256, 't'));
  EXPECT_EQ(tag.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(tag.message(), "Tag length exceeds 255 characters");
}

}  // namespace
}  // namespace sluice::rules
