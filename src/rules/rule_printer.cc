#include "rules/rule_printer.h"

namespace sluice::rules {
namespace {

std::string Quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

bool NeedsQuotes(std::string_view text) {
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '(' || c == ')' ||
        c == '"') {
      return true;
    }
  }
  return false;
}

void Print(const Node& node, std::string* out) {
  switch (node.kind) {
    case NodeKind::kTerm:
      *out += PrintTerm(node.term);
      return;
    case NodeKind::kNot:
      out->push_back('-');
      Print(node.children[0], out);
      return;
    case NodeKind::kGroup:
      out->push_back('(');
      Print(node.children[0], out);
      out->push_back(')');
      return;
    case NodeKind::kAnd:
    case NodeKind::kOr:
      for (size_t i = 0; i < node.children.size(); ++i) {
        if (i > 0) *out += node.kind == NodeKind::kAnd ? " " : " OR ";
        Print(node.children[i], out);
      }
      return;
  }
}

}  // namespace

std::string PrintTerm(const Term& term) {
  switch (term.kind) {
    case TermKind::kKeyword:
      return term.text;
    case TermKind::kPhrase:
      return Quote(term.text);
    case TermKind::kProximity:
      return Quote(term.text) + "~" + std::to_string(term.proximity);
    default: {
      std::string out(TermPrefix(term.kind));
      const bool bracketed =
          term.kind == TermKind::kPointRadius || term.kind == TermKind::kBoundingBox;
      out += !bracketed && NeedsQuotes(term.text) ? Quote(term.text) : term.text;
      return out;
    }
  }
}

std::string PrintRule(const Rule& rule) {
  std::string out;
  Print(rule.root, &out);
  return out;
}

}  // namespace sluice::rules
