#include "stream/matching_rules.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

std::shared_ptr<const rules::RuleSet> TwoRules() {
  auto a = rules::CompiledRule::Compile({5, "a", std::string("tag \"q\""), 0});
  auto b = rules::CompiledRule::Compile({18446744073709551615ull, "b", std::nullopt, 0});
  EXPECT_TRUE(a.ok() && b.ok());
  return rules::RuleSet::Build({*a, *b});
}

TEST(MatchingRulesTest, AddsOneMemberBeforeTheClosingBrace) {
  auto set = TwoRules();
  std::string out;
  AppendAnnotatedPost(out, R"({"id_str":"1"})", *set, {0, 1});
  EXPECT_EQ(out, R"({"id_str":"1","matching_rules":[{"tag":"tag \"q\"","id":5,"id_str":"5"},)"
                 R"({"tag":null,"id":18446744073709551615,"id_str":"18446744073709551615"}]})"
                 "\r\n");
}

TEST(MatchingRulesTest, KeepsThePostsBytesAndToleratesTrailingWhitespace) {
  auto set = TwoRules();
  std::string out = "prefix";
  AppendAnnotatedPost(out, "{\"id\":1 ,\"x\":{\"y\":[1]}\n}  \n", *set, {1});
  EXPECT_EQ(out,
            "prefix{\"id\":1 ,\"x\":{\"y\":[1]}\n,\"matching_rules\":[{\"tag\":null,\"id\":"
            "18446744073709551615,\"id_str\":\"18446744073709551615\"}]}\r\n");
  out.clear();
  AppendAnnotatedPost(out, "{ }", *set, {0});
  EXPECT_EQ(out,
            "{ \"matching_rules\":[{\"tag\":\"tag \\\"q\\\"\",\"id\":5,\"id_str\":\"5\"}]}\r\n");
}

}  // namespace
}  // namespace sluice
