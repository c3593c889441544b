#include "support/writev_baseline.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <cerrno>
#include <cstring>

namespace sluice::bench {
namespace {

// IOV_MAX: the ceiling takes the largest gathered write Linux allows (about 3 MB of 2.9 KB
// messages). Boost.Asio, under sluiced, passes at most 64 buffers to one sendmsg.
constexpr size_t kMaxIov = 1024;
constexpr uint64_t kMaxBytesPerTurn = 8ull << 20;
constexpr std::string_view kHead = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n";

std::string Errno(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

}  // namespace

Result<std::unique_ptr<WritevBaseline>> WritevBaseline::Start(std::vector<std::string> messages,
                                                              int connections) {
  if (messages.empty()) return Status::InvalidArgument("no messages for the writev baseline");
  std::unique_ptr<WritevBaseline> b(new WritevBaseline(std::move(messages), connections));
  b->listener_ = UniqueFd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  b->epoll_ = UniqueFd(::epoll_create1(EPOLL_CLOEXEC));
  if (!b->listener_.valid() || !b->epoll_.valid()) return Status::IoError(Errno("socket/epoll"));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(b->listener_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(b->listener_.get(), SOMAXCONN) != 0 ||
      ::getsockname(b->listener_.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return Status::IoError(Errno("listen on 127.0.0.1:0"));
  }
  b->port_ = ntohs(addr.sin_port);
  b->thread_ = std::thread([raw = b.get()] { raw->Run(); });
  return b;
}

WritevBaseline::~WritevBaseline() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
}

std::string WritevBaseline::error() const {
  return failed_.load(std::memory_order_acquire) ? error_ : std::string();
}

bool WritevBaseline::AcceptAll() {
  while (static_cast<int>(sockets_.size()) < connections_) {
    if (stop_.load(std::memory_order_relaxed)) return false;
    pollfd p{listener_.get(), POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    UniqueFd fd(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (!fd.valid()) {
      if (errno == EAGAIN || errno == EINTR || errno == ECONNABORTED) continue;
      error_ = Errno("accept4");
      return false;
    }
    const int one = 1;
    ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // as sluiced does
    // A fresh socket's send buffer takes the head at once (the socket is still blocking).
    if (::send(fd.get(), kHead.data(), kHead.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(kHead.size())) {
      error_ = Errno("send head");
      return false;
    }
    sockets_.push_back(Socket{std::move(fd)});
  }
  for (size_t i = 0; i < sockets_.size(); ++i) {
    const int fd = sockets_[i].fd.get();
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    epoll_event ev{};
    ev.events = EPOLLOUT | EPOLLET;
    ev.data.u64 = i;
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, sockets_[i].fd.get(), &ev) != 0) {
      error_ = Errno("epoll_ctl");
      return false;
    }
  }
  return true;
}

bool WritevBaseline::WriteUntilBlocked(Socket& s) {
  iovec iov[kMaxIov];
  // At most kMaxBytesPerTurn per turn, as sluiced caps one write, so one fast reader cannot
  // starve the others; a socket that did not block goes back on the ready list.
  uint64_t written = 0;
  while (written < kMaxBytesPerTurn) {
    size_t count = 0;
    size_t m = s.message;
    size_t offset = s.offset;
    while (count < kMaxIov) {
      const std::string& message = messages_[m];
      iov[count].iov_base = const_cast<char*>(message.data() + offset);
      iov[count].iov_len = message.size() - offset;
      ++count;
      offset = 0;
      m = (m + 1) % messages_.size();
    }
    const ssize_t n = ::writev(s.fd.get(), iov, static_cast<int>(count));
    if (n < 0) {
      if (errno != EAGAIN && errno != EINTR) s.fd.Reset();  // the reader went away
      return false;
    }
    written += static_cast<uint64_t>(n);
    bytes_written_.store(bytes_written_.load(std::memory_order_relaxed) + static_cast<uint64_t>(n),
                         std::memory_order_relaxed);
    // Advance the position by n bytes.
    size_t left = static_cast<size_t>(n);
    while (left > 0) {
      const size_t rest = messages_[s.message].size() - s.offset;
      if (left < rest) {
        s.offset += left;
        left = 0;
      } else {
        left -= rest;
        s.offset = 0;
        s.message = (s.message + 1) % messages_.size();
      }
    }
  }
  return true;
}

void WritevBaseline::Run() {
  if (!AcceptAll()) {
    if (!error_.empty()) failed_.store(true, std::memory_order_release);
    return;
  }
  constexpr int kMaxEvents = 256;
  epoll_event events[kMaxEvents];
  std::vector<size_t> ready, still_ready;
  while (!stop_.load(std::memory_order_relaxed)) {
    const int n = ::epoll_wait(epoll_.get(), events, kMaxEvents, ready.empty() ? 50 : 0);
    for (int i = 0; i < n; ++i) ready.push_back(events[i].data.u64);
    still_ready.clear();
    for (size_t index : ready) {
      Socket& s = sockets_[index];
      if (s.fd.valid() && WriteUntilBlocked(s)) still_ready.push_back(index);
    }
    ready.swap(still_ready);
  }
}

}  // namespace sluice::bench
