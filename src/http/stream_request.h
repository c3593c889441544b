// Deciding a stream request (SPEC §2, §4): authenticate, find the stream, check the query and
// the encoding, check the connection limit. Pure logic, separate from sockets so that every
// status and body is unit-testable.
#pragma once

#include <optional>
#include <string_view>

#include "http/replay_request.h"
#include "http/responses.h"
#include "http/route.h"
#include "http/server_context.h"

namespace sluice {

struct StreamRequestHeaders {
  std::string_view accept_encoding;
};

struct StreamAdmission {
  Stream* stream = nullptr;
  Channel* channel = nullptr;
  int channel_index = 0;
  bool gzip = false;
  // kNone: realtime; kBackfill: admit to the channel, then catch up; kRecovery: do not admit
  // (a recovery does not count against the redundant connection limit), replay only.
  ReplayRequest replay;
};

// Either an admission (the caller creates the connection and admits it to `channel`) or the
// error response to send. REQUIRES: route.kind == kEnterpriseStream; network thread.
struct StreamDecision {
  std::optional<StreamAdmission> admission;
  std::optional<HttpResponse> error;
};

// Whose credentials these are, relative to the account in the URL.
enum class StreamAuth { kOk, kOtherAccount, kUnauthorized };

// May run PBKDF2 (tens of ms) for credentials not verified before: call it off the network
// thread. Thread-safe (the registry is immutable, verifiers are thread-safe).
StreamAuth AuthenticateStreamRequest(const Route& route,
                                     const std::optional<BasicCredentials>& credentials,
                                     StreamRegistry& registry);
// The fast path: kOk when these credentials were recently verified for the URL's account,
// nullopt when AuthenticateStreamRequest must decide. Never hashes a password.
std::optional<StreamAuth> CachedStreamAuth(const Route& route,
                                           const std::optional<BasicCredentials>& credentials,
                                           StreamRegistry& registry);

StreamDecision DecideStreamRequest(const Route& route, const StreamRequestHeaders& headers,
                                   StreamAuth auth, ServerContext& context);

// 401 with a Basic challenge.
HttpResponse Unauthorized(int64_t now_ms);

}  // namespace sluice
