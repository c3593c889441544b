#include "support/load_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace sluice::bench {
namespace {

constexpr size_t kReadBufferBytes = 256 * 1024;
constexpr size_t kMaxHeadBytes = 16 * 1024;
constexpr int kMaxEvents = 256;

std::string Errno(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

}  // namespace

LoadClient::LoadClient(LoadClientOptions options)
    : options_(std::move(options)),
      epoll_(::epoll_create1(EPOLL_CLOEXEC)),
      connections_(static_cast<size_t>(options_.connections)),
      buffer_(kReadBufferBytes) {}

LoadClient::~LoadClient() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
}

Result<std::unique_ptr<LoadClient>> LoadClient::Connect(LoadClientOptions options,
                                                        std::chrono::milliseconds timeout) {
  if (options.requests.empty() || options.connections <= 0) {
    return Status::InvalidArgument("LoadClient needs requests and connections");
  }
  std::unique_ptr<LoadClient> client(new LoadClient(std::move(options)));
  if (!client->epoll_.valid()) return Status::IoError(Errno("epoll_create1"));
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  size_t next = 0;
  epoll_event events[kMaxEvents];
  const int total = client->options_.connections;
  while (client->heads_done_ < total) {
    while (next < static_cast<size_t>(total) &&
           client->pending_connects_ < client->options_.max_pending_connects) {
      SLUICE_RETURN_IF_ERROR(client->OpenSocket(next++));
    }
    if (std::chrono::steady_clock::now() > deadline) {
      return Status::IoError("only " + std::to_string(client->heads_done_) + " of " +
                             std::to_string(total) + " connections got a response head in time");
    }
    const int n = ::epoll_wait(client->epoll_.get(), events, kMaxEvents, 100);
    if (n < 0 && errno != EINTR) return Status::IoError(Errno("epoll_wait"));
    for (int i = 0; i < n; ++i) {
      SLUICE_RETURN_IF_ERROR(client->HandleEvent(events[i].data.u64, events[i].events));
    }
  }
  return client;
}

Status LoadClient::OpenSocket(size_t index) {
  Connection& c = connections_[index];
  if (static_cast<int>(index) < options_.decode_connections) {
    c.counter = ChunkedMessageCounter(&latency_);
  }
  c.fd = UniqueFd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!c.fd.valid()) {
    return Status::IoError(Errno("socket") + " (connection " + std::to_string(index) +
                           "; is RLIMIT_NOFILE high enough?)");
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(options_.port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(c.fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 &&
      errno != EINPROGRESS) {
    return Status::IoError(Errno("connect"));
  }
  c.state = State::kConnecting;
  ++pending_connects_;
  epoll_event ev{};
  ev.events = EPOLLOUT | EPOLLIN;
  ev.data.u64 = index;
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, c.fd.get(), &ev) != 0) {
    return Status::IoError(Errno("epoll_ctl"));
  }
  return Status::Ok();
}

Status LoadClient::HandleEvent(size_t index, uint32_t events) {
  Connection& c = connections_[index];
  if (c.state == State::kConnecting) {
    int error = 0;
    socklen_t len = sizeof error;
    ::getsockopt(c.fd.get(), SOL_SOCKET, SO_ERROR, &error, &len);
    if (error != 0) {
      return Status::IoError("connect to 127.0.0.1:" + std::to_string(options_.port) + ": " +
                             std::strerror(error));
    }
    if (!(events & EPOLLOUT)) return Status::Ok();
    const std::string& request = options_.requests[index % options_.requests.size()];
    // A fresh socket's send buffer takes a request of a few hundred bytes at once.
    if (::send(c.fd.get(), request.data(), request.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(request.size())) {
      return Status::IoError(Errno("send request"));
    }
    c.state = State::kHead;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = index;
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, c.fd.get(), &ev) != 0) {
      return Status::IoError(Errno("epoll_ctl"));
    }
    return Status::Ok();
  }
  if (c.state != State::kHead && c.state != State::kBody) return Status::Ok();
  const ssize_t n = ::recv(c.fd.get(), buffer_.data(), buffer_.size(), 0);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return Status::Ok();
  if (n <= 0) {
    const bool in_head = c.state == State::kHead;
    const std::string why = n == 0 ? "EOF" : std::strerror(errno);
    CloseConnection(c);
    if (in_head) return Status::IoError("connection closed before its response head: " + why);
    return Status::Ok();
  }
  if (c.state == State::kBody) {
    OnBody(c, buffer_.data(), static_cast<size_t>(n));
    return Status::Ok();
  }
  c.head.append(buffer_.data(), static_cast<size_t>(n));
  const size_t end = c.head.find("\r\n\r\n");
  if (end == std::string::npos) {
    if (c.head.size() > kMaxHeadBytes) return Status::IoError("response head over 16 KiB");
    return Status::Ok();
  }
  if (c.head.compare(0, 12, "HTTP/1.1 200") != 0) {
    const std::string line = c.head.substr(0, c.head.find("\r\n"));
    const size_t body = c.head.find('{', end);
    return Status::Unavailable("stream request answered '" + line + "'" +
                               (body != std::string::npos ? ": " + c.head.substr(body, 300) : ""));
  }
  c.state = State::kBody;
  --pending_connects_;
  ++heads_done_;
  open_.fetch_add(1, std::memory_order_relaxed);
  const std::string rest = c.head.substr(end + 4);
  c.head = std::string();
  if (!rest.empty()) OnBody(c, rest.data(), rest.size());
  return Status::Ok();
}

void LoadClient::OnBody(Connection& c, const char* data, size_t size) {
  body_bytes_.store(body_bytes_.load(std::memory_order_relaxed) + size, std::memory_order_relaxed);
  if (&c - connections_.data() >= options_.decode_connections || c.counter.broken()) return;
  const uint64_t messages = c.counter.messages();
  const uint64_t heartbeats = c.counter.heartbeats();
  if (!c.counter.Feed(data, size)) broken_.fetch_add(1, std::memory_order_relaxed);
  messages_.store(messages_.load(std::memory_order_relaxed) + c.counter.messages() - messages,
                  std::memory_order_relaxed);
  heartbeats_.store(
      heartbeats_.load(std::memory_order_relaxed) + c.counter.heartbeats() - heartbeats,
      std::memory_order_relaxed);
}

void LoadClient::CloseConnection(Connection& c) {
  if (c.state == State::kBody) {
    open_.fetch_sub(1, std::memory_order_relaxed);
    closed_.fetch_add(1, std::memory_order_relaxed);
  }
  c.state = State::kClosed;
  c.fd.Reset();  // also removes it from the epoll set
}

void LoadClient::Start() {
  thread_ = std::thread([this] { ReadLoop(); });
}

void LoadClient::ReadLoop() {
  epoll_event events[kMaxEvents];
  while (!stop_.load(std::memory_order_relaxed)) {
    const int n = ::epoll_wait(epoll_.get(), events, kMaxEvents, 50);
    for (int i = 0; i < n; ++i) (void)HandleEvent(events[i].data.u64, events[i].events);
  }
}

LoadTotals LoadClient::Totals() const {
  LoadTotals t;
  t.body_bytes = body_bytes_.load(std::memory_order_relaxed);
  t.messages = messages_.load(std::memory_order_relaxed);
  t.heartbeats = heartbeats_.load(std::memory_order_relaxed);
  t.open = open_.load(std::memory_order_relaxed);
  t.closed = closed_.load(std::memory_order_relaxed);
  t.broken = broken_.load(std::memory_order_relaxed);
  return t;
}

}  // namespace sluice::bench
