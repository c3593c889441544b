#include "stream/matching_rules.h"

#include <charconv>

#include "base/json_escape.h"

namespace sluice {
namespace {

bool IsJsonWhitespace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

void AppendRuleEntry(std::string& out, const rules::RuleRecord& rule) {
  out += "{\"tag\":";
  if (rule.tag) {
    out += '"';
    AppendJsonEscaped(out, *rule.tag, /*ascii_only=*/false);
    out += '"';
  } else {
    out += "null";
  }
  // Snowflake ids have 19 digits, past std::string's inline buffer: no allocation per entry.
  char digits[20];
  const std::string_view id(digits,
                            std::to_chars(digits, digits + sizeof digits, rule.id).ptr - digits);
  out += ",\"id\":";
  out += id;
  out += ",\"id_str\":\"";
  out += id;
  out += "\"}";
}

}  // namespace

void AppendAnnotatedPost(std::string& out, std::string_view post, const rules::RuleSet& set,
                         const std::vector<uint32_t>& matched) {
  size_t end = post.size();
  while (end > 0 && IsJsonWhitespace(post[end - 1])) --end;
  if (end == 0 || post[end - 1] != '}') {
    // Not an object: cannot happen for an archived post; deliver it as it is rather than
    // corrupt it.
    out.append(post);
    out += "\r\n";
    return;
  }
  size_t close = end - 1;
  size_t last = close;  // the last significant character before the brace
  while (last > 0 && IsJsonWhitespace(post[last - 1])) --last;
  const bool empty_object = last > 0 && post[last - 1] == '{';
  out.append(post.substr(0, close));
  out += empty_object ? "\"matching_rules\":[" : ",\"matching_rules\":[";
  for (size_t i = 0; i < matched.size(); ++i) {
    if (i) out += ',';
    AppendRuleEntry(out, set.rules()[matched[i]]->record());
  }
  out += "]}\r\n";
}

}  // namespace sluice
