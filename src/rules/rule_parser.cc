#include "rules/rule_parser.h"

#include <utility>
#include <vector>

#include "rules/rule_lexer.h"
#include "rules/rule_term_builder.h"

namespace sluice::rules {
namespace {

// Recursive descent over:  or := and ("OR" and)* ;  and := unary+ ;
// unary := "-" primary | primary ;  primary := "(" or ")" | term.
class Parser {
 public:
  Parser(std::string_view text, std::vector<RuleToken> tokens)
      : text_(text), tokens_(std::move(tokens)) {}

  Result<Rule> Run() {
    Result<Node> root = ParseOr();
    if (!root.ok()) return root.status();
    if (Peek().kind != RuleTokenKind::kEnd) return Unexpected("EOF");
    if (!HasPositiveClause(*root)) {
      return Error("Rules must contain a non-negation term", tokens_.front().offset);
    }
    return Rule{std::move(*root)};
  }

 private:
  const RuleToken& Peek() const { return tokens_[next_]; }

  Status Error(std::string message, size_t offset) const {
    return Status::InvalidArgument(message + AtPosition(text_, offset));
  }

  static std::string Describe(const RuleToken& t) {
    switch (t.kind) {
      case RuleTokenKind::kLeftParen:
        return "(";
      case RuleTokenKind::kRightParen:
        return ")";
      case RuleTokenKind::kOr:
        return "OR";
      case RuleTokenKind::kMinus:
        return "-";
      case RuleTokenKind::kEnd:
        return "EOF";
      default:
        return "term";
    }
  }

  Status Unexpected(std::string_view expecting) const {
    const std::string verb = Peek().kind == RuleTokenKind::kRightParen && expecting == "EOF"
                                 ? "extraneous input '"
                                 : "mismatched input '";
    return Error(verb + Describe(Peek()) + "' expecting " + std::string(expecting), Peek().offset);
  }

  static bool StartsClause(RuleTokenKind kind) {
    return kind == RuleTokenKind::kLeftParen || kind == RuleTokenKind::kMinus ||
           kind == RuleTokenKind::kWord || kind == RuleTokenKind::kQuoted ||
           kind == RuleTokenKind::kOperator;
  }

  Result<Node> ParseOr() {
    std::vector<Node> operands;
    std::vector<size_t> offsets;
    while (true) {
      offsets.push_back(Peek().offset);
      Result<Node> operand = ParseAnd();
      if (!operand.ok()) return operand.status();
      operands.push_back(std::move(*operand));
      if (Peek().kind != RuleTokenKind::kOr) break;
      ++next_;
    }
    if (operands.size() == 1) return std::move(operands[0]);
    for (size_t i = 0; i < operands.size(); ++i) {
      if (operands[i].kind == NodeKind::kNot) {
        return Error(
            "Negated terms cannot be an operand of OR; negate a group, e.g. -(a OR b), or AND "
            "the negation with a positive term",
            offsets[i]);
      }
      if (!HasPositiveClause(operands[i])) {
        return Error("Rules must contain a non-negation term", offsets[i]);
      }
    }
    return Node::MakeList(NodeKind::kOr, std::move(operands));
  }

  Result<Node> ParseAnd() {
    std::vector<Node> clauses;
    while (StartsClause(Peek().kind)) {
      Result<Node> clause = ParseUnary();
      if (!clause.ok()) return clause.status();
      clauses.push_back(std::move(*clause));
    }
    if (clauses.empty()) return Unexpected("a term");
    if (clauses.size() == 1) return std::move(clauses[0]);
    return Node::MakeList(NodeKind::kAnd, std::move(clauses));
  }

  Result<Node> ParseUnary() {
    if (Peek().kind != RuleTokenKind::kMinus) return ParsePrimary();
    ++next_;
    Result<Node> operand = ParsePrimary();
    if (!operand.ok()) return operand.status();
    return Node::MakeUnary(NodeKind::kNot, std::move(*operand));
  }

  Result<Node> ParsePrimary() {
    const RuleToken& token = Peek();
    if (token.kind == RuleTokenKind::kLeftParen) {
      ++next_;
      Result<Node> inner = ParseOr();
      if (!inner.ok()) return inner.status();
      if (Peek().kind != RuleTokenKind::kRightParen) return Unexpected("')'");
      ++next_;
      return Node::MakeUnary(NodeKind::kGroup, std::move(*inner));
    }
    if (!StartsClause(token.kind) || token.kind == RuleTokenKind::kMinus) {
      return Unexpected("a term");
    }
    ++next_;
    Result<Term> term = BuildTerm(token, text_);
    if (!term.ok()) return term.status();
    return Node::MakeTerm(std::move(*term));
  }

  std::string_view text_;
  std::vector<RuleToken> tokens_;
  size_t next_ = 0;
};

size_t CountCharacters(std::string_view text) {
  size_t n = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

}  // namespace

Result<Rule> ParseRule(std::string_view text) {
  if (CountCharacters(text) > kMaxRuleLength) {
    return Status::InvalidArgument("Rule length exceeds 2048 characters");
  }
  Result<std::vector<RuleToken>> tokens = LexRule(text);
  if (!tokens.ok()) return tokens.status();
  return Parser(text, std::move(*tokens)).Run();
}

Status ValidateTag(std::string_view tag) {
  if (CountCharacters(tag) > kMaxTagLength) {
    return Status::InvalidArgument("Tag length exceeds 255 characters");
  }
  return Status::Ok();
}

}  // namespace sluice::rules
