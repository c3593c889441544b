// The generator's posts have X's v1.1 shape: entity indices that point at their text, nested
// retweets and quotes, extended posts, geo, and the documented mix (docs/generator.md).
#include <gtest/gtest.h>
#include <simdjson.h>

#include <map>
#include <string>
#include <vector>

#include "ingest/generator.h"

namespace sluice {
namespace {

constexpr int64_t kStartMs = 1795394779000;
using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

std::u32string DecodeUtf8(std::string_view text) {
  std::u32string out;
  for (size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const int length = lead < 0x80 ? 1 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
    char32_t cp = length == 1 ? lead : lead & (0xff >> (length + 1));
    for (int k = 1; k < length; ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3f);
    out.push_back(cp);
    i += static_cast<size_t>(length);
  }
  return out;
}

std::string_view String(element value, const char* key) {
  std::string_view text;
  EXPECT_EQ(value[key].get(text), simdjson::SUCCESS) << key;
  return text;
}

// Checks that every entity of `entities` names the code points [begin, end) of `text`.
void CheckEntities(std::string_view text, element entities, const std::string& where) {
  const std::u32string code_points = DecodeUtf8(text);
  const auto slice = [&](element entity) -> std::u32string {
    array indices;
    EXPECT_EQ(entity["indices"].get(indices), simdjson::SUCCESS) << where;
    uint64_t begin = 0, end = 0;
    EXPECT_EQ(indices.at(0).get(begin), simdjson::SUCCESS);
    EXPECT_EQ(indices.at(1).get(end), simdjson::SUCCESS);
    EXPECT_LE(begin, end);
    EXPECT_LE(end, code_points.size()) << where << ": " << text;
    if (end > code_points.size() || begin > end) return U"";
    return code_points.substr(begin, end - begin);
  };
  const auto each = [&](const char* kind, auto&& expected_text) {
    array list;
    if (entities[kind].get(list) != simdjson::SUCCESS) {
      EXPECT_EQ(std::string(kind), "media") << where << ": no " << kind;  // media is optional
      return;
    }
    for (element entity : list) {
      EXPECT_EQ(slice(entity), DecodeUtf8(expected_text(entity)))
          << where << " " << kind << ": " << text;
    }
  };
  each("hashtags", [](element e) { return "#" + std::string(String(e, "text")); });
  each("user_mentions", [](element e) { return "@" + std::string(String(e, "screen_name")); });
  each("symbols", [](element e) { return "$" + std::string(String(e, "text")); });
  each("urls", [](element e) { return std::string(String(e, "url")); });
  each("media", [](element e) { return std::string(String(e, "url")); });
}

// Checks a status object and its nested statuses; counts shapes into `seen`.
void CheckStatus(element status, bool top_level, std::map<std::string, int>& seen) {
  const std::string_view text = String(status, "text");
  element entities;
  ASSERT_EQ(status["entities"].get(entities), simdjson::SUCCESS);
  CheckEntities(text, entities, "text");
  EXPECT_LE(DecodeUtf8(text).size(), 140u + 24u) << text;  // an "RT @name: " prefix may add

  bool truncated = false;
  ASSERT_EQ(status["truncated"].get(truncated), simdjson::SUCCESS);
  element extended;
  const bool has_extended =
      status["extended_tweet"].get(extended) == simdjson::SUCCESS && extended.is_object();
  EXPECT_EQ(truncated, has_extended);
  if (has_extended) {
    ++seen["extended"];
    const std::string_view full_text = String(extended, "full_text");
    element extended_entities;
    ASSERT_EQ(extended["entities"].get(extended_entities), simdjson::SUCCESS);
    CheckEntities(full_text, extended_entities, "full_text");
    const size_t length = DecodeUtf8(full_text).size();
    EXPECT_GT(length, 140u);
    EXPECT_LE(length, 280u);
    array range;
    ASSERT_EQ(extended["display_text_range"].get(range), simdjson::SUCCESS);
    uint64_t end = 0;
    ASSERT_EQ(range.at(1).get(end), simdjson::SUCCESS);
    EXPECT_LE(end, length);
  } else {
    EXPECT_LE(DecodeUtf8(text).size(), 140u);
  }

  object place;
  const bool has_place = status["place"].get(place) == simdjson::SUCCESS;
  if (has_place) ++seen["place"];
  object coordinates;
  if (status["coordinates"].get(coordinates) == simdjson::SUCCESS) ++seen["coordinates"];
  object extended_entities;
  if (status["extended_entities"].get(extended_entities) == simdjson::SUCCESS) ++seen["media"];

  std::string_view lang;
  ASSERT_EQ(status["lang"].get(lang), simdjson::SUCCESS);
  std::string_view timestamp;
  EXPECT_EQ(status["timestamp_ms"].get(timestamp) == simdjson::SUCCESS, top_level);
  if (!top_level) return;

  ++seen["lang " + std::string(lang)];
  element retweeted, quoted;
  if (status["retweeted_status"].get(retweeted) == simdjson::SUCCESS) {
    ++seen["retweet"];
    EXPECT_EQ(text.substr(0, 4), "RT @");
    EXPECT_FALSE(has_place);  // retweets carry no place of their own
    CheckStatus(retweeted, false, seen);
  } else if (status["quoted_status"].get(quoted) == simdjson::SUCCESS) {
    ++seen["quote"];
    bool is_quote = false;
    ASSERT_EQ(status["is_quote_status"].get(is_quote), simdjson::SUCCESS);
    EXPECT_TRUE(is_quote);
    CheckStatus(quoted, false, seen);
  } else if (status["in_reply_to_status_id_str"].is_string()) {
    ++seen["reply"];
  }
}

TEST(GeneratorShapeTest, EntitiesPointAtTheirTextAndTheMixIsAsDocumented) {
  constexpr int kPosts = 20000;
  PostGenerator generator(77);
  IngestBatch batch;
  for (int i = 0; i < kPosts; ++i) generator.Generate(kStartMs + i / 2, batch);
  simdjson::dom::parser parser;
  std::map<std::string, int> seen;
  for (const IngestPostRef& ref : batch.posts) {
    element post;
    ASSERT_EQ(parser.parse(std::string(batch.bytes(ref))).get(post), simdjson::SUCCESS);
    CheckStatus(post, true, seen);
    if (HasFailure()) {
      ADD_FAILURE() << batch.bytes(ref);
      return;
    }
  }
  const auto share = [&](const std::string& key) { return 100.0 * seen[key] / kPosts; };
  EXPECT_NEAR(share("retweet"), 27, 2);
  EXPECT_NEAR(share("reply"), 18, 2);
  EXPECT_NEAR(share("quote"), 5, 1);
  EXPECT_NEAR(share("lang en"), 45, 2);
  EXPECT_NEAR(share("lang ja"), 17, 2);
  EXPECT_NEAR(share("lang es"), 14, 2);
  EXPECT_NEAR(share("lang pt"), 9, 1.5);
  EXPECT_NEAR(share("lang ar"), 7, 1.5);
  EXPECT_NEAR(share("lang fr"), 5, 1);
  EXPECT_NEAR(share("lang de"), 3, 1);
  EXPECT_GT(share("extended"), 10);
  EXPECT_GT(share("media"), 5);
  EXPECT_GT(share("place"), 2);
  EXPECT_GT(share("coordinates"), 0.5);
}

}  // namespace
}  // namespace sluice
