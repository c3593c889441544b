// Canonical text of a rule: ParseRule(PrintRule(r)) yields a Rule equal to r.
#pragma once

#include <string>

#include "rules/rule_ast.h"

namespace sluice::rules {

// Single spaces between AND clauses, " OR " between OR operands, "-" glued to its clause,
// groups in parentheses, operator values as written (quoted only when they must be).
// REQUIRES: `rule` has the shape ParseRule produces (see NodeKind).
std::string PrintRule(const Rule& rule);

// One term alone, e.g. `from:"jack"` prints as `from:jack`.
std::string PrintTerm(const Term& term);

}  // namespace sluice::rules
