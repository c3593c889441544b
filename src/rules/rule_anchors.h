// The index keys of a rule (match_keys.h): its anchor set.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "rules/key_frequencies.h"
#include "rules/match_keys.h"
#include "rules/rule_ast.h"

namespace sluice::rules {

// An anchor key with the prefilter of the path through the rule that leads to it: up to two
// clauses of one or two keys each (PrefilterBit positions, 16 bits each: clause one in the low
// 32 bits, its alternatives in the low and high half; 0 = none) that every post matching the rule
// through this anchor satisfies — the other words of a phrase, the other terms of its AND, a
// sibling OR group. The index tests them against a post's keys before it verifies a candidate:
// a rule found through one common word is rejected at once when its other words are missing.
struct FilteredAnchor {
  uint64_t key;
  uint64_t prefilter;
  bool operator==(const FilteredAnchor&) const = default;
};

// Keys such that every post `rule` matches has at least one of them (a term gives its most
// selective key; AND the cheapest child's; OR the union; negations none), each with its
// prefilter; a key reached on two paths gets no prefilter (either path may be the one that
// matches). nullopt: no such set (the rule must be checked against every post). Empty: the
// rule can never match. Costs are the measured shares of `frequencies` when given, else guesses
// from the keys themselves; whether a set exists does not depend on them.
std::optional<std::vector<FilteredAnchor>> RuleFilteredAnchors(
    const Rule& rule, const KeyFrequencyTable* frequencies = nullptr);

// The flag a has:/is: term tests; nullopt for other terms.
std::optional<MatchFlag> FlagOfTerm(const Term& term);

}  // namespace sluice::rules
