// The `matching_rules` annotation of a PowerTrack post (SPEC §3): the post's bytes as ingested,
// with one top-level member added before its closing brace —
//   {…post…,"matching_rules":[{"tag":"t","id":123,"id_str":"123"},…]}\r\n
// Sluice never re-serialises a post (SPEC §1): only the closing brace is moved.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rules/rule_set.h"

namespace sluice {

// Appends `post` annotated with the rules of `set` at positions `matched`, then "\r\n".
// REQUIRES: `post` is a JSON object (the archive holds nothing else); `matched` non-empty.
void AppendAnnotatedPost(std::string& out, std::string_view post, const rules::RuleSet& set,
                         const std::vector<uint32_t>& matched);

}  // namespace sluice
