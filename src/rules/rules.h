// The rules subsystem: PowerTrack rule language (docs/rule-language.md).
//
//   Result<Rule> rule = ParseRule("(cat OR dog) -from:jack lang:en");
//   std::string canonical = PrintRule(*rule);
#pragma once

#include "rules/rule_ast.h"      // IWYU pragma: export
#include "rules/rule_parser.h"   // IWYU pragma: export
#include "rules/rule_printer.h"  // IWYU pragma: export
