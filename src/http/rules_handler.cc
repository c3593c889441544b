#include "http/rules_handler.h"

#include "http/rules_request.h"
#include "stream/stream.h"

namespace sluice {

namespace http = boost::beast::http;

namespace {

HttpResponse BadRequest(const Status& status, int64_t now_ms) {
  return EnterpriseError(http::status::bad_request, status.message(), now_ms);
}

// A store that could not make a change durable: nothing of the request was applied in memory;
// the log may or may not hold it (the store refuses further changes until a restart).
HttpResponse StoreFailure(const Status& status, int64_t now_ms) {
  if (status.code() == StatusCode::kResourceExhausted) {
    return EnterpriseError(http::status::unprocessable_entity, status.message(), now_ms);
  }
  return EnterpriseError(http::status::internal_server_error,
                         "The rules could not be stored (" + status.message() +
                             "); nothing of this request was applied.",
                         now_ms);
}

HttpResponse MethodNotAllowed(http::verb method, std::string_view allowed, int64_t now_ms) {
  HttpResponse res =
      EnterpriseError(http::status::method_not_allowed,
                      "Method " + std::string(http::to_string(method)) +
                          " is not allowed here; this URL takes " + std::string(allowed) + ".",
                      now_ms);
  res.set(http::field::allow, allowed);
  return res;
}

RulesOperationDecision Op(RulesOperation operation) {
  RulesOperationDecision d;
  d.operation = operation;
  return d;
}

RulesOperationDecision Fail(HttpResponse response) {
  RulesOperationDecision d;
  d.error = std::move(response);
  return d;
}

}  // namespace

void StreamRules::Publish() const {
  std::shared_ptr<const rules::RuleSet> current = store->current();
  if (rule_count) rule_count->Set(static_cast<int64_t>(current->size()));
  stream->SetRules(std::move(current));
}

void StreamRules::MeasureMemory() const {
  std::shared_ptr<const rules::RuleSet> current = store->current();
  if (!memory_bytes || measured_.lock() == current) return;
  memory_bytes->Set(static_cast<int64_t>(current->MemoryBytes()));
  measured_ = current;
}

RulesOperationDecision DecideRulesOperation(const Route& route, http::verb method, int64_t now_ms) {
  switch (route.kind) {
    case Route::Kind::kRules: {
      if (method == http::verb::get) return Op(RulesOperation::kList);
      if (method == http::verb::delete_) return Op(RulesOperation::kDelete);
      if (method != http::verb::post)
        return Fail(MethodNotAllowed(method, "GET, POST, DELETE", now_ms));
      auto it = route.query.find("_method");
      if (it == route.query.end()) return Op(RulesOperation::kAdd);
      if (it->second == "delete") return Op(RulesOperation::kDelete);
      if (it->second == "get") return Op(RulesOperation::kGetByIds);
      return Fail(EnterpriseError(http::status::bad_request,
                                  "Unknown _method '" + it->second.substr(0, 32) +
                                      "': use _method=delete or _method=get, or none to add rules.",
                                  now_ms));
    }
    case Route::Kind::kRule:
      if (method == http::verb::get) return Op(RulesOperation::kGetOne);
      return Fail(MethodNotAllowed(method, "GET", now_ms));
    case Route::Kind::kRuleValidation:
      if (method == http::verb::post) return Op(RulesOperation::kValidate);
      return Fail(MethodNotAllowed(method, "POST", now_ms));
    default:
      return Fail(EnterpriseError(http::status::not_found, "No such endpoint.", now_ms));
  }
}

bool RulesOperationTakesBody(RulesOperation operation) {
  return operation != RulesOperation::kList && operation != RulesOperation::kGetOne;
}

HttpResponse RunRulesOperation(RulesOperation operation, const Route& route, std::string_view body,
                               const StreamRules& rules, int64_t now_ms) {
  rules::RuleStore& store = *rules.store;
  switch (operation) {
    case RulesOperation::kList:
      return JsonResponse(http::status::ok, RenderRuleList(store.current()->rules(), now_ms));
    case RulesOperation::kGetOne: {
      Result<uint64_t> id = ParseRuleId(route.rule_id);
      if (!id.ok()) return BadRequest(id.status(), now_ms);
      std::optional<rules::RuleRecord> rule = store.Get(*id);
      if (!rule) {
        return EnterpriseError(http::status::not_found,
                               "Rule " + std::to_string(*id) + " does not exist in this stream.",
                               now_ms);
      }
      return JsonResponse(http::status::ok, RenderRuleList({*rule}, now_ms));
    }
    case RulesOperation::kAdd: {
      Result<std::vector<rules::RuleInput>> inputs = ParseRulesBody(body);
      if (!inputs.ok()) return BadRequest(inputs.status(), now_ms);
      Result<rules::AddRulesResult> added = store.Add(*inputs);
      if (!added.ok()) return StoreFailure(added.status(), now_ms);
      if (added->created > 0) rules.Publish();
      return JsonResponse(
          added->applied ? http::status::created : http::status::unprocessable_entity,
          RenderAddRules(*added, now_ms));
    }
    case RulesOperation::kDelete: {
      Result<DeleteRulesBody> request = ParseDeleteRulesBody(body);
      if (!request.ok()) return BadRequest(request.status(), now_ms);
      Result<rules::DeleteRulesResult> deleted =
          request->by_ids ? store.DeleteByIds(request->ids) : store.DeleteByValues(request->values);
      if (!deleted.ok()) return StoreFailure(deleted.status(), now_ms);
      if (deleted->deleted > 0) rules.Publish();
      return JsonResponse(http::status::ok, RenderDeleteRules(*deleted, now_ms));
    }
    case RulesOperation::kGetByIds: {
      Result<std::vector<uint64_t>> ids = ParseRuleIdsBody(body);
      if (!ids.ok()) return BadRequest(ids.status(), now_ms);
      return JsonResponse(http::status::ok, RenderRuleList(store.Get(*ids), now_ms));
    }
    case RulesOperation::kValidate: {
      Result<std::vector<rules::RuleInput>> inputs = ParseRulesBody(body);
      if (!inputs.ok()) return BadRequest(inputs.status(), now_ms);
      return JsonResponse(http::status::ok,
                          RenderValidateRules(rules::RuleStore::Validate(*inputs), now_ms));
    }
  }
  return EnterpriseError(http::status::internal_server_error, "Unknown rules operation.", now_ms);
}

}  // namespace sluice
