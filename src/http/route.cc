#include "http/route.h"

#include <vector>

namespace sluice {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t start = 1;  // skip the leading '/'
  while (start <= path.size()) {
    const size_t end = path.find('/', start);
    parts.push_back(path.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

QueryParams ParseQuery(std::string_view query) {
  QueryParams params;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    std::string key = PercentDecode(pair.substr(0, eq), true);
    std::string value =
        eq == std::string_view::npos ? std::string() : PercentDecode(pair.substr(eq + 1), true);
    params.emplace(std::move(key), std::move(value));
  }
  return params;
}

}  // namespace

std::string PercentDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      const int hi = HexValue(text[i + 1]);
      const int lo = HexValue(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += (plus_is_space && c == '+') ? ' ' : c;
  }
  return out;
}

Route ParseRoute(std::string_view target) {
  Route route;
  const size_t question = target.find('?');
  const std::string_view path = target.substr(0, question);
  if (question != std::string_view::npos) route.query = ParseQuery(target.substr(question + 1));
  if (path.empty() || path[0] != '/') return route;

  if (path == "/ingest") {
    route.kind = Route::Kind::kIngest;
    return route;
  }
  if (path == "/metrics") {
    route.kind = Route::Kind::kMetrics;
    return route;
  }
  if (path == "/healthz") {
    route.kind = Route::Kind::kHealth;
    return route;
  }
  if (path == "/recovery/jobs") {
    route.kind = Route::Kind::kRecoveryJobs;
    return route;
  }
  if (path == "/debug/clock") {
    route.kind = Route::Kind::kDebugClock;
    return route;
  }

  // /stream/{product}/accounts/{account}/publishers/twitter/{label}.json
  const std::vector<std::string_view> parts = SplitPath(path);
  // /metrics/usage/accounts/{account}.json
  if (parts.size() == 4 && parts[0] == "metrics" && parts[1] == "usage" && parts[2] == "accounts" &&
      parts[3].size() > 5 && parts[3].ends_with(".json")) {
    route.kind = Route::Kind::kUsage;
    route.account = PercentDecode(parts[3].substr(0, parts[3].size() - 5), false);
    return route;
  }
  // /rules/powertrack/accounts/{account}/publishers/twitter/{label}.json,
  // …/{label}/rules/{id}.json, …/{label}/validation.json
  if (parts.size() >= 7 && parts[0] == "rules" && parts[1] == "powertrack" &&
      parts[2] == "accounts" && parts[4] == "publishers" && parts[5] == "twitter") {
    if (parts.size() == 7 && parts[6].size() > 5 && parts[6].ends_with(".json")) {
      route.kind = Route::Kind::kRules;
      route.label = PercentDecode(parts[6].substr(0, parts[6].size() - 5), false);
    } else if (parts.size() == 8 && parts[7] == "validation.json") {
      route.kind = Route::Kind::kRuleValidation;
      route.label = PercentDecode(parts[6], false);
    } else if (parts.size() == 9 && parts[7] == "rules" && parts[8].size() > 5 &&
               parts[8].ends_with(".json")) {
      route.kind = Route::Kind::kRule;
      route.label = PercentDecode(parts[6], false);
      route.rule_id = PercentDecode(parts[8].substr(0, parts[8].size() - 5), false);
    } else {
      return route;
    }
    route.account = PercentDecode(parts[3], false);
    return route;
  }
  if (parts.size() == 7 && parts[0] == "stream" && parts[2] == "accounts" &&
      parts[4] == "publishers" && parts[5] == "twitter" && parts[6].size() > 5 &&
      parts[6].ends_with(".json")) {
    if (parts[1] == "powertrack") {
      route.stream_kind = StreamKind::kPowerTrack;
    } else if (parts[1] == "sample10") {
      route.stream_kind = StreamKind::kDecahose;
    } else if (parts[1] == "sample1") {
      route.stream_kind = StreamKind::kSample;
    } else {
      return route;
    }
    route.kind = Route::Kind::kEnterpriseStream;
    route.account = PercentDecode(parts[3], false);
    route.label = PercentDecode(parts[6].substr(0, parts[6].size() - 5), false);
  }
  return route;
}

}  // namespace sluice
