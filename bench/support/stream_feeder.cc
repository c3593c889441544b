#include "support/stream_feeder.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <future>
#include <string_view>

namespace sluice::bench {
namespace {

constexpr std::string_view kResponseHead =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: application/json; charset=utf-8\r\n"
    "Transfer-Encoding: chunked\r\n"
    "Connection: close\r\n"
    "\r\n";
constexpr size_t kMaxRequestHead = 16 * 1024;
constexpr size_t kMaxSend = 1 << 20;
constexpr int kMaxPollMs = 100;

Status Errno(const std::string& what) {
  return Status::IoError("stream feeder: " + what + ": " + std::strerror(errno));
}

// A non-blocking listening socket on 127.0.0.1:port (0: any free port).
Result<UniqueFd> Listen(uint16_t port) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return Errno("socket");
  const int one = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    return Errno("bind 127.0.0.1:" + std::to_string(port));
  }
  if (::listen(fd.get(), 64) != 0) return Errno("listen");
  return fd;
}

// Resets the connection instead of closing it in order: the peer reads ECONNRESET.
void Reset(UniqueFd& fd) {
  const linger abort{.l_onoff = 1, .l_linger = 0};
  ::setsockopt(fd.get(), SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
  fd.Reset();
}

}  // namespace

struct StreamFeeder::Connection {
  UniqueFd fd;
  Steady::time_point accepted_at;
  std::string request;
  bool responding = false;
  size_t head_sent = 0;
  size_t body_sent = 0;
  size_t heartbeat_sent = kChunkedHeartbeat.size();  // nothing pending
  Steady::time_point next_heartbeat{};

  bool body_done(size_t body_size) const {
    return head_sent == kResponseHead.size() && body_sent == body_size;
  }
  bool write_pending(size_t body_size) const {
    return responding && (!body_done(body_size) || heartbeat_sent < kChunkedHeartbeat.size());
  }
};

StreamFeeder::StreamFeeder(const PostFeed& feed, std::chrono::milliseconds heartbeat_interval)
    : feed_(feed), heartbeat_interval_(heartbeat_interval) {}

Result<std::unique_ptr<StreamFeeder>> StreamFeeder::Start(
    const PostFeed& feed, std::chrono::milliseconds heartbeat_interval) {
  std::unique_ptr<StreamFeeder> feeder(new StreamFeeder(feed, heartbeat_interval));
  Result<UniqueFd> listener = Listen(0);
  if (!listener.ok()) return listener.status();
  sockaddr_in address{};
  socklen_t length = sizeof address;
  if (::getsockname(listener->get(), reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    return Errno("getsockname");
  }
  feeder->port_ = ntohs(address.sin_port);
  feeder->listener_ = std::move(*listener);
  feeder->wake_ = UniqueFd(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  if (!feeder->wake_.valid()) return Errno("eventfd");
  feeder->thread_ = std::thread([f = feeder.get()] { f->Run(); });
  feeder->thread_handle_ = feeder->thread_.native_handle();
  return feeder;
}

StreamFeeder::~StreamFeeder() {
  if (thread_.joinable()) {
    {
      std::lock_guard lock(mu_);
      quit_ = true;
    }
    const uint64_t one = 1;
    (void)!::write(wake_.get(), &one, sizeof one);
    thread_.join();
  }
}

void StreamFeeder::RunOnFeederThread(std::function<void()> task) {
  std::promise<void> done;
  std::future<void> finished = done.get_future();
  {
    std::lock_guard lock(mu_);
    tasks_.push_back([&task, &done] {
      task();
      done.set_value();
    });
  }
  const uint64_t one = 1;
  (void)!::write(wake_.get(), &one, sizeof one);
  finished.wait();
}

void StreamFeeder::GoAway() {
  RunOnFeederThread([this] {
    listener_.Reset();
    for (auto& connection : connections_) Reset(connection->fd);
    connections_.clear();
    std::lock_guard lock(mu_);
    open_ = 0;
  });
}

Result<StreamFeeder::Steady::time_point> StreamFeeder::ComeBack() {
  Result<UniqueFd> listener = Listen(port_);
  if (!listener.ok()) return listener.status();
  // The kernel completes handshakes into the backlog from listen() on: that is "back".
  const Steady::time_point back = Steady::now();
  RunOnFeederThread([this, &listener] { listener_ = std::move(*listener); });
  return back;
}

std::vector<StreamFeeder::Request> StreamFeeder::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

int StreamFeeder::open_connections() const {
  std::lock_guard lock(mu_);
  return open_;
}

double StreamFeeder::cpu_seconds() const {
  clockid_t clock;
  timespec ts{};
  if (pthread_getcpuclockid(thread_handle_, &clock) != 0 || clock_gettime(clock, &ts) != 0) {
    return 0;
  }
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

void StreamFeeder::Accept() {
  while (true) {
    UniqueFd fd(::accept4(listener_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (!fd.valid()) return;  // EAGAIN, or a connection reset before it was accepted
    const int one = 1;
    ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    auto connection = std::make_unique<Connection>();
    connection->fd = std::move(fd);
    connection->accepted_at = Steady::now();
    connections_.push_back(std::move(connection));
    std::lock_guard lock(mu_);
    ++open_;
  }
}

bool StreamFeeder::Read(Connection& c) {
  char buffer[16 * 1024];
  while (true) {
    const ssize_t n = ::recv(c.fd.get(), buffer, sizeof buffer, 0);
    if (n == 0) return false;
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    if (c.responding) continue;  // nothing more is expected; discard
    c.request.append(buffer, static_cast<size_t>(n));
    if (c.request.find("\r\n\r\n") != std::string::npos) {
      c.responding = true;
      const Steady::time_point now = Steady::now();
      c.next_heartbeat = now;  // an empty feed starts with a heartbeat at once
      const size_t space = c.request.find(' ');
      const size_t end = c.request.find(' ', space + 1);
      std::string target = space == std::string::npos || end == std::string::npos
                               ? std::string()
                               : c.request.substr(space + 1, end - space - 1);
      std::lock_guard lock(mu_);
      requests_.push_back({c.accepted_at, now, std::move(target)});
    } else if (c.request.size() > kMaxRequestHead) {
      return false;
    }
  }
}

bool StreamFeeder::Write(Connection& c, Steady::time_point now) {
  if (!c.responding) return true;
  const std::string_view body = feed_.body;
  if (c.body_done(body.size()) && c.heartbeat_sent == kChunkedHeartbeat.size() &&
      now >= c.next_heartbeat) {
    c.heartbeat_sent = 0;
    c.next_heartbeat = now + heartbeat_interval_;
  }
  while (c.write_pending(body.size())) {
    std::string_view pending;
    size_t* sent;
    if (c.head_sent < kResponseHead.size()) {
      pending = kResponseHead.substr(c.head_sent);
      sent = &c.head_sent;
    } else if (c.body_sent < body.size()) {
      pending = body.substr(c.body_sent, kMaxSend);
      sent = &c.body_sent;
    } else {
      pending = kChunkedHeartbeat.substr(c.heartbeat_sent);
      sent = &c.heartbeat_sent;
    }
    const ssize_t n =
        ::send(c.fd.get(), pending.data(), pending.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    *sent += static_cast<size_t>(n);
  }
  return true;
}

void StreamFeeder::Run() {
  std::vector<pollfd> fds;
  while (true) {
    std::vector<std::function<void()>> tasks;
    {
      std::lock_guard lock(mu_);
      if (quit_) return;
      tasks.swap(tasks_);
    }
    for (auto& task : tasks) task();

    Steady::time_point now = Steady::now();
    const size_t body_size = feed_.body.size();
    fds.clear();
    fds.push_back({wake_.get(), POLLIN, 0});
    fds.push_back({listener_.valid() ? listener_.get() : -1, POLLIN, 0});
    int timeout_ms = kMaxPollMs;
    for (const auto& c : connections_) {
      short events = POLLIN;
      if (c->write_pending(body_size)) events |= POLLOUT;
      fds.push_back({c->fd.get(), events, 0});
      if (c->responding && c->body_done(body_size) && !c->write_pending(body_size)) {
        const auto until = std::chrono::ceil<std::chrono::milliseconds>(c->next_heartbeat - now);
        timeout_ms = std::clamp(static_cast<int>(until.count()), 0, timeout_ms);
      }
    }
    if (::poll(fds.data(), fds.size(), timeout_ms) < 0 && errno != EINTR) return;
    if (fds[0].revents & POLLIN) {
      uint64_t count;
      (void)!::read(wake_.get(), &count, sizeof count);
    }
    if (fds[1].fd >= 0 && (fds[1].revents & POLLIN)) Accept();
    now = Steady::now();
    // Connections accepted just now are not in `fds`; they are polled next time round.
    size_t polled = fds.size() - 2;
    for (size_t i = 0; i < connections_.size();) {
      Connection& c = *connections_[i];
      const short revents = i < polled ? fds[i + 2].revents : 0;
      bool keep = true;
      if (revents & (POLLIN | POLLHUP | POLLERR)) keep = Read(c);
      if (keep) keep = Write(c, now);
      if (keep) {
        ++i;
        continue;
      }
      connections_.erase(connections_.begin() + static_cast<std::ptrdiff_t>(i));
      if (i < polled) {
        fds.erase(fds.begin() + static_cast<std::ptrdiff_t>(i) + 2);
        --polled;
      }
      std::lock_guard lock(mu_);
      --open_;
    }
  }
}

}  // namespace sluice::bench
