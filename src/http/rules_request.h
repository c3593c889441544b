// The enterprise Rules API's bodies (SPEC §2, docs/rules-api.md): reading request bodies and
// writing response bodies. Pure functions: safe on any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "rules/rule_set.h"
#include "stream/rule_store.h"

namespace sluice {

// The largest request body of a rules route (SPEC §5): 413 beyond.
inline constexpr uint64_t kMaxRulesBodyBytes = 5 << 20;

// {"rules":[{"value":"…","tag":"…"|null},…]} (add, validate). Errors: InvalidArgument naming
// what is wrong: not JSON, not an object, no "rules" array, an empty one, an element that is not
// an object, a missing or non-string value, a tag neither string nor null. Rule text itself is
// not checked here (that is the store's per-rule verdict).
Result<std::vector<rules::RuleInput>> ParseRulesBody(std::string_view body);

// A delete: by value ({"rules":[{"value":…}]}) or by id ({"rule_ids":[…]}), not both.
struct DeleteRulesBody {
  bool by_ids = false;
  std::vector<std::string> values;
  std::vector<uint64_t> ids;
};
Result<DeleteRulesBody> ParseDeleteRulesBody(std::string_view body);

// {"rule_ids":[…]}: ids as JSON integers or decimal strings. Errors as ParseRulesBody.
Result<std::vector<uint64_t>> ParseRuleIdsBody(std::string_view body);

// A rule id as written in a URL or a body: decimal digits, no sign, fits in 64 bits.
Result<uint64_t> ParseRuleId(std::string_view text);

// {"summary":{"created":n,"not_created":m},"detail":[{"rule":{…},"created":b,"message"?:…}],
//  "sent":…}
std::string RenderAddRules(const rules::AddRulesResult& result, int64_t now_ms);
// {"summary":{"deleted":n,"not_deleted":m},"detail":[{"rule":{…},"deleted":b,…}],"sent":…}
std::string RenderDeleteRules(const rules::DeleteRulesResult& result, int64_t now_ms);
// {"summary":{"valid":n,"not_valid":m},"detail":[{"rule":{…},"valid":b,…}],"sent":…}
std::string RenderValidateRules(const rules::ValidateRulesResult& result, int64_t now_ms);
// {"rules":[{"value":…,"tag":…,"id":N,"id_str":"N"},…],"sent":…}
std::string RenderRuleList(const std::vector<rules::RuleRecord>& rules, int64_t now_ms);
std::string RenderRuleList(const std::vector<std::shared_ptr<const rules::CompiledRule>>& rules,
                           int64_t now_ms);

}  // namespace sluice
