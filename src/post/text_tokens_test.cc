#include "post/text_tokens.h"

#include <gtest/gtest.h>
#include <unicode/uchar.h>

#include <string>
#include <vector>

namespace sluice {
namespace {

using Tokens = std::vector<std::string>;

TEST(TextTokensTest, AsciiWordsAreLowerCased) {
  EXPECT_EQ(Tokenize("Hello World"), (Tokens{"hello", "world"}));
  EXPECT_EQ(Tokenize("  Hello,\tWORLD!!\n"), (Tokens{"hello", "world"}));
  EXPECT_EQ(Tokenize("abc123 4u"), (Tokens{"abc123", "4u"}));
}

TEST(TextTokensTest, AsciiPunctuationAndSymbolsSplit) {
  EXPECT_EQ(Tokenize("coca-cola"), (Tokens{"coca", "cola"}));
  EXPECT_EQ(Tokenize("don't"), (Tokens{"don", "t"}));
  EXPECT_EQ(Tokenize("snake_case"), (Tokens{"snake", "case"}));  // _ is Pc
  EXPECT_EQ(Tokenize("#tag @user $AAPL 5+5=10 a<b>c|d~e^f`g"),
            (Tokens{"tag", "user", "aapl", "5", "5", "10", "a", "b", "c", "d", "e", "f", "g"}));
  EXPECT_EQ(Tokenize("https://example.com/a?b=c"),
            (Tokens{"https", "example", "com", "a", "b", "c"}));
}

TEST(TextTokensTest, EmptyAndSeparatorOnlyTextHaveNoTokens) {
  EXPECT_TRUE(Tokenize("").empty());
  EXPECT_TRUE(Tokenize("...!?  \t\r\n").empty());
  EXPECT_TRUE(Tokenize("«» — ‘’ “” 。、").empty());
  EXPECT_EQ(FoldCase(""), "");
}

TEST(TextTokensTest, UnicodePunctuationAndSpacesSplit) {
  EXPECT_EQ(Tokenize("«bonjour»"), (Tokens{"bonjour"}));
  EXPECT_EQ(Tokenize("yes—no–maybe"), (Tokens{"yes", "no", "maybe"}));  // em and en dash
  EXPECT_EQ(Tokenize("it’s ‘quoted’ “twice”"), (Tokens{"it", "s", "quoted", "twice"}));
  EXPECT_EQ(Tokenize("a\u00a0b\u2003c\u3000d"), (Tokens{"a", "b", "c", "d"}));  // Zs
  EXPECT_EQ(Tokenize("a\u2028b\u2029c"), (Tokens{"a", "b", "c"}));              // Zl, Zp
  EXPECT_EQ(Tokenize("¿qué?¡sí!"), (Tokens{"qué", "sí"}));
  EXPECT_EQ(Tokenize("東京。大阪、京都"), (Tokens{"東京", "大阪", "京都"}));
}

TEST(TextTokensTest, SymbolsAndEmojiSplitAndAreNeverTokens) {
  EXPECT_EQ(Tokenize("I❤️NY"), (Tokens{"i", "ny"}));
  EXPECT_EQ(Tokenize("fun😂😂time"), (Tokens{"fun", "time"}));
  EXPECT_EQ(Tokenize("👍🏽ok"), (Tokens{"ok"}));                     // skin tone modifier (Sk)
  EXPECT_EQ(Tokenize("👨‍👩‍👧 family"), (Tokens{"family"}));  // ZWJ sequence
  EXPECT_EQ(Tokenize("🇫🇷 france"), (Tokens{"france"}));  // flag: regional indicators
  EXPECT_EQ(Tokenize("price€5 ©2024 ∑x"), (Tokens{"price", "5", "2024", "x"}));
  EXPECT_EQ(Tokenize("1️⃣ first"), (Tokens{"1", "first"}));  // keycap marks belong to no token
  EXPECT_TRUE(Tokenize("\u20e3\u0301").empty());                 // marks without a base
}

TEST(TextTokensTest, ControlAndFormatCharactersSplit) {
  EXPECT_EQ(Tokenize(std::string("a\0b", 3)), (Tokens{"a", "b"}));
  EXPECT_EQ(Tokenize("a\u200bb\u00adc\ufeffd"), (Tokens{"a", "b", "c", "d"}));  // Cf
  EXPECT_EQ(Tokenize("a\u0085b"), (Tokens{"a", "b"}));                          // C1 control
}

TEST(TextTokensTest, CjkRunIsOneToken) {
  EXPECT_EQ(Tokenize("東京タワーに行った"), (Tokens{"東京タワーに行った"}));
  EXPECT_EQ(Tokenize("東京 タワー"), (Tokens{"東京", "タワー"}));
  EXPECT_EQ(Tokenize("한국어 텍스트"), (Tokens{"한국어", "텍스트"}));
}

TEST(TextTokensTest, CaseFoldingIsUnicodeSimpleFolding) {
  EXPECT_EQ(Tokenize("ΑΘΉΝΑ Σίσυφος ΣΊΣΥΦΟΣ"), (Tokens{"αθήνα", "σίσυφοσ", "σίσυφοσ"}));
  EXPECT_EQ(Tokenize("МОСКВА Москва"), (Tokens{"москва", "москва"}));
  // Turkish: default (not Turkic) folding. İ has no simple folding and stays; I folds to i.
  EXPECT_EQ(Tokenize("İSTANBUL ıI"), (Tokens{"İstanbul", "ıi"}));
  EXPECT_EQ(FoldCase("ẞ Straße"), "ß straße");  // ß is not expanded to ss
  EXPECT_EQ(FoldCase("\u212a"), "k");           // KELVIN SIGN: 3 bytes fold to 1
  EXPECT_EQ(FoldCase("\u023a"), "\u2c65");      // 2 bytes fold to 3
  EXPECT_EQ(FoldCase("ＡＢＣ"), "ａｂｃ");      // fullwidth
}

TEST(TextTokensTest, AccentsAreKept) {
  EXPECT_EQ(Tokenize("Café CAFÉ cafe"), (Tokens{"café", "café", "cafe"}));
  EXPECT_EQ(Tokenize("Ünïcode"), (Tokens{"ünïcode"}));
  // A decomposed accent (e + U+0301) stays a combining mark inside its token, not folded away.
  EXPECT_EQ(Tokenize("Cafe\u0301 x"), (Tokens{"cafe\u0301", "x"}));
  EXPECT_EQ(Tokenize("मनमोहन"), (Tokens{"मनमोहन"}));  // Mc/Mn vowel signs inside a word
}

TEST(TextTokensTest, InvalidUtf8BytesAreTokenCharactersKeptAsIs) {
  EXPECT_EQ(Tokenize("ab\xff"
                     "cd ef"),
            (Tokens{"ab\xff"
                    "cd",
                    "ef"}));
  EXPECT_EQ(Tokenize("\xc3"), (Tokens{"\xc3"}));                   // truncated sequence
  EXPECT_EQ(Tokenize("\xc0\xaf x"), (Tokens{"\xc0\xaf", "x"}));    // overlong '/'
  EXPECT_EQ(Tokenize("\xed\xa0\x80!"), (Tokens{"\xed\xa0\x80"}));  // surrogate
  EXPECT_EQ(Tokenize("\x80\x80-A"), (Tokens{"\x80\x80", "a"}));    // lone continuation bytes
  EXPECT_EQ(FoldCase("A\xffÉ"),
            "a\xff"
            "é");
}

TEST(TextTokensTest, FoldCaseKeepsSeparators) {
  EXPECT_EQ(FoldCase("Coca-Cola, ÉTÉ!"), "coca-cola, été!");
  std::string out = "x";
  AppendFolded("AB", out);
  EXPECT_EQ(out, "xab");
}

TEST(TextTokensTest, AppendTokensReportsOffsetsIntoOut) {
  std::string out = "prefix";
  std::vector<std::pair<uint32_t, uint32_t>> bounds;
  AppendTokens("Ab, ÉTÉ", out, bounds);
  ASSERT_EQ(bounds.size(), 2u);
  EXPECT_EQ(out, "prefixabété");
  EXPECT_EQ(out.substr(bounds[0].first, bounds[0].second - bounds[0].first), "ab");
  EXPECT_EQ(out.substr(bounds[1].first, bounds[1].second - bounds[1].first), "été");
}

std::string Utf8(UChar32 c) {
  std::string out;
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out += {static_cast<char>(0xc0 | (c >> 6)), static_cast<char>(0x80 | (c & 0x3f))};
  } else if (c < 0x10000) {
    out += {static_cast<char>(0xe0 | (c >> 12)), static_cast<char>(0x80 | ((c >> 6) & 0x3f)),
            static_cast<char>(0x80 | (c & 0x3f))};
  } else {
    out += {static_cast<char>(0xf0 | (c >> 18)), static_cast<char>(0x80 | ((c >> 12) & 0x3f)),
            static_cast<char>(0x80 | ((c >> 6) & 0x3f)), static_cast<char>(0x80 | (c & 0x3f))};
  }
  return out;
}

TEST(TextTokensTest, AppendFoldedWithTokensGivesTokensInsideTheFoldedText) {
  std::string out = "x";
  std::vector<std::pair<uint32_t, uint32_t>> bounds;
  AppendFoldedWithTokens("Coca-Cola, ÉTÉ 😂 İx\xff!", out, bounds);
  EXPECT_EQ(out, "xcoca-cola, été 😂 İx\xff!");
  Tokens tokens;
  for (const auto& [begin, end] : bounds) tokens.push_back(out.substr(begin, end - begin));
  EXPECT_EQ(tokens, (Tokens{"coca", "cola", "été", "İx\xff"}));
}

// Folding a text first does not change its tokens (after a letter, where a combining mark like
// U+0345, which folds to the letter ι, is part of the token either way): the matcher may fold
// once and tokenise the folded text.
TEST(TextTokensTest, TokensOfFoldedTextAreTheSameForEveryCodePoint) {
  int checked = 0;
  for (UChar32 c = 0x80; c <= 0x10ffff; ++c) {
    if (c >= 0xd800 && c <= 0xdfff) continue;
    if (u_foldCase(c, U_FOLD_CASE_DEFAULT) == c) continue;
    const std::string text = "a" + Utf8(c) + " b";
    EXPECT_EQ(Tokenize(FoldCase(text)), Tokenize(text)) << std::hex << c;
    std::string folded;
    std::vector<std::pair<uint32_t, uint32_t>> bounds;
    AppendFoldedWithTokens(text, folded, bounds);
    EXPECT_EQ(folded, FoldCase(text));
    Tokens tokens;
    for (const auto& [begin, end] : bounds) tokens.push_back(folded.substr(begin, end - begin));
    EXPECT_EQ(tokens, Tokenize(text)) << std::hex << c;
    ++checked;
  }
  EXPECT_GT(checked, 1000);
}

}  // namespace
}  // namespace sluice
