// Splits rule text into tokens: parentheses, `OR`, negation, words, quoted phrases and operators
// with their raw values. Validation of operator names and values is the parser's job.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace sluice::rules {

enum class RuleTokenKind {
  kLeftParen,
  kRightParen,
  kOr,      // the upper-case word OR
  kMinus,   // '-' directly followed by a clause
  kWord,    // bare keyword
  kQuoted,  // "phrase", optionally with ~N
  kOperator,
  kEnd,
};

struct RuleToken {
  RuleTokenKind kind = RuleTokenKind::kEnd;
  size_t offset = 0;  // byte offset of the token's first character
  // kWord: the word; kQuoted: the unescaped phrase; kOperator: the value (unescaped if quoted).
  std::string text;
  std::string op;       // kOperator: "#", "@", "$" or "name:" as written
  bool quoted = false;  // kOperator: the value was written in quotes
  int proximity = -1;   // kQuoted: N of ~N, -1 if absent
};

// Tokenises `text`; the last token is kEnd at offset text.size(). Errors (InvalidArgument):
// unterminated quotes or brackets, upper-case AND, '~' without a number, dangling '-'.
Result<std::vector<RuleToken>> LexRule(std::string_view text);

// " (at position N)" where N is the 1-based count of UTF-8 characters up to `offset`.
std::string AtPosition(std::string_view text, size_t offset);

}  // namespace sluice::rules
