#include "rules/rule_lexer.h"

#include <utility>

namespace sluice::rules {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

bool IsWordEnd(char c) { return IsSpace(c) || c == '(' || c == ')' || c == '"'; }

bool IsOperatorNameChar(char c) { return (c >= 'a' && c <= 'z') || c == '_'; }

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  Result<std::vector<RuleToken>> Run() {
    while (true) {
      while (pos_ < text_.size() && IsSpace(text_[pos_])) ++pos_;
      if (pos_ >= text_.size()) break;
      const char c = text_[pos_];
      if (c == '(' || c == ')') {
        Push(c == '(' ? RuleTokenKind::kLeftParen : RuleTokenKind::kRightParen, pos_);
        ++pos_;
      } else if (c == '"') {
        SLUICE_RETURN_IF_ERROR(LexPhrase());
      } else if (c == '-') {
        if (pos_ + 1 >= text_.size() || IsSpace(text_[pos_ + 1]) || text_[pos_ + 1] == ')') {
          return Error("Negation '-' must be directly followed by a term or group", pos_);
        }
        Push(RuleTokenKind::kMinus, pos_);
        ++pos_;
      } else {
        SLUICE_RETURN_IF_ERROR(LexWord());
      }
    }
    Push(RuleTokenKind::kEnd, text_.size());
    return std::move(tokens_);
  }

 private:
  Status Error(std::string message, size_t offset) const {
    return Status::InvalidArgument(message + AtPosition(text_, offset));
  }

  RuleToken& Push(RuleTokenKind kind, size_t offset) {
    RuleToken token;
    token.kind = kind;
    token.offset = offset;
    tokens_.push_back(std::move(token));
    return tokens_.back();
  }

  // Reads a quoted string starting at pos_ (a '"'); leaves pos_ after the closing quote.
  Status ReadQuoted(std::string* out) {
    ++pos_;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) ++pos_;
      out->push_back(text_[pos_++]);
    }
    if (pos_ >= text_.size()) {
      return Error("mismatched input 'EOF' expecting '\"'", text_.size());
    }
    ++pos_;
    return Status::Ok();
  }

  Status LexPhrase() {
    RuleToken token;
    token.kind = RuleTokenKind::kQuoted;
    token.offset = pos_;
    SLUICE_RETURN_IF_ERROR(ReadQuoted(&token.text));
    if (pos_ < text_.size() && text_[pos_] == '~') {
      const size_t tilde = pos_++;
      int n = 0;
      size_t digits = 0;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9' && digits < 6) {
        n = n * 10 + (text_[pos_++] - '0');
        ++digits;
      }
      if (digits == 0) return Error("Proximity operator '~' must be followed by a number", tilde);
      token.proximity = n;
    }
    tokens_.push_back(std::move(token));
    return Status::Ok();
  }

  Status LexWord() {
    const size_t start = pos_;
    // An operator is a lower-case name and ':' ("from:"), or a leading '#', '@' or '$'.
    size_t name_end = pos_;
    while (name_end < text_.size() && IsOperatorNameChar(text_[name_end])) ++name_end;
    const bool named_operator =
        name_end > pos_ && name_end < text_.size() && text_[name_end] == ':' && text_[pos_] != '_';
    const char first = text_[pos_];
    if (named_operator || first == '#' || first == '@' || first == '$') {
      RuleToken token;
      token.kind = RuleTokenKind::kOperator;
      token.offset = start;
      pos_ = named_operator ? name_end + 1 : pos_ + 1;
      token.op = std::string(text_.substr(start, pos_ - start));
      if (named_operator && pos_ < text_.size() && text_[pos_] == '"') {
        token.quoted = true;
        SLUICE_RETURN_IF_ERROR(ReadQuoted(&token.text));
      } else if (named_operator && pos_ < text_.size() && text_[pos_] == '[' &&
                 (token.op == "point_radius:" || token.op == "bounding_box:")) {
        const size_t close = text_.find(']', pos_);
        if (close == std::string_view::npos) {
          return Error("mismatched input 'EOF' expecting ']'", text_.size());
        }
        token.text = std::string(text_.substr(pos_, close + 1 - pos_));
        pos_ = close + 1;
      } else {
        while (pos_ < text_.size() && !IsWordEnd(text_[pos_])) token.text.push_back(text_[pos_++]);
      }
      tokens_.push_back(std::move(token));
      return Status::Ok();
    }
    while (pos_ < text_.size() && !IsWordEnd(text_[pos_])) ++pos_;
    const std::string_view word = text_.substr(start, pos_ - start);
    if (word == "AND") {
      return Error(
          "Ambiguous use of and as a keyword. Use a space to logically join two terms or \"and\" "
          "to find occurrences of and in text",
          start);
    }
    if (word == "OR") {
      Push(RuleTokenKind::kOr, start);
    } else {
      Push(RuleTokenKind::kWord, start).text = std::string(word);
    }
    return Status::Ok();
  }

  std::string_view text_;
  size_t pos_ = 0;
  std::vector<RuleToken> tokens_;
};

}  // namespace

Result<std::vector<RuleToken>> LexRule(std::string_view text) { return Lexer(text).Run(); }

std::string AtPosition(std::string_view text, size_t offset) {
  size_t characters = 0;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++characters;
  }
  if (offset > text.size()) characters += offset - text.size();
  return " (at position " + std::to_string(characters + 1) + ")";
}

}  // namespace sluice::rules
