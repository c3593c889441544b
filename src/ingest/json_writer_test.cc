#include "ingest/json_writer.h"

#include <gtest/gtest.h>

#include "ingest/twitter_time.h"

namespace sluice {
namespace {

std::string Escaped(std::string_view text, bool ascii) {
  std::string out;
  AppendJsonEscaped(out, text, ascii);
  return out;
}

TEST(JsonWriterTest, EscapesAsJsonRequires) {
  EXPECT_EQ(Escaped("a\"b\\c\nd\te\x01", false), "a\\\"b\\\\c\\nd\\te\\u0001");
  EXPECT_EQ(Escaped("caf\xc3\xa9 \xe3\x81\x82", false), "caf\xc3\xa9 \xe3\x81\x82");
  EXPECT_EQ(Escaped("caf\xc3\xa9 \xe3\x81\x82", true), "caf\\u00e9 \\u3042");
  EXPECT_EQ(Escaped("\xf0\x9f\x98\x82", true), "\\ud83d\\ude02");  // 😂: a surrogate pair
}

TEST(JsonWriterTest, CountsCodePoints) {
  EXPECT_EQ(CountCodePoints("abc"), 3u);
  EXPECT_EQ(CountCodePoints("caf\xc3\xa9"), 4u);
  EXPECT_EQ(CountCodePoints("\xf0\x9f\x87\xa7\xf0\x9f\x87\xb7"), 2u);  // 🇧🇷
}

TEST(JsonWriterTest, WritesPiecesAndNumbers) {
  JsonWriter writer;
  writer.Raw("{\"n\":");
  writer.Int(-42);
  writer.Char(',');
  writer.QuotedUint(18446744073709551615u);
  writer.Char(',');
  writer.Fixed(-73.98571, 6);
  writer.Char(',');
  writer.Fixed(0.5, 2);
  EXPECT_EQ(writer.view(), "{\"n\":-42,\"18446744073709551615\",-73.985710,0.50");
  writer.Clear();
  EXPECT_EQ(writer.view(), "");
}

TEST(JsonWriterTest, GrowsPastItsInitialBuffer) {
  JsonWriter writer;
  const std::string piece(1000, 'x');
  for (int i = 0; i < 100; ++i) writer.Raw(piece);
  EXPECT_EQ(writer.size(), 100000u);
  EXPECT_EQ(writer.view().substr(99990), std::string(10, 'x'));
}

TEST(JsonWriterTest, CopyBytesCopiesEveryLength) {
  const std::string source = "0123456789abcdefghijklmnopqrstuvwxyz";
  for (size_t n = 0; n <= source.size(); ++n) {
    std::string destination(n, '.');
    CopyBytes(destination.data(), source.data(), n);
    EXPECT_EQ(destination, source.substr(0, n));
  }
}

TEST(TwitterTimeTest, FormatsLikeTheV1Api) {
  EXPECT_EQ(FormatTwitterTime(1795394779123), "Mon Nov 23 00:46:19 +0000 2026");
  EXPECT_EQ(FormatTwitterTime(0), "Thu Jan 01 00:00:00 +0000 1970");
  EXPECT_EQ(FormatTwitterTime(951782400000), "Tue Feb 29 00:00:00 +0000 2000");
  EXPECT_EQ(FormatTwitterTime(1288834974657), "Thu Nov 04 01:42:54 +0000 2010");
  EXPECT_EQ(FormatTwitterTime(-1000), "Wed Dec 31 23:59:59 +0000 1969");
}

}  // namespace
}  // namespace sluice
