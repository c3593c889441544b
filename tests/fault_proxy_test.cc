// FaultProxy against a tiny echo upstream written here (no sluiced): forwarding both ways with
// bounded buffers, resets, refusal, stalls, canned HTTP answers and request-line capture.
#include "support/fault_proxy.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace sluice::testing {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

constexpr milliseconds kPatience{5000};  // how long a test waits for something that must happen

sockaddr_in LoopbackAddress(uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

class Socket {
 public:
  explicit Socket(int fd = -1) : fd_(fd) {}
  ~Socket() {
    if (fd_ >= 0) close(fd_);
  }
  Socket(const Socket&) = delete;  // owns the descriptor
  Socket& operator=(const Socket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

// A loopback server that echoes every byte back, one thread per connection, and counts how its
// connections ended. Every wait is a short poll, so the destructor always returns.
class EchoUpstream {
 public:
  EchoUpstream() {
    listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address = LoopbackAddress(0);
    socklen_t length = sizeof(address);
    if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
        listen(listen_fd_, 64) != 0 ||
        getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      ADD_FAILURE() << "echo upstream cannot listen";
    }
    port_ = ntohs(address.sin_port);
    accept_thread_ = std::thread([this] { AcceptLoop(); });
  }
  ~EchoUpstream() {
    stop_ = true;
    accept_thread_.join();
    for (auto& handler : handlers_) handler.join();
    close(listen_fd_);
  }
  EchoUpstream(const EchoUpstream&) = delete;  // owns threads
  EchoUpstream& operator=(const EchoUpstream&) = delete;

  uint16_t port() const { return port_; }
  int accepted() const { return accepted_; }
  int ended_by_reset() const { return ended_by_reset_; }
  int ended_by_eof() const { return ended_by_eof_; }
  size_t bytes_received() const { return bytes_received_; }

 private:
  void AcceptLoop() {
    while (!stop_) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (poll(&p, 1, 20) <= 0) continue;
      const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      ++accepted_;
      handlers_.emplace_back([this, fd] { Serve(fd); });
    }
  }

  void Serve(int fd) {
    char data[16 * 1024];
    while (!stop_) {
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 20) <= 0) continue;
      const ssize_t n = recv(fd, data, sizeof(data), 0);
      if (n < 0) {
        if (errno == EINTR) continue;
        ++ended_by_reset_;
        break;
      }
      if (n == 0) {
        ++ended_by_eof_;
        break;
      }
      bytes_received_ += static_cast<size_t>(n);
      if (!SendAll(fd, data, static_cast<size_t>(n))) break;
    }
    close(fd);
  }

  bool SendAll(int fd, const char* data, size_t size) {
    while (size > 0 && !stop_) {
      const ssize_t n = send(fd, data, size, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0) {
        if (errno != EAGAIN && errno != EINTR) return false;
        pollfd p{fd, POLLOUT, 0};
        poll(&p, 1, 20);
        continue;
      }
      data += n;
      size -= static_cast<size_t>(n);
    }
    return size == 0;
  }

  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0};
  std::atomic<int> ended_by_reset_{0};
  std::atomic<int> ended_by_eof_{0};
  std::atomic<size_t> bytes_received_{0};
  std::vector<std::thread> handlers_;  // accept thread only, until the destructor joins it
  std::thread accept_thread_;
};

int ConnectTo(uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const sockaddr_in address = LoopbackAddress(port);
  EXPECT_EQ(connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)), 0);
  return fd;
}

void SendAll(int fd, const std::string& data) {
  ASSERT_EQ(send(fd, data.data(), data.size(), MSG_NOSIGNAL), static_cast<ssize_t>(data.size()));
}

enum class ReadEnd { kOpen, kEof, kReset, kTimeout };

// Reads until `want` bytes arrived, the peer closed, or `timeout` passed.
std::string Read(int fd, size_t want, milliseconds timeout, ReadEnd* end = nullptr) {
  std::string out;
  ReadEnd how = ReadEnd::kOpen;
  const auto deadline = Clock::now() + timeout;
  while (out.size() < want) {
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
    pollfd p{fd, POLLIN, 0};
    if (left <= 0 || poll(&p, 1, static_cast<int>(left)) == 0) {
      how = ReadEnd::kTimeout;
      break;
    }
    char data[16 * 1024];
    const ssize_t n = recv(fd, data, std::min(sizeof(data), want - out.size()), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      how = n == 0 ? ReadEnd::kEof : ReadEnd::kReset;
      break;
    }
    out.append(data, static_cast<size_t>(n));
  }
  if (end) *end = how;
  return out;
}

std::string ReadToEnd(int fd, ReadEnd* end) { return Read(fd, SIZE_MAX, kPatience, end); }

// Whether the peer closed or reset `fd` (as opposed to nothing arriving).
bool SeesClose(int fd) {
  ReadEnd end;
  Read(fd, SIZE_MAX, kPatience, &end);
  return end == ReadEnd::kEof || end == ReadEnd::kReset;
}

template <typename Predicate>
bool Eventually(Predicate predicate) {
  const auto deadline = Clock::now() + kPatience;
  while (!predicate()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(milliseconds(5));
  }
  return true;
}

TEST(FaultProxyTest, ForwardsBothWaysWithBoundedBuffers) {
  EchoUpstream upstream;
  auto proxy = FaultProxy::Start(upstream.port());
  ASSERT_TRUE(proxy);
  Socket client(ConnectTo(proxy->port()));
  SendAll(client.fd(), "hello");
  EXPECT_EQ(Read(client.fd(), 5, kPatience), "hello");
  EXPECT_EQ(proxy->accepted(), 1u);
  EXPECT_EQ(proxy->open_connections(), 1u);

  // Much more than the proxy buffers: needs flow control in both directions to get through.
  std::string big(4 * 1024 * 1024, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
  std::thread writer([&] { SendAll(client.fd(), big); });
  const std::string echoed = Read(client.fd(), big.size(), std::chrono::seconds(30));
  writer.join();
  EXPECT_TRUE(echoed == big) << "echoed " << echoed.size() << " of " << big.size() << " bytes";

  // A half-close travels through: the echo server sees EOF and closes, and so do we.
  shutdown(client.fd(), SHUT_WR);
  ReadEnd end;
  EXPECT_EQ(ReadToEnd(client.fd(), &end), "");
  EXPECT_EQ(end, ReadEnd::kEof);
  EXPECT_TRUE(proxy->WaitForOpenConnections(0, kPatience));
  EXPECT_EQ(upstream.ended_by_eof(), 1);
}

TEST(FaultProxyTest, DropConnectionResetsBothSidesOfThatConnectionOnly) {
  EchoUpstream upstream;
  auto proxy = FaultProxy::Start(upstream.port());
  ASSERT_TRUE(proxy);
  Socket first(ConnectTo(proxy->port()));
  Socket second(ConnectTo(proxy->port()));
  for (int fd : {first.fd(), second.fd()}) {
    SendAll(fd, "x");
    ASSERT_EQ(Read(fd, 1, kPatience), "x");
  }
  ASSERT_EQ(proxy->open_connections(), 2u);

  proxy->DropConnection(0);
  EXPECT_EQ(proxy->open_connections(), 1u);  // applied before DropConnection returned
  ReadEnd end;
  ReadToEnd(first.fd(), &end);
  EXPECT_EQ(end, ReadEnd::kReset);
  EXPECT_TRUE(Eventually([&] { return upstream.ended_by_reset() == 1; }));

  SendAll(second.fd(), "still here");
  EXPECT_EQ(Read(second.fd(), 10, kPatience), "still here");
  proxy->DropConnection(0);  // already closed: nothing happens
  proxy->DropConnection(7);  // never existed: nothing happens
  EXPECT_EQ(proxy->open_connections(), 1u);

  proxy->DropAll();
  EXPECT_EQ(proxy->open_connections(), 0u);
  EXPECT_TRUE(SeesClose(second.fd()));
  EXPECT_TRUE(Eventually([&] { return upstream.ended_by_reset() == 2; }));
}

TEST(FaultProxyTest, RefusedConnectionsAreResetWithoutAnAnswer) {
  EchoUpstream upstream;
  auto proxy = FaultProxy::Start(upstream.port());
  ASSERT_TRUE(proxy);
  proxy->SetRefuse(true);
  {
    Socket client(ConnectTo(proxy->port()));
    ReadEnd end;
    EXPECT_EQ(ReadToEnd(client.fd(), &end), "");
    EXPECT_EQ(end, ReadEnd::kReset);
  }
  EXPECT_EQ(proxy->accepted(), 1u);
  EXPECT_EQ(proxy->open_connections(), 0u);
  EXPECT_EQ(upstream.accepted(), 0);

  proxy->SetRefuse(false);
  Socket client(ConnectTo(proxy->port()));
  SendAll(client.fd(), "ok");
  EXPECT_EQ(Read(client.fd(), 2, kPatience), "ok");
  EXPECT_EQ(proxy->accepted(), 2u);
}

TEST(FaultProxyTest, UpstreamDownLooksLikeANetworkError) {
  uint16_t closed_port;
  {
    EchoUpstream gone;
    closed_port = gone.port();
  }
  auto proxy = FaultProxy::Start(closed_port);
  ASSERT_TRUE(proxy);
  Socket client(ConnectTo(proxy->port()));
  EXPECT_TRUE(SeesClose(client.fd()));
  EXPECT_TRUE(proxy->WaitForOpenConnections(0, kPatience));
}

TEST(FaultProxyTest, StalledConnectionStaysOpenButForwardsNothing) {
  EchoUpstream upstream;
  auto proxy = FaultProxy::Start(upstream.port());
  ASSERT_TRUE(proxy);
  Socket client(ConnectTo(proxy->port()));
  SendAll(client.fd(), "a");
  ASSERT_EQ(Read(client.fd(), 1, kPatience), "a");

  proxy->Stall(0);
  SendAll(client.fd(), "b");
  ReadEnd end;
  EXPECT_EQ(Read(client.fd(), 1, milliseconds(200), &end), "");
  EXPECT_EQ(end, ReadEnd::kTimeout);  // neither data nor a close arrived
  EXPECT_EQ(upstream.bytes_received(), 1u);
  EXPECT_EQ(proxy->open_connections(), 1u);

  // A connection made after the stall is forwarded as usual.
  Socket fresh(ConnectTo(proxy->port()));
  SendAll(fresh.fd(), "c");
  EXPECT_EQ(Read(fresh.fd(), 1, kPatience), "c");

  proxy->DropConnection(0);
  ReadToEnd(client.fd(), &end);
  EXPECT_EQ(end, ReadEnd::kReset);
  EXPECT_EQ(upstream.bytes_received(), 2u);  // "b" never went through
}

TEST(FaultProxyTest, StallAllStallsEveryOpenConnection) {
  EchoUpstream upstream;
  auto proxy = FaultProxy::Start(upstream.port());
  ASSERT_TRUE(proxy);
  Socket first(ConnectTo(proxy->port()));
  Socket second(ConnectTo(proxy->port()));
  ASSERT_TRUE(proxy->WaitForAccepted(2, kPatience));
  proxy->StallAll();
  for (int fd : {first.fd(), second.fd()}) {
    SendAll(fd, "z");
    ReadEnd end;
    EXPECT_EQ(Read(fd, 1, milliseconds(200), &end), "");
    EXPECT_EQ(end, ReadEnd::kTimeout);
  }
  EXPECT_EQ(proxy->open_connections(), 2u);
  proxy->DropAll();
  EXPECT_TRUE(SeesClose(first.fd()));
  EXPECT_TRUE(SeesClose(second.fd()));
}

TEST(FaultProxyTest, RespondNextAnswersTheNextConnectionsItself) {
  EchoUpstream upstream;
  auto proxy = FaultProxy::Start(upstream.port());
  ASSERT_TRUE(proxy);
  const std::string body = R"({"title":"ConnectionException"})";
  proxy->RespondNext(429, body, 2);
  for (int i = 0; i < 2; ++i) {
    Socket client(ConnectTo(proxy->port()));
    SendAll(client.fd(), "GET /stream?try=" + std::to_string(i) + " HTTP/1.1\r\nHost: x\r\n\r\n");
    ReadEnd end;
    const std::string answer = ReadToEnd(client.fd(), &end);
    EXPECT_EQ(end, ReadEnd::kEof);
    EXPECT_EQ(answer.rfind("HTTP/1.1 429 Too Many Requests\r\n", 0), 0u) << answer;
    EXPECT_NE(answer.find("Content-Length: " + std::to_string(body.size()) + "\r\n"),
              std::string::npos);
    EXPECT_NE(answer.find("Connection: close\r\n"), std::string::npos);
    EXPECT_EQ(answer.substr(answer.size() - body.size()), body);
  }
  EXPECT_EQ(upstream.accepted(), 0);
  EXPECT_TRUE(proxy->WaitForOpenConnections(0, kPatience));

  Socket forwarded(ConnectTo(proxy->port()));
  SendAll(forwarded.fd(), "GET /stream HTTP/1.1\r\n\r\n");
  EXPECT_EQ(Read(forwarded.fd(), 24, kPatience), "GET /stream HTTP/1.1\r\n\r\n");
  EXPECT_EQ(proxy->request_lines(),
            (std::vector<std::string>{"GET /stream?try=0 HTTP/1.1", "GET /stream?try=1 HTTP/1.1",
                                      "GET /stream HTTP/1.1"}));
}

TEST(FaultProxyTest, RecordsTheFirstRequestLineOfEachConnection) {
  EchoUpstream upstream;
  auto proxy = FaultProxy::Start(upstream.port());
  ASSERT_TRUE(proxy);
  Socket client(ConnectTo(proxy->port()));
  // The line arrives in pieces; the proxy forwards each piece at once and records the line whole.
  SendAll(client.fd(), "GET /stream?backf");
  EXPECT_EQ(Read(client.fd(), 17, kPatience), "GET /stream?backf");
  EXPECT_TRUE(proxy->request_lines().empty());
  SendAll(client.fd(), "illMinutes=2 HTTP/1.1\r");
  EXPECT_EQ(Read(client.fd(), 22, kPatience), "illMinutes=2 HTTP/1.1\r");
  SendAll(client.fd(), "\nHost: x\r\n\r\nGET /second HTTP/1.1\r\n\r\n");
  EXPECT_EQ(Read(client.fd(), 36, kPatience), "\nHost: x\r\n\r\nGET /second HTTP/1.1\r\n\r\n");
  ASSERT_TRUE(proxy->WaitForRequestLines(1, kPatience));

  Socket other(ConnectTo(proxy->port()));
  SendAll(other.fd(), "GET /stream?startTime=2026-11-23T00:00:00Z HTTP/1.1\r\n\r\n");
  ASSERT_TRUE(proxy->WaitForRequestLines(2, kPatience));
  EXPECT_EQ(proxy->request_lines(),
            (std::vector<std::string>{"GET /stream?backfillMinutes=2 HTTP/1.1",
                                      "GET /stream?startTime=2026-11-23T00:00:00Z HTTP/1.1"}));
}

}  // namespace
}  // namespace sluice::testing
