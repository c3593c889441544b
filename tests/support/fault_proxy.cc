#include "support/fault_proxy.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>
#include <utility>

namespace sluice::testing {
namespace {

// Accepts per wake-up, so a connect storm cannot starve the connections already open.
constexpr int kMaxAcceptsPerTurn = 32;
// Only a safety net: controls and I/O wake the loop themselves.
constexpr int kPollTimeoutMs = 100;

void SetLingerZero(int fd) {
  linger option{};
  option.l_onoff = 1;
  option.l_linger = 0;
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, sizeof(option));
}

void ResetAndClose(int fd) {
  if (fd < 0) return;
  SetLingerZero(fd);
  close(fd);
}

void SetNoDelay(int fd) {
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

sockaddr_in Loopback(uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

bool WouldBlock(int error) { return error == EAGAIN || error == EWOULDBLOCK || error == EINTR; }

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 409:
      return "Conflict";
    case 420:
      return "Enhance Your Calm";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Error";
  }
}

}  // namespace

struct FaultProxy::Connection {
  size_t index = 0;
  int client_fd = -1;
  int upstream_fd = -1;  // -1 for a canned answer
  bool canned = false;
  bool upstream_connected = false;
  bool stalled = false;

  std::string to_upstream;  // read from the client, not yet written upstream
  std::string to_client;    // read from upstream (or the canned answer), not yet written
  bool client_eof = false;
  bool upstream_eof = false;
  bool client_write_shut = false;
  bool upstream_write_shut = false;

  std::string head;  // the first bytes from the client, until the request line (or head) is whole
  bool request_line_seen = false;
  bool head_done = false;
  std::string canned_response;  // fixed at accept time
};

std::unique_ptr<FaultProxy> FaultProxy::Start(uint16_t upstream_port) {
  const int listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (listen_fd < 0) {
    ADD_FAILURE() << "FaultProxy: socket: " << std::strerror(errno);
    return nullptr;
  }
  sockaddr_in address = Loopback(0);
  socklen_t length = sizeof(address);
  if (bind(listen_fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      listen(listen_fd, SOMAXCONN) != 0 ||
      getsockname(listen_fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ADD_FAILURE() << "FaultProxy: cannot listen on 127.0.0.1: " << std::strerror(errno);
    close(listen_fd);
    return nullptr;
  }
  int wake[2];
  if (pipe2(wake, O_NONBLOCK | O_CLOEXEC) != 0) {
    ADD_FAILURE() << "FaultProxy: pipe2: " << std::strerror(errno);
    close(listen_fd);
    return nullptr;
  }
  return std::unique_ptr<FaultProxy>(
      new FaultProxy(listen_fd, wake[0], wake[1], ntohs(address.sin_port), upstream_port));
}

FaultProxy::FaultProxy(int listen_fd, int wake_read_fd, int wake_write_fd, uint16_t port,
                       uint16_t upstream_port)
    : listen_fd_(listen_fd),
      wake_read_fd_(wake_read_fd),
      wake_write_fd_(wake_write_fd),
      port_(port),
      upstream_port_(upstream_port),
      thread_([this] { Loop(); }) {}

FaultProxy::~FaultProxy() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  Wake();
  thread_.join();
  close(listen_fd_);
  close(wake_read_fd_);
  close(wake_write_fd_);
}

size_t FaultProxy::accepted() const {
  std::lock_guard lock(mutex_);
  return accepted_;
}

size_t FaultProxy::open_connections() const {
  std::lock_guard lock(mutex_);
  return open_;
}

std::vector<std::string> FaultProxy::request_lines() const {
  std::lock_guard lock(mutex_);
  return request_lines_;
}

bool FaultProxy::WaitForAccepted(size_t count, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return state_changed_.wait_for(lock, timeout, [&] { return accepted_ >= count; });
}

bool FaultProxy::WaitForRequestLines(size_t count, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return state_changed_.wait_for(lock, timeout, [&] { return request_lines_.size() >= count; });
}

bool FaultProxy::WaitForOpenConnections(size_t count, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return state_changed_.wait_for(lock, timeout, [&] { return open_ == count; });
}

void FaultProxy::DropConnection(size_t index) {
  RunOnProxyThread([this, index] {
    if (index < connections_.size() && connections_[index]) {
      CloseConnection(*connections_[index], /*reset=*/true);
    }
  });
}

void FaultProxy::DropAll() {
  RunOnProxyThread([this] {
    for (auto& connection : connections_) {
      if (connection) CloseConnection(*connection, /*reset=*/true);
    }
  });
}

void FaultProxy::SetRefuse(bool refuse) {
  RunOnProxyThread([this, refuse] { refuse_ = refuse; });
}

void FaultProxy::Stall(size_t index) {
  RunOnProxyThread([this, index] {
    if (index < connections_.size() && connections_[index]) connections_[index]->stalled = true;
  });
}

void FaultProxy::StallAll() {
  RunOnProxyThread([this] {
    for (auto& connection : connections_) {
      if (connection) connection->stalled = true;
    }
  });
}

void FaultProxy::RespondNext(int http_status, std::string body, size_t count) {
  std::string response =
      "HTTP/1.1 " + std::to_string(http_status) + " " + std::string(ReasonPhrase(http_status)) +
      "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\nConnection: close\r\n\r\n" + body;
  RunOnProxyThread([this, count, response = std::move(response)]() mutable {
    respond_remaining_ = count;
    canned_response_ = std::move(response);
  });
}

void FaultProxy::RunOnProxyThread(std::function<void()> command) {
  std::unique_lock lock(mutex_);
  if (stopping_) return;
  commands_.push_back(std::move(command));
  const uint64_t ticket = ++commands_queued_;
  lock.unlock();
  Wake();
  lock.lock();
  state_changed_.wait(lock, [&] { return commands_done_ >= ticket || stopping_; });
}

void FaultProxy::Wake() {
  const char byte = 1;
  // A full pipe already holds a wake-up, so a failed write loses nothing.
  [[maybe_unused]] ssize_t ignored = write(wake_write_fd_, &byte, 1);
}

void FaultProxy::RunPendingCommands() {
  std::deque<std::function<void()>> commands;
  {
    std::lock_guard lock(mutex_);
    commands.swap(commands_);
  }
  for (auto& command : commands) command();
  if (commands.empty()) return;
  {
    std::lock_guard lock(mutex_);
    commands_done_ += commands.size();
  }
  state_changed_.notify_all();
}

void FaultProxy::Loop() {
  std::vector<pollfd> fds;
  std::vector<size_t>
      polled;  // connection index of fds[2 + 2 * i] (client) and the next (upstream)
  while (true) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) break;
    }
    fds.clear();
    polled.clear();
    fds.push_back({wake_read_fd_, POLLIN, 0});
    fds.push_back({listen_fd_, POLLIN, 0});
    for (const auto& connection : connections_) {
      if (!connection || connection->stalled) continue;
      const Connection& c = *connection;
      short client_events = 0;
      if (!c.client_eof && (c.canned ? !c.head_done : c.to_upstream.size() < kBufferBytes)) {
        client_events |= POLLIN;
      }
      if (c.canned && c.client_write_shut && !c.client_eof) client_events |= POLLIN;
      if (!c.to_client.empty()) client_events |= POLLOUT;
      short upstream_events = 0;
      if (!c.canned) {
        if (!c.upstream_connected) {
          upstream_events = POLLOUT;
        } else {
          if (!c.upstream_eof && c.to_client.size() < kBufferBytes) upstream_events |= POLLIN;
          if (!c.to_upstream.empty()) upstream_events |= POLLOUT;
        }
      }
      // A side with nothing to wait for is left out (fd -1: poll ignores it), so a lasting
      // POLLHUP on a half-closed socket cannot spin the loop.
      fds.push_back({client_events != 0 ? c.client_fd : -1, client_events, 0});
      fds.push_back({upstream_events != 0 ? c.upstream_fd : -1, upstream_events, 0});
      polled.push_back(c.index);
    }
    if (poll(fds.data(), fds.size(), kPollTimeoutMs) < 0 && errno != EINTR) {
      ADD_FAILURE() << "FaultProxy: poll: " << std::strerror(errno);
      break;
    }
    if (fds[0].revents & POLLIN) {
      char drain[64];
      while (read(wake_read_fd_, drain, sizeof(drain)) > 0) {
      }
    }
    // Controls first: a connection dropped or stalled by one is not serviced below.
    RunPendingCommands();
    if (fds[1].revents & POLLIN) {
      for (int i = 0; i < kMaxAcceptsPerTurn; ++i) {
        const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) break;
        AcceptOne(fd);
      }
    }
    for (size_t i = 0; i < polled.size(); ++i) {
      Connection* connection = connections_[polled[i]].get();
      if (!connection || connection->stalled) continue;
      ServiceConnection(*connection, fds[2 + 2 * i].revents, fds[3 + 2 * i].revents);
    }
  }
  for (auto& connection : connections_) {
    if (connection) CloseConnection(*connection, /*reset=*/true);
  }
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;  // also when poll failed: later controls must not wait for this thread
  }
  state_changed_.notify_all();
}

void FaultProxy::AcceptOne(int fd) {
  const size_t index = connections_.size();
  connections_.push_back(nullptr);
  size_t open;
  {
    std::lock_guard lock(mutex_);
    accepted_ = connections_.size();
    open = open_;
  }
  state_changed_.notify_all();
  if (refuse_ || open >= kMaxOpenConnections) {
    ResetAndClose(fd);
    return;
  }
  SetNoDelay(fd);
  auto connection = std::make_unique<Connection>();
  connection->index = index;
  connection->client_fd = fd;
  if (respond_remaining_ > 0) {
    --respond_remaining_;
    connection->canned = true;
    connection->canned_response = canned_response_;
  } else {
    const int upstream = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    const sockaddr_in address = Loopback(upstream_port_);
    const int rc = upstream < 0 ? -1
                                : connect(upstream, reinterpret_cast<const sockaddr*>(&address),
                                          sizeof(address));
    if (rc != 0 && (upstream < 0 || errno != EINPROGRESS)) {
      // Upstream down: the client sees what it would see without the proxy, a network error.
      if (upstream >= 0) close(upstream);
      ResetAndClose(fd);
      return;
    }
    SetNoDelay(upstream);
    connection->upstream_fd = upstream;
    connection->upstream_connected = rc == 0;
  }
  connections_[index] = std::move(connection);
  {
    std::lock_guard lock(mutex_);
    ++open_;
  }
  state_changed_.notify_all();
}

void FaultProxy::ServiceConnection(Connection& connection, short client_events,
                                   short upstream_events) {
  const size_t index = connection.index;
  auto alive = [&] { return connections_[index] != nullptr; };
  if (!connection.canned && !connection.upstream_connected && upstream_events != 0) {
    int error = 0;
    socklen_t length = sizeof(error);
    getsockopt(connection.upstream_fd, SOL_SOCKET, SO_ERROR, &error, &length);
    if (error != 0) {
      CloseConnection(connection, /*reset=*/true);
      return;
    }
    connection.upstream_connected = true;
    upstream_events = 0;  // the connect's own POLLOUT carries no data
  }
  if (client_events & (POLLIN | POLLHUP | POLLERR)) {
    ReadFrom(connection, /*from_client=*/true);
    if (!alive()) return;
  }
  if (upstream_events & (POLLIN | POLLHUP | POLLERR)) {
    ReadFrom(connection, /*from_client=*/false);
    if (!alive()) return;
  }
  // Writes are tried whenever something waits: a fresh read is usually writable at once.
  if (!connection.to_client.empty()) {
    WriteTo(connection, /*to_client=*/true);
    if (!alive()) return;
  }
  if (!connection.to_upstream.empty() && connection.upstream_connected) {
    WriteTo(connection, /*to_client=*/false);
    if (!alive()) return;
  }
  FinishIfDone(connection);
}

void FaultProxy::ReadFrom(Connection& connection, bool from_client) {
  const int fd = from_client ? connection.client_fd : connection.upstream_fd;
  std::string& buffer = from_client ? connection.to_upstream : connection.to_client;
  char data[16 * 1024];
  size_t room = kBufferBytes > buffer.size() ? kBufferBytes - buffer.size() : 0;
  // A canned answer's client is read only for its head, then drained until it closes.
  if (from_client && connection.canned) room = sizeof(data);
  if (room == 0) return;
  const ssize_t n = recv(fd, data, std::min(room, sizeof(data)), 0);
  if (n < 0) {
    if (WouldBlock(errno)) return;
    CloseConnection(connection, /*reset=*/true);  // pass the failure on as a reset
    return;
  }
  if (n == 0) {
    (from_client ? connection.client_eof : connection.upstream_eof) = true;
    if (from_client && connection.canned && !connection.head_done) {
      connection.head_done = true;
      QueueCannedResponse(connection);
    }
    return;
  }
  if (!from_client) {
    buffer.append(data, static_cast<size_t>(n));
    return;
  }
  CaptureRequestHead(connection, data, static_cast<size_t>(n));
  if (!connection.canned) buffer.append(data, static_cast<size_t>(n));
}

void FaultProxy::CaptureRequestHead(Connection& connection, const char* data, size_t size) {
  if (connection.head_done) return;
  const size_t take = std::min(size, kMaxRequestHeadBytes - connection.head.size());
  connection.head.append(data, take);
  if (!connection.request_line_seen) {
    if (const size_t end = connection.head.find("\r\n"); end != std::string::npos) {
      connection.request_line_seen = true;
      {
        std::lock_guard lock(mutex_);
        request_lines_.push_back(connection.head.substr(0, end));
      }
      state_changed_.notify_all();
    }
  }
  const bool full = connection.head.size() >= kMaxRequestHeadBytes;
  if (connection.canned) {
    if (connection.head.find("\r\n\r\n") != std::string::npos || full) {
      connection.head_done = true;
      QueueCannedResponse(connection);
    }
  } else if (connection.request_line_seen || full) {
    connection.head_done = true;
  }
  if (connection.head_done) connection.head.clear();
}

void FaultProxy::QueueCannedResponse(Connection& connection) {
  connection.to_client = std::move(connection.canned_response);
}

void FaultProxy::WriteTo(Connection& connection, bool to_client) {
  const int fd = to_client ? connection.client_fd : connection.upstream_fd;
  std::string& buffer = to_client ? connection.to_client : connection.to_upstream;
  const ssize_t n = send(fd, buffer.data(), buffer.size(), MSG_NOSIGNAL);
  if (n < 0) {
    if (WouldBlock(errno)) return;
    CloseConnection(connection, /*reset=*/true);
    return;
  }
  buffer.erase(0, static_cast<size_t>(n));
}

void FaultProxy::FinishIfDone(Connection& connection) {
  if (connection.canned) {
    // Answer written: send FIN, then read the client out until it closes, so that unread
    // request bytes cannot turn our close into a reset that destroys the answer.
    if (connection.head_done && connection.to_client.empty() && !connection.client_write_shut) {
      shutdown(connection.client_fd, SHUT_WR);
      connection.client_write_shut = true;
    }
    if (connection.client_write_shut && connection.client_eof) {
      CloseConnection(connection, /*reset=*/false);
    }
    return;
  }
  // Half-closes travel through once everything before them is delivered.
  if (connection.client_eof && connection.to_upstream.empty() && connection.upstream_connected &&
      !connection.upstream_write_shut) {
    shutdown(connection.upstream_fd, SHUT_WR);
    connection.upstream_write_shut = true;
  }
  if (connection.upstream_eof && connection.to_client.empty() && !connection.client_write_shut) {
    shutdown(connection.client_fd, SHUT_WR);
    connection.client_write_shut = true;
  }
  if (connection.client_write_shut && connection.upstream_write_shut) {
    CloseConnection(connection, /*reset=*/false);
  }
}

void FaultProxy::CloseConnection(Connection& connection, bool reset) {
  for (const int fd : {connection.client_fd, connection.upstream_fd}) {
    if (fd < 0) continue;
    if (reset) SetLingerZero(fd);
    close(fd);
  }
  connections_[connection.index].reset();  // destroys `connection`
  {
    std::lock_guard lock(mutex_);
    --open_;
  }
  state_changed_.notify_all();
}

}  // namespace sluice::testing
