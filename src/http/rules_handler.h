// The enterprise Rules API's requests (SPEC §2; docs/rules-api.md): which operation a request
// names, and running it against a stream's RuleStore.
#pragma once

#include <boost/beast/http/verb.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "base/metrics.h"
#include "http/responses.h"
#include "http/route.h"
#include "stream/rule_store.h"

namespace sluice {

class Stream;

// One PowerTrack stream's rules as the server holds them. The pointers outlive the server's
// handlers (the server's wiring owns what they point to).
struct StreamRules {
  Stream* stream = nullptr;
  rules::RuleStore* store = nullptr;
  Gauge* rule_count = nullptr;    // sluice_stream_rules
  Gauge* memory_bytes = nullptr;  // sluice_stream_rules_memory_bytes

  // Hands the store's current set to the stream (its connections match with it from their next
  // batch on) and updates the rule count. Rules thread only.
  void Publish() const;
  // Sets memory_bytes from the current set unless it was measured already. RuleSet::MemoryBytes
  // walks every rule, so the server calls this on a timer rather than after each change (per
  // change it would double the cost of a request to a large set). Rules thread only.
  void MeasureMemory() const;

 private:
  mutable std::weak_ptr<const rules::RuleSet> measured_;
};

enum class RulesOperation { kList, kGetOne, kAdd, kDelete, kGetByIds, kValidate };

// The operation of a kRules, kRule or kRuleValidation request, or the error to answer (405 for
// a method the URL does not take, 400 for an unknown _method). Network thread or any.
struct RulesOperationDecision {
  std::optional<RulesOperation> operation;
  std::optional<HttpResponse> error;
};
RulesOperationDecision DecideRulesOperation(const Route& route, boost::beast::http::verb method,
                                            int64_t now_ms);

// Whether the operation reads a request body.
bool RulesOperationTakesBody(RulesOperation operation);

// Runs `operation` (parsing `body` when it takes one) and returns the complete response; after
// a change, publishes the new rules. REQUIRES: the rules thread (RuleStore is single-threaded).
HttpResponse RunRulesOperation(RulesOperation operation, const Route& route, std::string_view body,
                               const StreamRules& rules, int64_t now_ms);

}  // namespace sluice
