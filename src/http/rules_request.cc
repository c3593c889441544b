#include "http/rules_request.h"

#include <simdjson.h>

#include <charconv>

#include "base/json_escape.h"
#include "base/time_format.h"

namespace sluice {
namespace {

namespace dom = simdjson::dom;

Status Invalid(std::string message) { return Status::InvalidArgument(std::move(message)); }

// The body's top-level object. `what` names the expected shape in the error.
Status ParseObject(dom::parser& parser, const simdjson::padded_string& padded,
                   std::string_view what, dom::object* object) {
  dom::element root;
  if (auto error = parser.parse(padded).get(root)) {
    return Invalid(std::string("The request body is not valid JSON (") +
                   simdjson::error_message(error) + "); expected " + std::string(what) + ".");
  }
  if (root.get_object().get(*object)) {
    return Invalid("The request body must be a JSON object: " + std::string(what) + ".");
  }
  return Status::Ok();
}

// The non-empty array `key` of `object`.
Status NonEmptyArray(dom::object object, std::string_view key, std::string_view what,
                     dom::array* array) {
  dom::element element;
  if (object[key].get(element)) {
    return Invalid("The request body has no \"" + std::string(key) + "\" array; expected " +
                   std::string(what) + ".");
  }
  if (element.get_array().get(*array)) {
    return Invalid("\"" + std::string(key) + "\" must be an array; expected " + std::string(what) +
                   ".");
  }
  if (array->size() == 0) return Invalid("\"" + std::string(key) + "\" must not be empty.");
  return Status::Ok();
}

constexpr std::string_view kRulesShape = R"({"rules":[{"value":"…","tag":"…"}]})";
constexpr std::string_view kIdsShape = R"({"rule_ids":[…]})";

Result<std::vector<rules::RuleInput>> ReadRules(dom::array array) {
  std::vector<rules::RuleInput> rules;
  rules.reserve(array.size());
  size_t index = 0;
  for (dom::element element : array) {
    const std::string at = "rules[" + std::to_string(index++) + "]";
    dom::object rule;
    if (element.get_object().get(rule)) return Invalid(at + " must be an object.");
    dom::element value;
    if (rule["value"].get(value)) return Invalid(at + " has no \"value\".");
    std::string_view text;
    if (value.get_string().get(text)) return Invalid(at + ".value must be a string.");
    rules::RuleInput input;
    input.value.assign(text);
    dom::element tag;
    if (!rule["tag"].get(tag) && !tag.is_null()) {
      std::string_view tag_text;
      if (tag.get_string().get(tag_text)) return Invalid(at + ".tag must be a string or null.");
      input.tag.emplace(tag_text);
    }
    rules.push_back(std::move(input));
  }
  return rules;
}

Result<std::vector<uint64_t>> ReadIds(dom::array array) {
  std::vector<uint64_t> ids;
  ids.reserve(array.size());
  size_t index = 0;
  for (dom::element element : array) {
    const std::string at = "rule_ids[" + std::to_string(index++) + "]";
    uint64_t id = 0;
    std::string_view text;
    if (!element.get_uint64().get(id)) {
      ids.push_back(id);
    } else if (!element.get_string().get(text)) {
      Result<uint64_t> parsed = ParseRuleId(text);
      if (!parsed.ok()) return Invalid(at + ": " + parsed.status().message());
      ids.push_back(*parsed);
    } else {
      return Invalid(at + " must be a rule id (a non-negative integer or a string of digits).");
    }
  }
  return ids;
}

void AppendRule(std::string& out, const rules::RuleRecord& rule, bool has_value, bool has_id) {
  out += "{";
  bool first = true;
  if (has_value) {
    out += "\"value\":\"";
    AppendJsonEscaped(out, rule.value, false);
    out += "\",\"tag\":";
    if (rule.tag) {
      out += '"';
      AppendJsonEscaped(out, *rule.tag, false);
      out += '"';
    } else {
      out += "null";
    }
    first = false;
  }
  if (has_id) {
    const std::string id = std::to_string(rule.id);
    if (!first) out += ',';
    out += "\"id\":" + id + ",\"id_str\":\"" + id + "\"";
  }
  out += "}";
}

void AppendSent(std::string& out, int64_t now_ms) {
  out += ",\"sent\":\"" + FormatSentTime(now_ms) + "\"}";
}

// The shape the add, delete and validate answers share; `verdict` names the per-rule boolean.
std::string RenderOutcomes(std::string_view ok_name, int ok_count, std::string_view not_ok_name,
                           int not_ok_count, std::string_view verdict,
                           const std::vector<rules::RuleOutcome>& detail, int64_t now_ms) {
  std::string out = "{\"summary\":{\"" + std::string(ok_name) + "\":" + std::to_string(ok_count) +
                    ",\"" + std::string(not_ok_name) + "\":" + std::to_string(not_ok_count) +
                    "},\"detail\":[";
  out.reserve(out.size() + detail.size() * 96);
  for (size_t i = 0; i < detail.size(); ++i) {
    const rules::RuleOutcome& outcome = detail[i];
    if (i) out += ',';
    out += "{\"rule\":";
    AppendRule(out, outcome.rule, outcome.has_value, outcome.has_id);
    out += ",\"" + std::string(verdict) + "\":" + (outcome.ok ? "true" : "false");
    if (!outcome.message.empty()) {
      out += ",\"message\":\"";
      AppendJsonEscaped(out, outcome.message, false);
      out += '"';
    }
    out += '}';
  }
  out += ']';
  AppendSent(out, now_ms);
  out += '\n';
  return out;
}

// {"rules":[…],"sent":…} of any sequence of rules; `record_of` gives each one's RuleRecord.
template <typename Rules, typename RecordOf>
std::string RenderList(const Rules& rules, RecordOf record_of, int64_t now_ms) {
  std::string out = "{\"rules\":[";
  out.reserve(out.size() + rules.size() * 96);
  bool first = true;
  for (const auto& rule : rules) {
    if (!first) out += ',';
    first = false;
    AppendRule(out, record_of(rule), true, true);
  }
  out += ']';
  AppendSent(out, now_ms);
  out += '\n';
  return out;
}

}  // namespace

Result<uint64_t> ParseRuleId(std::string_view text) {
  uint64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return Invalid("'" + std::string(text.substr(0, 32)) +
                   "' is not a rule id (decimal digits of a 64-bit id).");
  }
  return id;
}

Result<std::vector<rules::RuleInput>> ParseRulesBody(std::string_view body) {
  dom::parser parser;
  const simdjson::padded_string padded(body);
  dom::object object;
  SLUICE_RETURN_IF_ERROR(ParseObject(parser, padded, kRulesShape, &object));
  dom::array array;
  SLUICE_RETURN_IF_ERROR(NonEmptyArray(object, "rules", kRulesShape, &array));
  return ReadRules(array);
}

Result<DeleteRulesBody> ParseDeleteRulesBody(std::string_view body) {
  dom::parser parser;
  const simdjson::padded_string padded(body);
  constexpr std::string_view kShape = R"({"rules":[{"value":"…"}]} or {"rule_ids":[…]})";
  dom::object object;
  SLUICE_RETURN_IF_ERROR(ParseObject(parser, padded, kShape, &object));
  dom::element unused;
  const bool has_rules = !object["rules"].get(unused);
  const bool has_ids = !object["rule_ids"].get(unused);
  if (has_rules == has_ids) {
    return Invalid(std::string(has_rules ? "Send either \"rules\" or \"rule_ids\", not both"
                                         : "The request body has neither \"rules\" nor "
                                           "\"rule_ids\"") +
                   "; expected " + std::string(kShape) + ".");
  }
  DeleteRulesBody request;
  dom::array array;
  if (has_ids) {
    SLUICE_RETURN_IF_ERROR(NonEmptyArray(object, "rule_ids", kShape, &array));
    Result<std::vector<uint64_t>> ids = ReadIds(array);
    if (!ids.ok()) return ids.status();
    request.by_ids = true;
    request.ids = std::move(*ids);
    return request;
  }
  SLUICE_RETURN_IF_ERROR(NonEmptyArray(object, "rules", kShape, &array));
  Result<std::vector<rules::RuleInput>> rules = ReadRules(array);
  if (!rules.ok()) return rules.status();
  request.values.reserve(rules->size());
  for (auto& rule : *rules) request.values.push_back(std::move(rule.value));
  return request;
}

Result<std::vector<uint64_t>> ParseRuleIdsBody(std::string_view body) {
  dom::parser parser;
  const simdjson::padded_string padded(body);
  dom::object object;
  SLUICE_RETURN_IF_ERROR(ParseObject(parser, padded, kIdsShape, &object));
  dom::array array;
  SLUICE_RETURN_IF_ERROR(NonEmptyArray(object, "rule_ids", kIdsShape, &array));
  return ReadIds(array);
}

std::string RenderAddRules(const rules::AddRulesResult& result, int64_t now_ms) {
  return RenderOutcomes("created", result.created, "not_created", result.not_created, "created",
                        result.detail, now_ms);
}

std::string RenderDeleteRules(const rules::DeleteRulesResult& result, int64_t now_ms) {
  return RenderOutcomes("deleted", result.deleted, "not_deleted", result.not_deleted, "deleted",
                        result.detail, now_ms);
}

std::string RenderValidateRules(const rules::ValidateRulesResult& result, int64_t now_ms) {
  return RenderOutcomes("valid", result.valid, "not_valid", result.not_valid, "valid",
                        result.detail, now_ms);
}

std::string RenderRuleList(const std::vector<rules::RuleRecord>& rules, int64_t now_ms) {
  return RenderList(
      rules, [](const rules::RuleRecord& rule) -> const auto& { return rule; }, now_ms);
}

std::string RenderRuleList(const std::vector<std::shared_ptr<const rules::CompiledRule>>& rules,
                           int64_t now_ms) {
  return RenderList(
      rules, [](const auto& rule) -> const rules::RuleRecord& { return rule->record(); }, now_ms);
}

}  // namespace sluice
