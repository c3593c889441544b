// Parses and validates PowerTrack rule text (docs/rule-language.md).
#pragma once

#include <string_view>

#include "base/status.h"
#include "rules/rule_ast.h"

namespace sluice::rules {

inline constexpr size_t kMaxRuleLength = 2048;  // characters (UTF-8 code points)
inline constexpr size_t kMaxTagLength = 255;
inline constexpr int kMaxProximity = 6;

// Parses `text` into a validated Rule. Errors are InvalidArgument with a PowerTrack-style
// message ending in " (at position N)", N a 1-based character position; see the doc for the
// list. Thread-safe (no shared state).
Result<Rule> ParseRule(std::string_view text);

// Ok unless `tag` is longer than kMaxTagLength characters (InvalidArgument).
Status ValidateTag(std::string_view tag);

}  // namespace sluice::rules
