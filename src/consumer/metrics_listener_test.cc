#include "consumer/metrics_listener.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace sluice::consumer {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kPatience{5000};  // how long a test waits for something that must happen

class ClientSocket {
 public:
  explicit ClientSocket(uint16_t port) : fd_(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof(address)), 0);
  }
  ~ClientSocket() { close(fd_); }
  ClientSocket(const ClientSocket&) = delete;  // owns the descriptor
  ClientSocket& operator=(const ClientSocket&) = delete;

  void Send(const std::string& data) {
    EXPECT_EQ(send(fd_, data.data(), data.size(), MSG_NOSIGNAL), static_cast<ssize_t>(data.size()));
  }
  // Everything until the server closes, or what came before `timeout`; `closed` says which.
  std::string ReadToEnd(milliseconds timeout = kPatience, bool* closed = nullptr) {
    std::string out;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    bool ended = false;
    while (!ended) {
      const auto left =
          std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now())
              .count();
      pollfd p{fd_, POLLIN, 0};
      if (left <= 0 || poll(&p, 1, static_cast<int>(left)) == 0) break;
      char data[4096];
      const ssize_t n = recv(fd_, data, sizeof(data), 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        ended = true;
      } else {
        out.append(data, static_cast<size_t>(n));
      }
    }
    if (closed) *closed = ended;
    return out;
  }

 private:
  int fd_;
};

struct Answer {
  int status = 0;
  std::string head;
  std::string body;
};

Answer Exchange(uint16_t port, const std::string& request) {
  ClientSocket client(port);
  client.Send(request);
  const std::string raw = client.ReadToEnd();
  Answer answer;
  const size_t head_end = raw.find("\r\n\r\n");
  if (raw.rfind("HTTP/1.1 ", 0) != 0 || head_end == std::string::npos) return answer;
  answer.status = std::stoi(raw.substr(9, 3));
  answer.head = raw.substr(0, head_end + 2);
  answer.body = raw.substr(head_end + 4);
  EXPECT_NE(answer.head.find("Content-Length: " + std::to_string(answer.body.size()) + "\r\n"),
            std::string::npos)
      << answer.head;
  EXPECT_NE(answer.head.find("Connection: close\r\n"), std::string::npos);
  return answer;
}

Answer Get(uint16_t port, const std::string& target) {
  return Exchange(port, "GET " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
}

Answer Post(uint16_t port, const std::string& target) {
  return Exchange(port, "POST " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
}

MetricsListenerOptions Options() {
  MetricsListenerOptions options;
  options.metrics_text = [] { return std::string("sluice_consumer_up 1\n"); };
  options.status_json = [] { return std::string("{\"connections\":2}"); };
  return options;
}

std::unique_ptr<MetricsListener> StartOrFail(MetricsListenerOptions options) {
  auto listener = MetricsListener::Start(std::move(options));
  EXPECT_TRUE(listener.ok()) << listener.status().ToString();
  return listener.ok() ? std::move(*listener) : nullptr;
}

TEST(MetricsListenerTest, ServesMetricsFromTheCallbackEachTime) {
  std::atomic<int> calls{0};
  MetricsListenerOptions options = Options();
  options.metrics_text = [&] { return "sluice_calls " + std::to_string(++calls) + "\n"; };
  auto listener = StartOrFail(std::move(options));
  ASSERT_TRUE(listener);
  EXPECT_NE(listener->port(), 0);
  for (int i = 1; i <= 2; ++i) {
    const Answer answer = Get(listener->port(), "/metrics");
    EXPECT_EQ(answer.status, 200);
    EXPECT_NE(answer.head.find("Content-Type: text/plain; version=0.0.4\r\n"), std::string::npos);
    EXPECT_EQ(answer.body, "sluice_calls " + std::to_string(i) + "\n");
  }
}

TEST(MetricsListenerTest, ServesStatusJson) {
  auto listener = StartOrFail(Options());
  ASSERT_TRUE(listener);
  const Answer answer = Get(listener->port(), "/status?verbose=1");
  EXPECT_EQ(answer.status, 200);
  EXPECT_NE(answer.head.find("Content-Type: application/json\r\n"), std::string::npos);
  EXPECT_EQ(answer.body, "{\"connections\":2}");
}

TEST(MetricsListenerTest, RequestHeadMayArriveInPieces) {
  auto listener = StartOrFail(Options());
  ASSERT_TRUE(listener);
  ClientSocket client(listener->port());
  client.Send("GET /met");
  client.Send("rics HTTP/1.1\r\nHost: x\r\n");
  client.Send("\r\n");
  const std::string raw = client.ReadToEnd();
  EXPECT_EQ(raw.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << raw;
  EXPECT_NE(raw.find("sluice_consumer_up 1\n"), std::string::npos);
}

TEST(MetricsListenerTest, DebugClockAdvancesTheManualClock) {
  ManualClock clock(1'000);
  MetricsListenerOptions options = Options();
  options.debug_clock = &clock;
  auto listener = StartOrFail(std::move(options));
  ASSERT_TRUE(listener);
  const Answer answer = Post(listener->port(), "/debug/clock?advance_ms=500");
  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(answer.body, "{\"now\":\"1970-01-01T00:00:01.500Z\",\"now_ms\":1500}\n");
  EXPECT_EQ(clock.NowMs(), 1'500);

  EXPECT_EQ(Post(listener->port(), "/debug/clock?x=1&advance_ms=864000000").status, 200);
  EXPECT_EQ(clock.NowMs(), 1'500 + MetricsListener::kMaxClockAdvanceMs);
}

TEST(MetricsListenerTest, DebugClockRejectsBadAdvances) {
  ManualClock clock(1'000);
  MetricsListenerOptions options = Options();
  options.debug_clock = &clock;
  auto listener = StartOrFail(std::move(options));
  ASSERT_TRUE(listener);
  for (const char* target :
       {"/debug/clock", "/debug/clock?advance_ms=", "/debug/clock?advance_ms=-1",
        "/debug/clock?advance_ms=864000001", "/debug/clock?advance_ms=12abc",
        "/debug/clock?advance_ms=99999999999999999999999"}) {
    const Answer answer = Post(listener->port(), target);
    EXPECT_EQ(answer.status, 400) << target;
    EXPECT_NE(answer.body.find("advance_ms"), std::string::npos) << target;
  }
  const Answer get = Get(listener->port(), "/debug/clock?advance_ms=1");
  EXPECT_EQ(get.status, 405);
  EXPECT_NE(get.head.find("Allow: POST\r\n"), std::string::npos);
  EXPECT_EQ(clock.NowMs(), 1'000);
}

TEST(MetricsListenerTest, DebugClockIsNotFoundWithoutAClock) {
  auto listener = StartOrFail(Options());
  ASSERT_TRUE(listener);
  EXPECT_EQ(Post(listener->port(), "/debug/clock?advance_ms=5").status, 404);
}

TEST(MetricsListenerTest, UnknownPathsAndMethodsAreRefused) {
  auto listener = StartOrFail(Options());
  ASSERT_TRUE(listener);
  EXPECT_EQ(Get(listener->port(), "/").status, 404);
  EXPECT_EQ(Get(listener->port(), "/metricsx").status, 404);
  const Answer post = Post(listener->port(), "/metrics");
  EXPECT_EQ(post.status, 405);
  EXPECT_NE(post.head.find("Allow: GET\r\n"), std::string::npos);
  EXPECT_EQ(Exchange(listener->port(), "DELETE /status HTTP/1.1\r\n\r\n").status, 405);
}

TEST(MetricsListenerTest, MalformedRequestsAreBadRequests) {
  auto listener = StartOrFail(Options());
  ASSERT_TRUE(listener);
  EXPECT_EQ(Exchange(listener->port(), "GET /metrics\r\n\r\n").status, 400);
  EXPECT_EQ(Exchange(listener->port(), "GET /metrics SPDY/3\r\n\r\n").status, 400);
  EXPECT_EQ(Exchange(listener->port(), "GET /metrics HTTP/1.1\r\nno colon\r\n\r\n").status, 400);
  EXPECT_EQ(
      Exchange(listener->port(), "GET /metrics HTTP/1.1\r\nContent-Length: many\r\n\r\n").status,
      400);
}

TEST(MetricsListenerTest, ABodyIsReadAndIgnoredWithinItsLimit) {
  ManualClock clock(0);
  MetricsListenerOptions options = Options();
  options.debug_clock = &clock;
  auto listener = StartOrFail(std::move(options));
  ASSERT_TRUE(listener);
  {
    ClientSocket client(listener->port());
    client.Send("POST /debug/clock?advance_ms=7 HTTP/1.1\r\nContent-Length: 10\r\n\r\nhello");
    client.Send("world");
    EXPECT_EQ(client.ReadToEnd().rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
    EXPECT_EQ(clock.NowMs(), 7);
  }
  const std::string too_long =
      "Content-Length: " + std::to_string(MetricsListener::kMaxRequestBodyBytes + 1) + "\r\n";
  EXPECT_EQ(
      Exchange(listener->port(), "POST /debug/clock?advance_ms=7 HTTP/1.1\r\n" + too_long + "\r\n")
          .status,
      413);
  EXPECT_EQ(
      Exchange(listener->port(),
               "POST /debug/clock?advance_ms=7 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")
          .status,
      411);
  EXPECT_EQ(clock.NowMs(), 7);
}

TEST(MetricsListenerTest, OversizedRequestHeadIsRefused) {
  auto listener = StartOrFail(Options());
  ASSERT_TRUE(listener);
  const std::string filler = "X-Filler: " + std::string(MetricsListener::kMaxRequestHeadBytes, 'a');
  const Answer answer =
      Exchange(listener->port(), "GET /metrics HTTP/1.1\r\n" + filler + "\r\n\r\n");
  EXPECT_EQ(answer.status, 431);
}

TEST(MetricsListenerTest, SilentClientIsDisconnectedAfterTheReadTimeout) {
  MetricsListenerOptions options = Options();
  options.read_timeout = milliseconds(100);
  auto listener = StartOrFail(std::move(options));
  ASSERT_TRUE(listener);
  ClientSocket client(listener->port());
  client.Send("GET /metrics HTTP/1.1\r\n");  // and never the blank line
  bool closed = false;
  EXPECT_EQ(client.ReadToEnd(kPatience, &closed), "");
  EXPECT_TRUE(closed);
}

TEST(MetricsListenerTest, ConnectionsBeyondTheLimitWaitTheirTurn) {
  MetricsListenerOptions options = Options();
  options.max_connections = 1;
  auto listener = StartOrFail(std::move(options));
  ASSERT_TRUE(listener);
  auto idle = std::make_unique<ClientSocket>(listener->port());
  ClientSocket waiting(listener->port());
  waiting.Send("GET /metrics HTTP/1.1\r\n\r\n");
  bool closed = false;
  EXPECT_EQ(waiting.ReadToEnd(milliseconds(200), &closed), "");  // not served while idle is open
  EXPECT_FALSE(closed);
  idle.reset();
  const std::string raw = waiting.ReadToEnd();
  EXPECT_EQ(raw.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << raw;
}

TEST(MetricsListenerTest, StopsPromptlyWithOpenConnections) {
  auto listener = StartOrFail(Options());
  ASSERT_TRUE(listener);
  ClientSocket idle(listener->port());
  idle.Send("GET /met");
  listener.reset();  // must not wait for the 10 s read timeout
  bool closed = false;
  idle.ReadToEnd(kPatience, &closed);
  EXPECT_TRUE(closed);
}

TEST(MetricsListenerTest, CallbackExceptionBecomesAServerError) {
  MetricsListenerOptions options = Options();
  options.status_json = []() -> std::string { throw std::runtime_error("no status yet"); };
  auto listener = StartOrFail(std::move(options));
  ASSERT_TRUE(listener);
  const Answer answer = Get(listener->port(), "/status");
  EXPECT_EQ(answer.status, 500);
  EXPECT_EQ(Get(listener->port(), "/metrics").status, 200);
}

TEST(MetricsListenerTest, BadAddressesAreReportedWithTheAddress) {
  MetricsListenerOptions options = Options();
  options.host = "metrics.example";
  options.port = 9100;
  auto bad_host = MetricsListener::Start(options);
  ASSERT_FALSE(bad_host.ok());
  EXPECT_EQ(bad_host.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad_host.status().message().find("metrics.example:9100"), std::string::npos);

  auto first = StartOrFail(Options());
  ASSERT_TRUE(first);
  options.host = "127.0.0.1";
  options.port = first->port();
  auto taken = MetricsListener::Start(options);
  ASSERT_FALSE(taken.ok());
  EXPECT_EQ(taken.status().code(), StatusCode::kIoError);
  EXPECT_NE(taken.status().message().find("127.0.0.1:" + std::to_string(first->port())),
            std::string::npos)
      << taken.status().message();

  options.port = 0;
  options.metrics_text = nullptr;
  auto no_callback = MetricsListener::Start(options);
  ASSERT_FALSE(no_callback.ok());
  EXPECT_EQ(no_callback.status().code(), StatusCode::kInvalidArgument);
}

TEST(MetricsListenerTest, ListensOnIpv6LoopbackAndLocalhost) {
  for (const char* host : {"localhost", "[::1]", "::1"}) {
    MetricsListenerOptions options = Options();
    options.host = host;
    auto listener = MetricsListener::Start(std::move(options));
    if (!listener.ok() && std::string(host).find(':') != std::string::npos) {
      GTEST_LOG_(INFO) << "no IPv6 here: " << listener.status().ToString();
      continue;
    }
    ASSERT_TRUE(listener.ok()) << host << ": " << listener.status().ToString();
    EXPECT_NE((*listener)->port(), 0);
  }
}

}  // namespace
}  // namespace sluice::consumer
