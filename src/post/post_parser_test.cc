#include "post/post_parser.h"

#include <gtest/gtest.h>

#include <string>

namespace sluice {
namespace {

// Asserts `json` is rejected with InvalidArgument whose message starts with `prefix`.
void ExpectRejected(PostParser& parser, std::string_view json, std::string_view prefix) {
  const Result<uint64_t> result = parser.ParseId(json);
  ASSERT_FALSE(result.ok()) << json;
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(result.status().message().substr(0, prefix.size()), prefix) << json;
}

TEST(PostParserTest, IdStrIsPreferredOverId) {
  PostParser parser;
  // A double-typed id that lost precision must not win over id_str.
  auto id = parser.ParseId(R"({"id":1.2345e18,"id_str":"1234567890123456789","text":"x"})");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(*id, 1234567890123456789u);
}

TEST(PostParserTest, NumericIdWhenNoIdStr) {
  PostParser parser;
  EXPECT_EQ(*parser.ParseId(R"({"id":42})"), 42u);
  EXPECT_EQ(*parser.ParseId(R"({"id":18446744073709551615})"), 18446744073709551615u);
  EXPECT_EQ(*parser.ParseId(R"({"id":"77"})"), 77u);
  // Lenient, like X's own clients: a numeric id_str still names the post.
  EXPECT_EQ(*parser.ParseId(R"({"id_str":78})"), 78u);
}

TEST(PostParserTest, V2DataId) {
  PostParser parser;
  auto id = parser.ParseId(
      R"({"data":{"id":"1460323737035677698","text":"hi"},"includes":{"users":[{"id":"9"}]}})");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(*id, 1460323737035677698u);
}

TEST(PostParserTest, SurroundingWhitespaceIsValid) {
  PostParser parser;
  EXPECT_EQ(*parser.ParseId(" \t{\"id_str\":\"5\"}\r "), 5u);
}

TEST(PostParserTest, InvalidJsonCarriesReason) {
  PostParser parser;
  ExpectRejected(parser, R"({"id_str":"5")", "invalid JSON: ");
  ExpectRejected(parser, R"({"id_str":"5"} {"id_str":"6"})", "invalid JSON: ");
  ExpectRejected(parser, R"({"id_str":"5","text":"\x"})", "invalid JSON: ");
  ExpectRejected(parser, "{\"id_str\":\"5\",\"text\":\"\xff\"}", "invalid JSON: ");
  ExpectRejected(parser, "", "invalid JSON: ");
  ExpectRejected(parser, "nul", "invalid JSON: ");
}

TEST(PostParserTest, TruncatedPostIsRejected) {
  PostParser parser;
  const std::string post = R"({"id_str":"5","user":{"screen_name":"a","id":1},"text":"hello"})";
  for (size_t length = 1; length < post.size(); ++length) {
    ExpectRejected(parser, std::string_view(post).substr(0, length), "invalid JSON: ");
  }
  EXPECT_TRUE(parser.ParseId(post).ok());
}

TEST(PostParserTest, NotAnObject) {
  PostParser parser;
  ExpectRejected(parser, "[1,2]", "post is not a JSON object");
  ExpectRejected(parser, "\"id\"", "post is not a JSON object");
  ExpectRejected(parser, "123", "post is not a JSON object");
}

TEST(PostParserTest, NoId) {
  PostParser parser;
  ExpectRejected(parser, "{}", "post has no id (expected id_str, id, or data.id)");
  ExpectRejected(parser, R"({"data":{"text":"x"}})", "post has no id");
  ExpectRejected(parser, R"({"data":[{"id":"1"}]})", "post has no id");
  ExpectRejected(parser, R"({"user":{"id":5}})", "post has no id");
}

TEST(PostParserTest, BadIdValues) {
  PostParser parser;
  for (const char* json :
       {R"({"id_str":""})", R"({"id_str":"0"})", R"({"id_str":"-5"})", R"({"id_str":"12a"})",
        R"({"id_str":"18446744073709551616"})", R"({"id_str":"123456789012345678901"})",
        R"({"id":-1})", R"({"id":0})", R"({"id":1.5})", R"({"id":null})", R"({"id":true})",
        R"({"data":{"id":"x"}})", R"({"id_str":" 5"})"}) {
    SCOPED_TRACE(json);
    ExpectRejected(parser, json, "post id is not a positive 64-bit integer");
  }
}

TEST(PostParserTest, BadIdStrDoesNotFallBackToId) {
  PostParser parser;
  ExpectRejected(parser, R"({"id":5,"id_str":"five"})", "post id is not a positive");
}

TEST(PostParserTest, PaddedParseReadsNoFurtherThanTheView) {
  PostParser parser;
  // The bytes after the view are garbage that would be invalid if parsed.
  std::string buffer = R"({"id_str":"99"})";
  const size_t length = buffer.size();
  buffer.append(PostParser::kPadding, '}');
  auto id = parser.ParseIdPadded(std::string_view(buffer).substr(0, length));
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(*id, 99u);
}

TEST(PostParserTest, ParserIsReusableAfterErrors) {
  PostParser parser;
  EXPECT_FALSE(parser.ParseId("{").ok());
  EXPECT_EQ(*parser.ParseId(R"({"id_str":"1"})"), 1u);
  PostParser moved = std::move(parser);
  EXPECT_EQ(*moved.ParseId(R"({"id_str":"2"})"), 2u);
}

TEST(PostParserTest, ParsePositiveDecimalId) {
  EXPECT_EQ(ParsePositiveDecimalId("1"), 1u);
  EXPECT_EQ(ParsePositiveDecimalId("18446744073709551615"), UINT64_MAX);
  EXPECT_EQ(ParsePositiveDecimalId("18446744073709551616"), 0u);
  EXPECT_EQ(ParsePositiveDecimalId("99999999999999999999"), 0u);
  EXPECT_EQ(ParsePositiveDecimalId(""), 0u);
  EXPECT_EQ(ParsePositiveDecimalId("+1"), 0u);
}

}  // namespace
}  // namespace sluice
