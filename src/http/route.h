// Route: what a request target names, before any authentication or lookup.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "config/server_config.h"

namespace sluice {

// Query parameters, percent-decoded. A repeated key keeps its first value.
using QueryParams = std::map<std::string, std::string, std::less<>>;

struct Route {
  enum class Kind {
    kNotFound,
    kEnterpriseStream,  // /stream/{powertrack|sample10|sample1}/accounts/{a}/publishers/twitter/{l}.json
    kIngest,            // /ingest
    kMetrics,           // /metrics
    kHealth,            // /healthz
    kUsage,             // /metrics/usage/accounts/{a}.json
    kRecoveryJobs,    // /recovery/jobs: the running recoveries of the caller's account
    kDebugClock,      // /debug/clock: moves a --manual-clock server's clock
    kRules,           // /rules/powertrack/accounts/{a}/publishers/twitter/{l}.json
    kRule,            // /rules/powertrack/accounts/{a}/publishers/twitter/{l}/rules/{id}.json
    kRuleValidation,  // /rules/powertrack/accounts/{a}/publishers/twitter/{l}/validation.json
  };
  Kind kind = Kind::kNotFound;
  StreamKind stream_kind = StreamKind::kPowerTrack;  // for kEnterpriseStream
  std::string account;
  std::string label;
  std::string rule_id;  // kRule: the {id} as written (the handler checks it)
  QueryParams query;
};

// Parses a request target ("/path?query"). Never fails: an unknown path is kNotFound, and a
// malformed percent-escape keeps the raw text (the handler rejects the value if it matters).
Route ParseRoute(std::string_view target);

// Percent-decodes `text` ('+' is a space in query strings).
std::string PercentDecode(std::string_view text, bool plus_is_space);

}  // namespace sluice
