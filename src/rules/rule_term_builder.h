// Turns one word, phrase or operator token into a validated, typed Term.
#pragma once

#include <string_view>

#include "base/status.h"
#include "rules/rule_ast.h"
#include "rules/rule_lexer.h"

namespace sluice::rules {

// REQUIRES: token.kind is kWord, kQuoted or kOperator. `rule_text` is the whole rule, for error
// positions. Errors are InvalidArgument: unknown operator, missing or malformed value, value out
// of range.
Result<Term> BuildTerm(const RuleToken& token, std::string_view rule_text);

}  // namespace sluice::rules
