#include "rules/rule_printer.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "rules/rule_parser.h"

namespace sluice::rules {
namespace {

Rule MustParse(std::string_view text) {
  Result<Rule> rule = ParseRule(text);
  EXPECT_TRUE(rule.ok()) << text << ": " << rule.status().message();
  return rule.ok() ? std::move(*rule) : Rule{};
}

TEST(RulePrinterTest, CanonicalForms) {
  EXPECT_EQ(PrintRule(MustParse("  a   b OR  c ")), "a b OR c");
  EXPECT_EQ(PrintRule(MustParse("( a OR b )  -( c )")), "(a OR b) -(c)");
  EXPECT_EQ(PrintRule(MustParse("from:\"jack\" url:\"a b\"")), "from:jack url:\"a b\"");
  EXPECT_EQ(PrintRule(MustParse("\"say \\\"hi\\\"\"~2")), "\"say \\\"hi\\\"\"~2");
  EXPECT_EQ(PrintRule(MustParse("point_radius:[1  2 3km]")), "point_radius:[1  2 3km]");
}

// Kinds and term texts, for failure messages.
std::string Describe(const Node& node) {
  if (node.kind == NodeKind::kTerm) {
    std::string tokens;
    for (const std::string& t : node.term.tokens) tokens += t + ",";
    return "T" + std::to_string(static_cast<int>(node.term.kind)) + "{" + node.term.text + "|" +
           tokens + "|" + std::to_string(node.term.proximity) + "}";
  }
  std::string out = "N" + std::to_string(static_cast<int>(node.kind)) + "(";
  for (const Node& child : node.children) out += Describe(child) + " ";
  return out + ")";
}

// Generates random rules in the shape ParseRule produces, straight as syntax trees.
class RuleGenerator {
 public:
  explicit RuleGenerator(uint32_t seed) : rng_(seed) {}

  Rule Generate() { return Rule{Or(0)}; }

 private:
  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[static_cast<size_t>(Uniform(0, static_cast<int>(v.size()) - 1))];
  }

  std::string Word() {
    static const std::vector<std::string> kWords = {
        "cat", "Dog", "coca-cola", "or", "and", "x1", "café", "l'eau", "a.b", "C++", "AndOr"};
    return Pick(kWords);
  }

  Term MakeTerm() {
    static const std::vector<std::string> kOperatorRules = {
        "contains:ola",
        "#Cats",
        "@jack",
        "$TWTR",
        "from:jack",
        "from:1234",
        "to:\"ann_b\"",
        "retweets_of:99",
        "in_reply_to_status_id:123456789012",
        "retweets_of_status_id:7",
        "url:\"https://x.com/a b\"",
        "url:\"https://x.com/(a)\"",
        "url_contains:example.com",
        "lang:en",
        "bio:\"rust dev\"",
        "bio_name:Ann",
        "bio_location:\"New York\"",
        "statuses_count:5",
        "followers_count:10..20",
        "friends_count:0..0",
        "listed_count:3",
        "sample:42",
        "source:\"Twitter \\\"Web\\\" App\"",
        "place:Paris",
        "place_country:FR",
        "point_radius:[-105.27 40.01 10.5mi]",
        "point_radius:[2.35 48.85 40km]",
        "bounding_box:[-105.3 40.0 -105.1 40.2]",
        "has:media",
        "has:symbols",
        "is:quote",
        "is:retweet"};
    std::string text;
    switch (Uniform(0, 3)) {
      case 0:
        text = Word();
        break;
      case 1:
        text = "\"" + Word() + " " + Word() + "\"";
        break;
      case 2:
        text = "\"" + Word() + " \\\"" + Word() + "\\\"\"~" + std::to_string(Uniform(1, 6));
        break;
      default:
        text = Pick(kOperatorRules);
    }
    Result<Rule> rule = ParseRule(text);
    EXPECT_TRUE(rule.ok() && rule->root.kind == NodeKind::kTerm) << text;
    return rule->root.term;
  }

  // A clause that may stand alone: term or group.
  Node Primary(int depth) {
    if (depth < 3 && Uniform(0, 5) == 0) return Node::MakeUnary(NodeKind::kGroup, Or(depth + 1));
    return Node::MakeTerm(MakeTerm());
  }

  Node And(int depth) {
    const int n = Uniform(1, 3);
    std::vector<Node> clauses;
    for (int i = 0; i < n; ++i) {
      Node clause = Primary(depth);
      // The first clause stays positive so every AND has a positive clause.
      if (i > 0 && Uniform(0, 2) == 0) clause = Node::MakeUnary(NodeKind::kNot, std::move(clause));
      clauses.push_back(std::move(clause));
    }
    if (clauses.size() == 1) return std::move(clauses[0]);
    return Node::MakeList(NodeKind::kAnd, std::move(clauses));
  }

  Node Or(int depth) {
    const int n = Uniform(1, 3);
    std::vector<Node> operands;
    for (int i = 0; i < n; ++i) operands.push_back(And(depth));
    if (operands.size() == 1) return std::move(operands[0]);
    return Node::MakeList(NodeKind::kOr, std::move(operands));
  }

  std::mt19937 rng_;
};

TEST(RulePrinterTest, RandomRulesRoundTrip) {
  RuleGenerator generator(20261123);
  int checked = 0;
  for (int i = 0; i < 20000; ++i) {
    const Rule rule = generator.Generate();
    const std::string printed = PrintRule(rule);
    if (printed.size() > kMaxRuleLength) continue;
    Result<Rule> parsed = ParseRule(printed);
    ASSERT_TRUE(parsed.ok()) << printed << ": " << parsed.status().message();
    ASSERT_TRUE(*parsed == rule) << printed << "\n"
                                 << Describe(parsed->root) << "\n"
                                 << Describe(rule.root);
    ASSERT_EQ(PrintRule(*parsed), printed);
    ++checked;
  }
  EXPECT_GT(checked, 19000);
}

}  // namespace
}  // namespace sluice::rules
