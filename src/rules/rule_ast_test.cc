#include "rules/rule_ast.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "rules/rule_parser.h"
#include "rules/rule_printer.h"

namespace sluice::rules {
namespace {

using Tokens = std::vector<std::string>;

TEST(RuleAstTest, TokenizeSplitsOnUnicodePunctuationAndFolds) {
  EXPECT_EQ(TokenizeForMatch("Coca-Cola"), (Tokens{"coca", "cola"}));
  EXPECT_EQ(TokenizeForMatch("  Hello,\tWORLD!! "), (Tokens{"hello", "world"}));
  EXPECT_EQ(TokenizeForMatch("snake_case #tag $5"), (Tokens{"snake", "case", "tag", "5"}));
  EXPECT_EQ(TokenizeForMatch("Ünïcode CAFÉ «x»"), (Tokens{"ünïcode", "café", "x"}));
  EXPECT_TRUE(TokenizeForMatch("...").empty());
}

TEST(RuleAstTest, HasPositiveClause) {
  Term term;
  term.text = "a";
  Node a = Node::MakeTerm(term);
  Node not_a = Node::MakeUnary(NodeKind::kNot, a);
  EXPECT_TRUE(HasPositiveClause(a));
  EXPECT_FALSE(HasPositiveClause(not_a));
  EXPECT_TRUE(HasPositiveClause(Node::MakeList(NodeKind::kAnd, {not_a, a})));
  EXPECT_FALSE(HasPositiveClause(Node::MakeList(NodeKind::kAnd, {not_a, not_a})));
  EXPECT_FALSE(HasPositiveClause(
      Node::MakeList(NodeKind::kOr, {a, Node::MakeUnary(NodeKind::kGroup, not_a)})));
}

// Arbitrary input never crashes the parser; failures are InvalidArgument with a position,
// and whatever parses also survives a print/parse round trip.
TEST(RuleAstTest, RandomInputIsRejectedCleanlyOrRoundTrips) {
  const std::string alphabet = "ab -()\"~:#@$[]OR.1\\fromlang:has:geo";
  std::mt19937 rng(7);
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  std::uniform_int_distribution<int> length(0, 24);
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    for (int n = length(rng); n > 0; --n) text.push_back(alphabet[pick(rng)]);
    Result<Rule> rule = ParseRule(text);
    if (!rule.ok()) {
      ASSERT_EQ(rule.status().code(), StatusCode::kInvalidArgument) << text;
      ASSERT_NE(rule.status().message().find(" (at position "), std::string::npos) << text;
      continue;
    }
    Result<Rule> again = ParseRule(PrintRule(*rule));
    ASSERT_TRUE(again.ok()) << text << " -> " << PrintRule(*rule);
    ASSERT_TRUE(*again == *rule) << text << " -> " << PrintRule(*rule);
  }
}

}  // namespace
}  // namespace sluice::rules
