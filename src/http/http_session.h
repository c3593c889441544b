// HttpSession: one accepted socket while it speaks request/response HTTP/1.1 (keep-alive).
// A stream request hands the socket over to a StreamConnection and the session ends.
//
// Bounds: headers must arrive within header_timeout_ms and fit in max_header_bytes (slowloris);
// an ingest body must fit in max_ingest_body_bytes, a rules body in kMaxRulesBodyBytes; other
// requests may not carry a body.
// Thread safety: network thread only.
#pragma once

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "http/responses.h"
#include "http/route.h"
#include "http/server_context.h"
#include "http/stream_request.h"
#include "ingest/ndjson.h"

namespace sluice {

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(boost::asio::ip::tcp::socket socket, ServerContext& context);
  ~HttpSession();
  HttpSession(const HttpSession&) = delete;  // owns a socket
  HttpSession& operator=(const HttpSession&) = delete;

  void Start();

 private:
  using Parser = boost::beast::http::request_parser<boost::beast::http::string_body>;

  void ReadHeader();
  void OnHeader(const boost::system::error_code& ec);
  void OnBody(const boost::system::error_code& ec);
  void Dispatch();
  void RespondBodyTooLarge(uint64_t limit);
  // The body limit of the request being read (route_ and method known).
  uint64_t BodyLimit() const;
  uint64_t LargestBodyLimit() const;
  // Basic credentials against the URL's account (route_.account): cached verdicts at once,
  // others checked off the network thread; `then` runs on the network thread.
  void AuthenticateForAccount(std::function<void(StreamAuth)> then);
  void HandleStream();
  void ContinueStream(StreamAuth auth);
  void HandleUsage();
  void HandleRecoveryJobs();
  void HandleDebugClock();
  void HandleRules();
  void ContinueRules(StreamAuth auth);
  void HandleIngest();
  void ContinueIngest(bool authenticated);
  // Runs `check` (slow: password hashing) on the auth pool, then `then(result)` back on the
  // network thread; a check already in flight under the same `key` is joined, not repeated.
  // Answers 503 itself when too many distinct checks are pending.
  void CheckOffThread(std::string key, std::function<int()> check, std::function<void(int)> then);
  void RespondIngest(const Status& status, const NdjsonResult& result);
  void Respond(HttpResponse response);
  void OnResponseWritten(const boost::system::error_code& ec, bool keep_alive);

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  ServerContext& context_;
  std::optional<Parser> parser_;
  Route route_;
  std::shared_ptr<HttpResponse> response_;  // alive while being written
  bool handed_over_ = false;
};

}  // namespace sluice
