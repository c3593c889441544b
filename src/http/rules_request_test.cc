#include "http/rules_request.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

constexpr int64_t kNow = 1'700'000'000'000;  // 2023-11-14T22:13:20Z

TEST(RulesRequestTest, ReadsRulesWithAndWithoutTags) {
  Result<std::vector<rules::RuleInput>> rules =
      ParseRulesBody(R"({"rules":[{"value":"cat","tag":"pets"},{"value":"dog","tag":null},)"
                     R"({"value":"\u00e9t\u00e9"}],"extra":1})");
  ASSERT_TRUE(rules.ok()) << rules.status().ToString();
  ASSERT_EQ(rules->size(), 3u);
  EXPECT_EQ((*rules)[0].value, "cat");
  EXPECT_EQ((*rules)[0].tag, "pets");
  EXPECT_FALSE((*rules)[1].tag.has_value());
  EXPECT_EQ((*rules)[2].value, "\xc3\xa9t\xc3\xa9");
}

TEST(RulesRequestTest, ShapeErrorsNameWhatIsWrong) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "The request body is not valid JSON"},
      {"{\"rules\":[{\"value\":\"\xff\"}]}", "The request body is not valid JSON"},
      {"42", "The request body must be a JSON object"},
      {R"({"rule":[]})", "The request body has no \"rules\" array"},
      {R"({"rules":"cat"})", "\"rules\" must be an array"},
      {R"({"rules":[]})", "\"rules\" must not be empty."},
      {R"({"rules":[{"value":"a"},null]})", "rules[1] must be an object."},
      {R"({"rules":[{"tag":"a"}]})", "rules[0] has no \"value\"."},
      {R"({"rules":[{"value":null}]})", "rules[0].value must be a string."},
      {R"({"rules":[{"value":"a","tag":[]}]})", "rules[0].tag must be a string or null."},
  };
  for (const auto& [body, message] : cases) {
    SCOPED_TRACE(body);
    Result<std::vector<rules::RuleInput>> rules = ParseRulesBody(body);
    ASSERT_FALSE(rules.ok());
    EXPECT_EQ(rules.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(rules.status().message().rfind(message, 0), 0u) << rules.status().message();
  }
}

TEST(RulesRequestTest, DeleteTakesValuesOrIdsButNotBoth) {
  Result<DeleteRulesBody> by_value = ParseDeleteRulesBody(R"({"rules":[{"value":"a","tag":"t"}]})");
  ASSERT_TRUE(by_value.ok());
  EXPECT_FALSE(by_value->by_ids);
  EXPECT_EQ(by_value->values, std::vector<std::string>{"a"});

  Result<DeleteRulesBody> by_id =
      ParseDeleteRulesBody(R"({"rule_ids":[1,"18446744073709551615"]})");
  ASSERT_TRUE(by_id.ok());
  EXPECT_TRUE(by_id->by_ids);
  EXPECT_EQ(by_id->ids, (std::vector<uint64_t>{1, 18446744073709551615ull}));

  EXPECT_FALSE(ParseDeleteRulesBody(R"({"rules":[{"value":"a"}],"rule_ids":[1]})").ok());
  EXPECT_FALSE(ParseDeleteRulesBody(R"({})").ok());
  EXPECT_FALSE(ParseDeleteRulesBody(R"({"rule_ids":[]})").ok());
}

TEST(RulesRequestTest, RuleIds) {
  EXPECT_EQ(*ParseRuleId("0"), 0u);
  EXPECT_EQ(*ParseRuleId("1234567890123"), 1234567890123u);
  for (const char* bad : {"", "-1", "+1", "1x", "18446744073709551616", "1.0", " 1"}) {
    EXPECT_FALSE(ParseRuleId(bad).ok()) << bad;
  }
  EXPECT_FALSE(ParseRuleIdsBody(R"({"rule_ids":[1.5]})").ok());
  EXPECT_FALSE(ParseRuleIdsBody(R"({"rule_ids":[-3]})").ok());
  EXPECT_FALSE(ParseRuleIdsBody(R"({"rule_ids":[true]})").ok());
  EXPECT_EQ(*ParseRuleIdsBody(R"({"rule_ids":["7",8]})"), (std::vector<uint64_t>{7, 8}));
}

TEST(RulesRequestTest, RendersAddResult) {
  rules::AddRulesResult result;
  result.applied = true;
  result.created = 1;
  result.not_created = 1;
  rules::RuleOutcome created;
  created.rule = {42, "a \"quoted\" rule", std::string("t\n"), kNow};
  created.has_id = true;
  created.ok = true;
  rules::RuleOutcome duplicate;
  duplicate.rule = {7, "b", std::nullopt, kNow};
  duplicate.has_id = true;
  duplicate.message = rules::kDuplicateRuleMessage;
  result.detail = {created, duplicate};
  EXPECT_EQ(RenderAddRules(result, kNow),
            R"({"summary":{"created":1,"not_created":1},"detail":[)"
            R"({"rule":{"value":"a \"quoted\" rule","tag":"t\n","id":42,"id_str":"42"},)"
            R"("created":true},{"rule":{"value":"b","tag":null,"id":7,"id_str":"7"},)"
            R"("created":false,"message":"A rule with this value already exists"}],)"
            R"("sent":"2023-11-14T22:13:20+00:00"})"
            "\n");
}

TEST(RulesRequestTest, RendersDeleteOfAMissingIdWithoutAValue) {
  rules::DeleteRulesResult result;
  result.not_deleted = 1;
  rules::RuleOutcome missing;
  missing.rule.id = 9;
  missing.has_id = true;
  missing.has_value = false;
  missing.message = rules::kMissingRuleMessage;
  result.detail = {missing};
  EXPECT_EQ(RenderDeleteRules(result, kNow),
            R"({"summary":{"deleted":0,"not_deleted":1},"detail":[)"
            R"({"rule":{"id":9,"id_str":"9"},"deleted":false,"message":"Rule does not exist"}],)"
            R"("sent":"2023-11-14T22:13:20+00:00"})"
            "\n");
}

TEST(RulesRequestTest, RendersEmptyList) {
  EXPECT_EQ(RenderRuleList(std::vector<rules::RuleRecord>{}, kNow),
            "{\"rules\":[],\"sent\":\"2023-11-14T22:13:20+00:00\"}\n");
}

}  // namespace
}  // namespace sluice
