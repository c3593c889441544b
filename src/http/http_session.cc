#include "http/http_session.h"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <charconv>

#include "base/time_format.h"
#include "http/rules_handler.h"
#include "http/rules_request.h"
#include "http/stream_request.h"
#include "http/usage_request.h"

namespace sluice {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

constexpr std::chrono::seconds kBodyTimeout{120};

// Closes the newest connections of `channel` if it is still over its limit when the grace
// period of an over-limit admission ends (SPEC §4).
void ScheduleLimitCheck(asio::any_io_executor executor, Channel& channel,
                        std::chrono::milliseconds grace) {
  auto timer = std::make_shared<asio::steady_timer>(executor, grace);
  timer->async_wait([timer, &channel](const boost::system::error_code& ec) {
    if (ec) return;
    for (const auto& subscriber : channel.EnforceLimit()) {
      subscriber->Disconnect(DisconnectReason::kTooManyConnections);
    }
  });
}

// A key naming exactly these fields: each is length-prefixed, so no two different tuples (a
// user name may contain any byte) can share a key and so share a verdict.
std::string CheckKey(std::initializer_list<std::string_view> fields) {
  std::string key;
  for (std::string_view field : fields) {
    key += std::to_string(field.size());
    key += ':';
    key += field;
  }
  return key;
}

std::string IngestBody(const NdjsonResult& result) {
  std::string body = "{\"accepted\":" + std::to_string(result.accepted) +
                     ",\"rejected\":" + std::to_string(result.rejected) + ",\"errors\":[";
  for (size_t i = 0; i < result.errors.size(); ++i) {
    if (i) body += ',';
    body += "{\"line\":" + std::to_string(result.errors[i].line) +
            ",\"message\":" + JsonQuote(result.errors[i].message) + "}";
  }
  body += "]}\n";
  return body;
}

}  // namespace

HttpSession::HttpSession(asio::ip::tcp::socket socket, ServerContext& context)
    : stream_(std::move(socket)), context_(context) {
  context_.open_sockets.fetch_add(1, std::memory_order_relaxed);
  context_.http_metrics.open_sockets->Add(1);
}

HttpSession::~HttpSession() {
  context_.open_sockets.fetch_sub(1, std::memory_order_relaxed);
  context_.http_metrics.open_sockets->Add(-1);
}

void HttpSession::Start() { ReadHeader(); }

void HttpSession::ReadHeader() {
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(context_.config.max_header_bytes));
  // Beast checks a declared Content-Length against this while parsing the header, so it is
  // the largest body any route takes; OnHeader applies the route's own limit, and routes that
  // take none refuse one there.
  parser_->body_limit(LargestBodyLimit());
  stream_.expires_after(std::chrono::milliseconds(context_.config.header_timeout_ms));
  http::async_read_header(stream_, buffer_, *parser_,
                          [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
                            self->OnHeader(ec);
                          });
}

void HttpSession::OnHeader(const boost::system::error_code& ec) {
  if (ec == http::error::header_limit) {
    Respond(EnterpriseError(
        http::status::request_header_fields_too_large,
        "Request headers exceed " + std::to_string(context_.config.max_header_bytes) + " bytes.",
        context_.clock.NowMs()));
    return;
  }
  if (ec == http::error::body_limit) {
    // A declared length over the largest limit of any route.
    RespondBodyTooLarge(LargestBodyLimit());
    return;
  }
  if (ec) return;  // timeout, EOF or garbage: drop the socket
  context_.http_metrics.requests->Add(1);
  route_ = ParseRoute(std::string_view(parser_->get().target()));
  const auto method = parser_->get().method();
  const bool rules_body =
      (route_.kind == Route::Kind::kRules || route_.kind == Route::Kind::kRuleValidation) &&
      (method == http::verb::post || method == http::verb::delete_);
  if ((route_.kind == Route::Kind::kIngest && method == http::verb::post) || rules_body) {
    // The header was checked against the largest limit of any route; this route's own limit
    // applies to a declared length at once and to a chunked body as it arrives.
    if (parser_->content_length().value_or(0) > BodyLimit()) {
      RespondBodyTooLarge(BodyLimit());
      return;
    }
    parser_->body_limit(BodyLimit());
    stream_.expires_after(kBodyTimeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
                       self->OnBody(ec);
                     });
    return;
  }
  if (!parser_->is_done()) {
    // Only ingest takes a body; reading it here would only be a way to tie up the server.
    if (parser_->content_length().value_or(1) != 0 || parser_->chunked()) {
      Respond(EnterpriseError(http::status::payload_too_large,
                              "This endpoint takes no request body.", context_.clock.NowMs()));
      return;
    }
  }
  Dispatch();
}

void HttpSession::OnBody(const boost::system::error_code& ec) {
  if (ec == http::error::body_limit) {
    RespondBodyTooLarge(BodyLimit());
    return;
  }
  if (ec) return;
  Dispatch();
}

uint64_t HttpSession::LargestBodyLimit() const {
  return std::max<uint64_t>(context_.config.max_ingest_body_bytes, kMaxRulesBodyBytes);
}

uint64_t HttpSession::BodyLimit() const {
  return route_.kind == Route::Kind::kIngest ? context_.config.max_ingest_body_bytes
                                             : kMaxRulesBodyBytes;
}

void HttpSession::RespondBodyTooLarge(uint64_t limit) {
  Respond(EnterpriseError(
      http::status::payload_too_large,
      "The request body exceeds " + std::to_string(limit) + " bytes; send it in smaller requests.",
      context_.clock.NowMs()));
}

void HttpSession::Dispatch() {
  const auto method = parser_->get().method();
  const int64_t now = context_.clock.NowMs();
  switch (route_.kind) {
    case Route::Kind::kEnterpriseStream:
      if (method != http::verb::get) break;
      HandleStream();
      return;
    case Route::Kind::kIngest:
      if (method != http::verb::post) break;
      HandleIngest();
      return;
    case Route::Kind::kMetrics:
      if (method != http::verb::get) break;
      Respond(TextResponse(http::status::ok,
                           context_.metrics.Render() + context_.recovery_jobs.RenderMetrics(),
                           "text/plain; version=0.0.4; charset=utf-8"));
      return;
    case Route::Kind::kUsage:
      if (method != http::verb::get) break;
      HandleUsage();
      return;
    case Route::Kind::kRecoveryJobs:
      if (method != http::verb::get) break;
      HandleRecoveryJobs();
      return;
    case Route::Kind::kDebugClock:
      if (!context_.manual_clock) {
        Respond(EnterpriseError(http::status::not_found, "No such endpoint.", now));
        return;
      }
      if (method != http::verb::post) break;
      HandleDebugClock();
      return;
    case Route::Kind::kRules:
    case Route::Kind::kRule:
    case Route::Kind::kRuleValidation:
      HandleRules();
      return;
    case Route::Kind::kHealth:
      Respond(JsonResponse(http::status::ok, "{\"status\":\"ok\"}\n"));
      return;
    case Route::Kind::kNotFound:
      Respond(EnterpriseError(http::status::not_found, "No such endpoint.", now));
      return;
  }
  Respond(EnterpriseError(
      http::status::method_not_allowed,
      "Method " + std::string(parser_->get().method_string()) + " is not allowed here.", now));
}

void HttpSession::CheckOffThread(std::string key, std::function<int()> check,
                                 std::function<void(int)> then) {
  auto waiter = [self = shared_from_this(), then = std::move(then)](int result) { then(result); };
  auto& pending = context_.pending_checks;
  if (auto it = pending.find(key); it != pending.end()) {
    it->second.push_back(std::move(waiter));
    return;
  }
  if (pending.size() >= ServerContext::kMaxPendingChecks) {
    HttpResponse res = EnterpriseError(http::status::service_unavailable,
                                       "Too many authentications in progress; retry shortly.",
                                       context_.clock.NowMs());
    res.set(http::field::retry_after, "1");
    Respond(std::move(res));
    return;
  }
  pending[key].push_back(std::move(waiter));
  asio::post(context_.auth_pool, [context = &context_, executor = stream_.get_executor(),
                                  key = std::move(key), check = std::move(check)]() mutable {
    const int result = check();
    asio::post(executor, [context, key = std::move(key), result] {
      auto node = context->pending_checks.extract(key);
      for (auto& waiter : node.mapped()) waiter(result);
    });
  });
}

void HttpSession::AuthenticateForAccount(std::function<void(StreamAuth)> then) {
  auto credentials =
      ParseBasicAuthorization(std::string_view(parser_->get()[http::field::authorization]));
  if (std::optional<StreamAuth> cached = CachedStreamAuth(route_, credentials, context_.registry)) {
    then(*cached);
    return;
  }
  // CachedStreamAuth answered every request without credentials.
  std::string key = CheckKey({"stream", route_.account, credentials->user, credentials->password});
  CheckOffThread(
      std::move(key),
      [route = route_, credentials = std::move(credentials), &registry = context_.registry] {
        return static_cast<int>(AuthenticateStreamRequest(route, credentials, registry));
      },
      [then = std::move(then)](int auth) { then(static_cast<StreamAuth>(auth)); });
}

void HttpSession::HandleStream() {
  AuthenticateForAccount([this](StreamAuth auth) { ContinueStream(auth); });
}

void HttpSession::ContinueStream(StreamAuth auth) {
  const auto& request = parser_->get();
  StreamRequestHeaders headers{std::string_view(request[http::field::accept_encoding])};
  StreamDecision decision = DecideStreamRequest(route_, headers, auth, context_);
  if (decision.error) {
    Respond(std::move(*decision.error));
    return;
  }
  const StreamAdmission admission = *decision.admission;
  handed_over_ = true;
  stream_.expires_never();
  StreamConnectionOptions options;
  options.heartbeat = std::chrono::milliseconds(context_.config.heartbeat_ms);
  options.write_timeout = std::chrono::milliseconds(context_.config.write_timeout_ms);
  options.slow_reader_bytes = context_.config.slow_reader_bytes;
  auto connection = std::make_shared<StreamConnection>(
      stream_.release_socket(), *admission.stream, *admission.channel, admission.gzip, options,
      context_.clock, context_.stream_connections,
      context_.ServicesFor(*admission.stream, admission.channel_index));
  const ReplayRequest& replay = admission.replay;
  std::optional<ReplayPlan> plan;
  if (replay.kind != ReplayRequest::Kind::kNone) {
    const int64_t now = context_.clock.NowMs();
    plan.emplace();
    int64_t start_ms = now - int64_t{replay.backfill_minutes} * 60'000;
    std::optional<int64_t> end_ms;
    if (replay.kind == ReplayRequest::Kind::kRecovery) {
      plan->kind = ReplayPlan::Kind::kRecovery;
      start_ms = replay.start_ms;
      end_ms = replay.end_ms;
      plan->end_time_ms = replay.end_ms;
      const int partition =
          admission.stream->kind() == StreamKind::kDecahose ? admission.channel_index + 1 : 0;
      plan->info = context_.recovery_jobs.Start(admission.stream, partition, replay.start_ms,
                                                replay.end_ms, now);
      plan->info->connection = connection;
    }
    plan->job =
        std::make_shared<ReplayJob>(context_.archive_dir, context_.archive_index, *admission.stream,
                                    admission.channel_index, start_ms, end_ms, admission.gzip);
  }
  if (replay.kind == ReplayRequest::Kind::kRecovery) {
    connection->Start(std::move(plan));  // never in the channel: no live chunks, no limit
    return;
  }
  const Channel::Admission result = admission.channel->Admit(connection);
  connection->Start(std::move(plan));
  if (result == Channel::Admission::kAdmittedInGrace) {
    ScheduleLimitCheck(stream_.get_executor(), *admission.channel,
                       std::chrono::milliseconds(context_.config.connection_grace_ms));
  }
}

void HttpSession::HandleUsage() {
  AuthenticateForAccount([this](StreamAuth auth) {
    const int64_t now = context_.clock.NowMs();
    if (auth == StreamAuth::kUnauthorized) return Respond(Unauthorized(now));
    if (auth == StreamAuth::kOtherAccount) {
      return Respond(
          EnterpriseError(http::status::not_found, "No usage at this URL for your account.", now));
    }
    Result<UsageQuery> query = ParseUsageQuery(route_.query, now);
    if (!query.ok()) {
      return Respond(EnterpriseError(http::status::bad_request, query.status().message(), now));
    }
    std::vector<StreamUsageRows> rows;
    if (context_.usage) {
      rows = context_.usage->QueryAccount(route_.account, query->from_ms, query->to_ms);
    }
    Respond(JsonResponse(http::status::ok, RenderUsage(route_.account, *query, rows, now)));
  });
}

void HttpSession::HandleRecoveryJobs() {
  auto credentials =
      ParseBasicAuthorization(std::string_view(parser_->get()[http::field::authorization]));
  if (!credentials) {
    Respond(Unauthorized(context_.clock.NowMs()));
    return;
  }
  std::string key = CheckKey({"account-of", credentials->user, credentials->password});
  CheckOffThread(
      std::move(key),
      [credentials = std::move(*credentials), &registry = context_.registry] {
        return registry.OrdinalOf(registry.AuthenticateAny(credentials.user, credentials.password));
      },
      [this](int ordinal) {
        const int64_t now = context_.clock.NowMs();
        Account* account = context_.registry.AccountByOrdinal(ordinal);
        if (!account) return Respond(Unauthorized(now));
        Respond(
            JsonResponse(http::status::ok, context_.recovery_jobs.RenderJson(account->name, now)));
      });
}

void HttpSession::HandleDebugClock() {
  auto credentials =
      ParseBasicAuthorization(std::string_view(parser_->get()[http::field::authorization]));
  const int64_t now = context_.clock.NowMs();
  // Ingest credentials: whoever may feed the archive may also say what time it is. A first
  // check hashes here, on the network thread: tolerable only because the endpoint exists only
  // on a --manual-clock (test) server.
  if (!credentials ||
      (!context_.ingest_users.VerifiedRecently(credentials->user, credentials->password) &&
       !context_.ingest_users.Verify(credentials->user, credentials->password))) {
    Respond(Unauthorized(now));
    return;
  }
  if (auto advance = route_.query.find("advance_ms"); advance != route_.query.end()) {
    int64_t delta = 0;
    const auto& v = advance->second;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), delta);
    constexpr int64_t kMaxAdvanceMs = int64_t{366} * 24 * 3600 * 1000;  // a year per request
    if (ec != std::errc() || end != v.data() + v.size() || delta < 0 || delta > kMaxAdvanceMs) {
      Respond(EnterpriseError(
          http::status::bad_request,
          "advance_ms must be an integer from 0 to " + std::to_string(kMaxAdvanceMs) + " (a year).",
          now));
      return;
    }
    context_.manual_clock->AdvanceMs(delta);
  } else if (auto set = route_.query.find("set"); set != route_.query.end()) {
    Result<int64_t> t = ParseIsoTime(set->second);
    if (!t.ok() || *t < now) {
      Respond(EnterpriseError(http::status::bad_request,
                              "set must be a UTC time not before the clock's current time.", now));
      return;
    }
    context_.manual_clock->SetMs(*t);
  }
  const int64_t moved = context_.clock.NowMs();
  Respond(JsonResponse(http::status::ok, "{\"now\":\"" + FormatIsoMs(moved) +
                                             "\",\"now_ms\":" + std::to_string(moved) + "}\n"));
}

void HttpSession::HandleRules() {
  AuthenticateForAccount([this](StreamAuth auth) { ContinueRules(auth); });
}

void HttpSession::ContinueRules(StreamAuth auth) {
  const int64_t now = context_.clock.NowMs();
  if (auth == StreamAuth::kUnauthorized) return Respond(Unauthorized(now));
  if (auth == StreamAuth::kOtherAccount) {
    return Respond(
        EnterpriseError(http::status::not_found, "No rules at this URL for your account.", now));
  }
  Stream* stream = context_.registry.FindStream(route_.account, route_.label);
  if (!stream) {
    return Respond(EnterpriseError(
        http::status::not_found,
        "Account '" + route_.account + "' has no stream '" + route_.label + "'.", now));
  }
  auto rules = context_.rules_of.find(stream);
  if (stream->kind() != StreamKind::kPowerTrack || rules == context_.rules_of.end()) {
    return Respond(EnterpriseError(http::status::not_found,
                                   "Stream '" + route_.label + "' is a " +
                                       std::string(StreamKindName(stream->kind())) +
                                       " stream: only powertrack streams have rules.",
                                   now));
  }
  RulesOperationDecision decision = DecideRulesOperation(route_, parser_->get().method(), now);
  if (decision.error) return Respond(std::move(*decision.error));
  if (context_.rules_requests_pending >= ServerContext::kMaxPendingRulesRequests) {
    HttpResponse res = EnterpriseError(http::status::service_unavailable,
                                       "Too many rules requests in progress; retry shortly.", now);
    res.set(http::field::retry_after, "1");
    return Respond(std::move(res));
  }
  ++context_.rules_requests_pending;
  std::string body = RulesOperationTakesBody(*decision.operation) ? std::move(parser_->get().body())
                                                                  : std::string();
  asio::post(context_.rules_pool, [self = shared_from_this(), executor = stream_.get_executor(),
                                   operation = *decision.operation, route = route_,
                                   body = std::move(body), &stream_rules = rules->second,
                                   &clock = context_.clock] {
    HttpResponse response = RunRulesOperation(operation, route, body, stream_rules, clock.NowMs());
    asio::post(executor, [self, response = std::move(response)]() mutable {
      --self->context_.rules_requests_pending;
      self->Respond(std::move(response));
    });
  });
}

void HttpSession::HandleIngest() {
  auto credentials =
      ParseBasicAuthorization(std::string_view(parser_->get()[http::field::authorization]));
  if (!credentials) {
    ContinueIngest(false);
    return;
  }
  if (context_.ingest_users.VerifiedRecently(credentials->user, credentials->password)) {
    ContinueIngest(true);
    return;
  }
  std::string key = CheckKey({"ingest", credentials->user, credentials->password});
  CheckOffThread(
      std::move(key),
      [credentials = std::move(*credentials), &users = context_.ingest_users] {
        return static_cast<int>(users.Verify(credentials.user, credentials.password));
      },
      [this](int authenticated) { ContinueIngest(authenticated != 0); });
}

void HttpSession::ContinueIngest(bool authenticated) {
  const int64_t now = context_.clock.NowMs();
  if (!authenticated) {
    Respond(Unauthorized(now));
    return;
  }
  const auto& request = parser_->get();
  IngestBatch batch;
  NdjsonLimits limits;
  limits.max_post_bytes = context_.config.max_post_bytes;
  NdjsonResult result = ParseNdjson(request.body(), context_.post_parser, batch, limits);
  context_.http_metrics.ingest_rejected_lines->Add(result.rejected);
  if (batch.empty()) {
    RespondIngest(Status::Ok(), result);
    return;
  }
  // Answer only once the posts are durable (the pipeline calls back on its own thread).
  auto executor = stream_.get_executor();
  batch.on_durable = [self = shared_from_this(), executor, result](Status status) {
    asio::post(executor,
               [self, status = std::move(status), result] { self->RespondIngest(status, result); });
  };
  if (Status s = context_.ingest.TrySubmit(batch); !s.ok()) {
    HttpResponse res = EnterpriseError(http::status::service_unavailable,
                                       s.message() + " Nothing of this request was accepted.", now);
    res.set(http::field::retry_after, "1");
    Respond(std::move(res));
  }
}

void HttpSession::RespondIngest(const Status& status, const NdjsonResult& result) {
  if (!status.ok()) {
    Respond(EnterpriseError(http::status::internal_server_error,
                            "The archive could not make these posts durable (" + status.message() +
                                "); nothing of this request was accepted.",
                            context_.clock.NowMs()));
    return;
  }
  const bool all_bad = result.accepted == 0 && result.rejected > 0;
  Respond(JsonResponse(all_bad ? http::status::bad_request : http::status::ok, IngestBody(result)));
}

void HttpSession::Respond(HttpResponse response) {
  const bool keep_alive =
      parser_ && parser_->is_header_done() && parser_->get().keep_alive() && parser_->is_done();
  response.keep_alive(keep_alive);
  response.set(http::field::server, "sluice");
  response_ = std::make_shared<HttpResponse>(std::move(response));
  stream_.expires_after(std::chrono::milliseconds(context_.config.write_timeout_ms));
  http::async_write(
      stream_, *response_,
      [self = shared_from_this(), keep_alive](const boost::system::error_code& ec, size_t) {
        self->OnResponseWritten(ec, keep_alive);
      });
}

void HttpSession::OnResponseWritten(const boost::system::error_code& ec, bool keep_alive) {
  response_.reset();
  if (ec || !keep_alive) {
    boost::system::error_code ignored;
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    stream_.close();
    return;
  }
  ReadHeader();
}

}  // namespace sluice
