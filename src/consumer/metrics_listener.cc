// Plain Boost.Asio with a hand-parsed request head: three routes, one request per connection, do
// not justify Beast's compile cost in a library that every consumer test links.
#include "consumer/metrics_listener.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <cctype>
#include <charconv>
#include <chrono>
#include <exception>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include "base/json_escape.h"
#include "base/time_format.h"

namespace sluice::consumer {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

// After a failed accept (e.g. out of descriptors), so the loop does not spin.
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};

struct Answer {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::string allow;  // the Allow header of a 405
};

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 411:
      return "Length Required";
    case 413:
      return "Content Too Large";
    case 431:
      return "Request Header Fields Too Large";
    default:
      return "Internal Server Error";
  }
}

Answer ErrorAnswer(int status, std::string_view message) {
  Answer answer;
  answer.status = status;
  answer.body = "{\"error\":\"" + JsonEscaped(message, /*ascii_only=*/false) + "\"}\n";
  return answer;
}

std::string Serialize(const Answer& answer) {
  std::string out =
      "HTTP/1.1 " + std::to_string(answer.status) + " " + std::string(ReasonPhrase(answer.status)) +
      "\r\nContent-Type: " + answer.content_type +
      "\r\nContent-Length: " + std::to_string(answer.body.size()) + "\r\nConnection: close\r\n";
  if (!answer.allow.empty()) out += "Allow: " + answer.allow + "\r\n";
  out += "\r\n";
  out += answer.body;
  return out;
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

struct RequestHead {
  std::string method;
  std::string path;
  std::string query;  // without the '?'
  uint64_t content_length = 0;
  bool chunked = false;
};

// `head` ends with the blank line. Errors: InvalidArgument saying what is malformed.
Result<RequestHead> ParseRequestHead(std::string_view head) {
  const size_t line_end = head.find("\r\n");
  const std::string_view line = head.substr(0, line_end);
  const size_t first_space = line.find(' ');
  const size_t second_space =
      first_space == std::string_view::npos ? first_space : line.find(' ', first_space + 1);
  if (second_space == std::string_view::npos || first_space == 0 ||
      line.substr(second_space + 1).rfind("HTTP/1.", 0) != 0) {
    return Status::InvalidArgument("malformed request line");
  }
  RequestHead request;
  request.method = std::string(line.substr(0, first_space));
  const std::string_view target = line.substr(first_space + 1, second_space - first_space - 1);
  const size_t question = target.find('?');
  request.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) request.query = std::string(target.substr(question + 1));

  std::string_view rest = head.substr(line_end + 2);
  while (!rest.empty()) {
    const size_t end = rest.find("\r\n");
    const std::string_view field = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 2);
    if (field.empty()) break;
    const size_t colon = field.find(':');
    if (colon == std::string_view::npos) return Status::InvalidArgument("malformed header field");
    const std::string_view name = field.substr(0, colon);
    const std::string_view value = Trim(field.substr(colon + 1));
    if (EqualsIgnoringCase(name, "content-length")) {
      auto [ptr, ec] =
          std::from_chars(value.data(), value.data() + value.size(), request.content_length);
      if (ec != std::errc() || ptr != value.data() + value.size()) {
        return Status::InvalidArgument("malformed Content-Length");
      }
    } else if (EqualsIgnoringCase(name, "transfer-encoding")) {
      request.chunked = true;
    }
  }
  return request;
}

// The value of `name` in an `a=1&b=2` query; no percent-decoding (the values we read are digits).
std::optional<std::string_view> QueryParameter(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name) {
      return eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    }
  }
  return std::nullopt;
}

std::string DescribeAddress(const std::string& host, uint16_t port) {
  const bool ipv6 = host.find(':') != std::string::npos && host.front() != '[';
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

}  // namespace

class MetricsListener::Impl {
 public:
  explicit Impl(MetricsListenerOptions options)
      : options_(std::move(options)),
        work_(asio::make_work_guard(io_)),
        acceptor_(io_),
        accept_retry_(io_) {}
  ~Impl() { Stop(); }
  Impl(const Impl&) = delete;  // owns a thread and sockets
  Impl& operator=(const Impl&) = delete;

  // Before the thread runs. Returns the bound port.
  Result<uint16_t> Listen(const tcp::endpoint& endpoint, const std::string& address);
  void Run() {
    Accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  // Any thread but the listener's; idempotent.
  void Stop();

 private:
  class Session;

  // Listener thread only, from here on.
  void Accept();
  void OnSessionEnded(Session* session);
  Answer Route(const RequestHead& request) const;
  Answer AdvanceClock(const RequestHead& request) const;

  const MetricsListenerOptions options_;
  asio::io_context io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  tcp::acceptor acceptor_;
  asio::steady_timer accept_retry_;
  std::set<Session*> sessions_;
  bool accept_paused_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

// One accepted connection: read the head (and any body), answer, send FIN, read until the client
// closes. A single deadline covers it all.
class MetricsListener::Impl::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Impl& owner)
      : socket_(std::move(socket)), deadline_(owner.io_), owner_(owner) {
    owner_.sessions_.insert(this);
  }
  ~Session() { owner_.OnSessionEnded(this); }
  Session(const Session&) = delete;  // owns a socket
  Session& operator=(const Session&) = delete;

  void Start() {
    deadline_.expires_after(owner_.options_.read_timeout);
    deadline_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (!ec) self->Close();
    });
    asio::async_read_until(
        socket_, asio::dynamic_buffer(buffer_, kMaxRequestHeadBytes), "\r\n\r\n",
        [self = shared_from_this()](const boost::system::error_code& ec, size_t head_size) {
          self->OnHead(ec, head_size);
        });
  }

  void Close() {
    boost::system::error_code ignored;
    deadline_.cancel();
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

 private:
  void OnHead(const boost::system::error_code& ec, size_t head_size) {
    if (ec == asio::error::not_found) {  // the buffer's limit was reached without a blank line
      Respond(ErrorAnswer(
          431, "The request head exceeds " + std::to_string(kMaxRequestHeadBytes) + " bytes."));
      return;
    }
    if (ec) {
      Close();
      return;
    }
    Result<RequestHead> request = ParseRequestHead(std::string_view(buffer_).substr(0, head_size));
    if (!request.ok()) {
      Respond(ErrorAnswer(400, request.status().message()));
      return;
    }
    if (request->chunked) {
      Respond(ErrorAnswer(411, "Chunked request bodies are not accepted."));
      return;
    }
    if (request->content_length > kMaxRequestBodyBytes) {
      Respond(ErrorAnswer(
          413, "The request body exceeds " + std::to_string(kMaxRequestBodyBytes) + " bytes."));
      return;
    }
    const size_t body_received = buffer_.size() - head_size;
    if (request->content_length <= body_received) {
      Respond(owner_.Route(*request));
      return;
    }
    // The body is read only so that closing cannot reset the connection under our answer.
    const size_t body_missing = request->content_length - body_received;
    buffer_.clear();
    asio::async_read(socket_, asio::dynamic_buffer(buffer_), asio::transfer_exactly(body_missing),
                     [self = shared_from_this(), request = std::move(*request)](
                         const boost::system::error_code& ec, size_t) {
                       if (ec) {
                         self->Close();
                         return;
                       }
                       self->Respond(self->owner_.Route(request));
                     });
  }

  void Respond(const Answer& answer) {
    response_ = Serialize(answer);
    asio::async_write(socket_, asio::buffer(response_),
                      [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
                        if (ec) {
                          self->Close();
                          return;
                        }
                        boost::system::error_code ignored;
                        self->socket_.shutdown(tcp::socket::shutdown_send, ignored);
                        self->DrainUntilClosed();
                      });
  }

  // Closing while request bytes are unread would send a reset, which can destroy the answer
  // before the client reads it; so wait (within the deadline) for the client to close first.
  void DrainUntilClosed() {
    socket_.async_read_some(asio::buffer(drain_), [self = shared_from_this()](
                                                      const boost::system::error_code& ec, size_t) {
      if (ec) {
        self->Close();
        return;
      }
      self->DrainUntilClosed();
    });
  }

  tcp::socket socket_;
  asio::steady_timer deadline_;
  Impl& owner_;
  std::string buffer_;
  std::string response_;  // alive while being written
  char drain_[1024];
};

Result<uint16_t> MetricsListener::Impl::Listen(const tcp::endpoint& endpoint,
                                               const std::string& address) {
  boost::system::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  const tcp::endpoint bound = ec ? tcp::endpoint() : acceptor_.local_endpoint(ec);
  if (ec) {
    return Status::IoError("metrics listener cannot listen on " + address + ": " + ec.message());
  }
  return bound.port();
}

void MetricsListener::Impl::Stop() {
  if (!thread_.joinable()) return;
  asio::post(io_, [this] {
    stopping_ = true;
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    accept_retry_.cancel();
    for (Session* session : sessions_) session->Close();
    work_.reset();  // run() returns once the cancelled operations have finished
  });
  thread_.join();
}

void MetricsListener::Impl::Accept() {
  acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
    if (stopping_) return;
    if (ec) {
      accept_retry_.expires_after(kAcceptRetryDelay);
      accept_retry_.async_wait([this](const boost::system::error_code& wait_ec) {
        if (!wait_ec && !stopping_) Accept();
      });
      return;
    }
    std::make_shared<Session>(std::move(socket), *this)->Start();
    if (sessions_.size() >= options_.max_connections) {
      accept_paused_ = true;  // resumed by OnSessionEnded; meanwhile clients queue in the kernel
      return;
    }
    Accept();
  });
}

void MetricsListener::Impl::OnSessionEnded(Session* session) {
  sessions_.erase(session);
  if (accept_paused_ && !stopping_) {
    accept_paused_ = false;
    Accept();
  }
}

Answer MetricsListener::Impl::Route(const RequestHead& request) const {
  const std::function<std::string()>* source = nullptr;
  Answer answer;
  if (request.path == "/metrics") {
    source = &options_.metrics_text;
    answer.content_type = "text/plain; version=0.0.4";
  } else if (request.path == "/status") {
    source = &options_.status_json;
  } else if (request.path == "/debug/clock" && options_.debug_clock != nullptr) {
    if (request.method != "POST") {
      Answer wrong = ErrorAnswer(405, "Use POST.");
      wrong.allow = "POST";
      return wrong;
    }
    return AdvanceClock(request);
  } else {
    return ErrorAnswer(404, "No such endpoint.");
  }
  if (request.method != "GET") {
    Answer wrong = ErrorAnswer(405, "Use GET.");
    wrong.allow = "GET";
    return wrong;
  }
  try {
    answer.body = (*source)();
  } catch (const std::exception& e) {
    return ErrorAnswer(500, e.what());
  }
  return answer;
}

Answer MetricsListener::Impl::AdvanceClock(const RequestHead& request) const {
  const std::optional<std::string_view> value = QueryParameter(request.query, "advance_ms");
  int64_t advance = -1;
  if (value) {
    auto [ptr, ec] = std::from_chars(value->data(), value->data() + value->size(), advance);
    if (ec != std::errc() || ptr != value->data() + value->size()) advance = -1;
  }
  if (advance < 0 || advance > kMaxClockAdvanceMs) {
    return ErrorAnswer(400, "advance_ms must be an integer from 0 to " +
                                std::to_string(kMaxClockAdvanceMs) + " (10 days).");
  }
  options_.debug_clock->AdvanceMs(advance);
  const int64_t now = options_.debug_clock->NowMs();
  Answer answer;
  answer.body = "{\"now\":\"" + FormatIsoMs(now) + "\",\"now_ms\":" + std::to_string(now) + "}\n";
  return answer;
}

Result<std::unique_ptr<MetricsListener>> MetricsListener::Start(MetricsListenerOptions options) {
  const std::string address = DescribeAddress(options.host, options.port);
  if (!options.metrics_text || !options.status_json) {
    return Status::InvalidArgument("metrics listener on " + address +
                                   ": metrics_text and status_json are required");
  }
  if (options.max_connections == 0) {
    return Status::InvalidArgument("metrics listener on " + address +
                                   ": max_connections must be at least 1");
  }
  const uint16_t requested_port = options.port;
  std::string host = options.host;
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  boost::system::error_code ec;
  asio::ip::address ip = host == "localhost" ? asio::ip::address(asio::ip::address_v4::loopback())
                                             : asio::ip::make_address(host, ec);
  if (ec) {
    return Status::InvalidArgument("metrics listener: '" + address +
                                   "' is not an IP address and port");
  }
  auto impl = std::make_unique<Impl>(std::move(options));
  Result<uint16_t> port = impl->Listen(tcp::endpoint(ip, requested_port), address);
  if (!port.ok()) return port.status();
  impl->Run();
  return std::unique_ptr<MetricsListener>(new MetricsListener(std::move(impl), *port));
}

MetricsListener::MetricsListener(std::unique_ptr<Impl> impl, uint16_t port)
    : impl_(std::move(impl)), port_(port) {}

MetricsListener::~MetricsListener() = default;

}  // namespace sluice::consumer
