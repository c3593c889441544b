// The one tokeniser of Sluice (SPEC §5): post text and rule keywords are split by the same code,
// so a keyword matches exactly the tokens a post is made of.
//
// A token is a maximal run of code points that are not Unicode punctuation (P*), symbols (S*),
// separators (Z*) or controls (Cc, and other non-printing code points). Tokens are case-folded
// (Unicode simple case folding, code point by code point: no change of length class, `ß` stays);
// accents are not folded. Invalid UTF-8 bytes are token characters, kept as they are.
//
// Details: letters (L*), digits and other numbers (N*) and private-use code points are token
// characters. A combining mark (M*) continues a token but never starts one (it belongs to its
// base), so the marks after an emoji or a sign (U+FE0F, keycap U+20E3) are separators like it;
// variation selectors always are. Unassigned code points (Cn) are separators, so an emoji newer
// than ICU's tables is no token either. Scripts written without spaces (CJK, Thai) give one token
// per run of letters: `東京タワー` is a single token, and so is a whole unpunctuated sentence.
//
// ASCII takes a fast path (a 128-entry table, no ICU call); the BMP is classified through a
// 64 KB table built from ICU on first use (about a millisecond); other code points ask ICU.
// Thread safety: all functions may be called from any thread (the table is built once, safely).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice {

// Appends the folded tokens of `text` to `out` (each token back to back, no separator) and
// their [begin, end) byte offsets within `out` to `bounds`.
void AppendTokens(std::string_view text, std::string& out,
                  std::vector<std::pair<uint32_t, uint32_t>>& bounds);

// Appends `text` folded as AppendFolded does, and the [begin, end) byte offsets within `out` of
// its tokens: each token is a substring of the folded text (folding is per code point), so a
// caller that needs both the folded text and its tokens stores the bytes once.
void AppendFoldedWithTokens(std::string_view text, std::string& out,
                            std::vector<std::pair<uint32_t, uint32_t>>& bounds);

// Convenience: the folded tokens of `text` as strings.
std::vector<std::string> Tokenize(std::string_view text);

// `text` case-folded (as above), without splitting.
std::string FoldCase(std::string_view text);
void AppendFolded(std::string_view text, std::string& out);

}  // namespace sluice
