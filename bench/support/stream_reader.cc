#include "support/stream_reader.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <string_view>
#include <vector>

#include "support/chunk_counter.h"
#include "base/unique_fd.h"

namespace sluice::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kReadBytes = 256 * 1024;
constexpr size_t kTailBytes = 1024;  // of the body kept to find the completion message
constexpr std::string_view kCompleted = "Recovery Request Completed";
constexpr std::string_view kActivityCount = "\"activity_count\":";

double Since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// The completion message and its count, from the last bytes of a body.
void ReadCompletion(std::string_view tail, StreamRead& read) {
  const size_t at = tail.rfind(kCompleted);
  if (at == std::string_view::npos) return;
  read.completed = true;
  const size_t count = tail.find(kActivityCount, at);
  if (count == std::string_view::npos) return;
  int64_t n = 0;
  for (size_t i = count + kActivityCount.size();
       i < tail.size() && tail[i] >= '0' && tail[i] <= '9'; ++i) {
    n = n * 10 + (tail[i] - '0');
  }
  read.activity_count = n;
}

}  // namespace

Result<StreamRead> ReadStream(const StreamReadOptions& options) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return Status::IoError(std::string("socket: ") + std::strerror(errno));
  const int one = 1;
  ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(options.port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    return Status::IoError(std::string("connect: ") + std::strerror(errno));
  }
  StreamRead read;
  const auto t0 = Clock::now();
  const auto deadline = t0 + options.timeout;
  if (::send(fd.get(), options.request.data(), options.request.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(options.request.size())) {
    return Status::IoError(std::string("send request: ") + std::strerror(errno));
  }
  std::vector<char> buffer(kReadBytes);
  std::string head;
  std::string tail;
  bool in_body = false;
  ChunkedMessageCounter counter;
  auto on_body = [&](const char* data, size_t size) {
    read.body_bytes += size;
    tail.append(data, size);
    if (tail.size() > 2 * kTailBytes) tail.erase(0, tail.size() - kTailBytes);
    if (!options.plain) return;
    counter.Feed(data, size);
    if (read.first_post_s < 0 && counter.decoded_bytes() > 0) read.first_post_s = Since(t0);
  };
  while (true) {
    if (options.stop && options.stop->load(std::memory_order_relaxed)) break;
    if (options.stop_at_first_post && read.first_post_s >= 0) break;
    if (in_body && options.plain && counter.finished()) break;
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return Status::IoError("stream did not end in time");
    pollfd p{fd.get(), POLLIN, 0};
    // Short polls, so that a stop request is seen soon.
    const int ready = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(left.count(), 50)));
    if (ready < 0 && errno != EINTR)
      return Status::IoError(std::string("poll: ") + std::strerror(errno));
    if (ready <= 0) continue;
    const ssize_t n = ::recv(fd.get(), buffer.data(), buffer.size(), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::IoError(std::string("recv: ") + std::strerror(errno));
    if (n == 0) {
      if (!in_body) return Status::IoError("connection closed before the response head");
      break;
    }
    if (in_body) {
      on_body(buffer.data(), static_cast<size_t>(n));
      continue;
    }
    head.append(buffer.data(), static_cast<size_t>(n));
    const size_t end = head.find("\r\n\r\n");
    if (end == std::string::npos) continue;
    if (head.compare(0, 12, "HTTP/1.1 200") != 0) {
      return Status::Unavailable("stream request answered '" + head.substr(0, head.find("\r\n")) +
                                 "': " + head.substr(end + 4, 300));
    }
    read.head_s = Since(t0);
    in_body = true;
    if (head.size() > end + 4) on_body(head.data() + end + 4, head.size() - end - 4);
  }
  read.end_s = Since(t0);
  read.messages = counter.messages();
  ReadCompletion(tail, read);
  return read;
}

}  // namespace sluice::bench
