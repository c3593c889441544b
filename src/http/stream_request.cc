#include "http/stream_request.h"

#include <boost/beast/http/field.hpp>

namespace sluice {

namespace http = boost::beast::http;

namespace {

constexpr std::string_view kCompressionRequired =
    "This connection requires compression. To enable compression, send an "
    "'Accept-Encoding: gzip' header in your request and be ready to uncompress the stream as it "
    "is read on the client end.";

StreamDecision Fail(HttpResponse response) {
  StreamDecision d;
  d.error = std::move(response);
  return d;
}

std::string_view ProductName(StreamKind kind) {
  switch (kind) {
    case StreamKind::kPowerTrack:
      return "powertrack";
    case StreamKind::kDecahose:
      return "sample10";
    case StreamKind::kSample:
      return "sample1";
  }
  return "";
}

}  // namespace

HttpResponse Unauthorized(int64_t now_ms) {
  HttpResponse res = EnterpriseError(
      http::status::unauthorized,
      "Authentication failed: send HTTP Basic credentials of a user of this account.", now_ms);
  res.set(http::field::www_authenticate, "Basic realm=\"sluice\"");
  return res;
}

StreamAuth AuthenticateStreamRequest(const Route& route,
                                     const std::optional<BasicCredentials>& credentials,
                                     StreamRegistry& registry) {
  if (!credentials) return StreamAuth::kUnauthorized;
  Account* account = registry.FindAccount(route.account);
  if (account && account->users->Verify(credentials->user, credentials->password)) {
    return StreamAuth::kOk;
  }
  // Valid credentials of another account: the stream is simply not theirs to see.
  if (registry.AuthenticateAny(credentials->user, credentials->password)) {
    return StreamAuth::kOtherAccount;
  }
  return StreamAuth::kUnauthorized;
}

std::optional<StreamAuth> CachedStreamAuth(const Route& route,
                                           const std::optional<BasicCredentials>& credentials,
                                           StreamRegistry& registry) {
  if (!credentials) return StreamAuth::kUnauthorized;
  Account* account = registry.FindAccount(route.account);
  if (account && account->users->VerifiedRecently(credentials->user, credentials->password)) {
    return StreamAuth::kOk;
  }
  return std::nullopt;
}

StreamDecision DecideStreamRequest(const Route& route, const StreamRequestHeaders& headers,
                                   StreamAuth auth, ServerContext& context) {
  const int64_t now = context.clock.NowMs();
  if (auth == StreamAuth::kUnauthorized) return Fail(Unauthorized(now));
  if (auth == StreamAuth::kOtherAccount) {
    return Fail(
        EnterpriseError(http::status::not_found, "No stream at this URL for your account.", now));
  }

  Stream* stream = context.registry.FindStream(route.account, route.label);
  if (!stream || stream->kind() != route.stream_kind) {
    return Fail(EnterpriseError(http::status::not_found,
                                "Stream '" + route.label + "' of account '" + route.account +
                                    "' is not a " + std::string(ProductName(route.stream_kind)) +
                                    " stream of this account.",
                                now));
  }

  int partition = 0;
  const auto partition_param = route.query.find("partition");
  if (stream->kind() == StreamKind::kDecahose) {
    if (partition_param == route.query.end()) {
      return Fail(EnterpriseError(http::status::bad_request,
                                  "The partition parameter is required: partition=1 or "
                                  "partition=2.",
                                  now));
    }
    if (partition_param->second != "1" && partition_param->second != "2") {
      return Fail(EnterpriseError(
          http::status::bad_request,
          "Invalid partition '" + partition_param->second.substr(0, 32) + "': must be 1 or 2.",
          now));
    }
    partition = partition_param->second[0] - '0';
  } else if (partition_param != route.query.end()) {
    return Fail(EnterpriseError(http::status::bad_request,
                                "The partition parameter applies only to sample10 streams.", now));
  }

  const archive::ArchiveBounds bounds =
      context.archive_index ? context.archive_index->Bounds() : archive::ArchiveBounds{};
  Result<ReplayRequest> replay = ParseReplayRequest(route.query, stream->config(), now, bounds);
  if (!replay.ok()) {
    return Fail(EnterpriseError(http::status::bad_request, replay.status().message(), now));
  }

  const bool gzip = AcceptsGzip(headers.accept_encoding);
  if (!gzip && stream->config().require_gzip) {
    return Fail(EnterpriseError(http::status::not_acceptable, kCompressionRequired, now));
  }

  Channel& channel = stream->ChannelOfPartition(partition);
  const int channel_index = partition > 0 ? partition - 1 : 0;
  if (replay->kind == ReplayRequest::Kind::kRecovery) {
    const int limit = stream->config().recovery_job_limit;
    const int running = context.recovery_jobs.Running(stream);
    if (running >= limit) {
      stream->metrics().refused_recoveries->Add(1);
      return Fail(EnterpriseError(
          http::status::too_many_requests,
          "This stream already has " + std::to_string(running) +
              " recovery requests running, its limit of concurrent recovery jobs (" +
              std::to_string(limit) + "); retry when one of them completes.",
          now));
    }
    StreamDecision d;
    d.admission = StreamAdmission{stream, &channel, channel_index, gzip, *replay};
    return d;
  }
  if (static_cast<int>(channel.size()) > channel.connection_limit()) {
    stream->metrics().refused_connections->Add(1);
    // Appended piece by piece: GCC 12 warns (-Warray-bounds, a false positive) on the chain.
    std::string message(kConnectionLimitMessage);
    message += " (Allowed connections = ";
    message += std::to_string(channel.connection_limit());
    message += ")";
    return Fail(EnterpriseError(http::status::too_many_requests, message, now));
  }

  StreamDecision d;
  d.admission = StreamAdmission{stream, &channel, channel_index, gzip, *replay};
  return d;
}

}  // namespace sluice
