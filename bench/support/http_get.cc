#include "support/http_get.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "base/unique_fd.h"

namespace sluice::bench {

Result<UniqueFd> ConnectLoopback(uint16_t port, std::chrono::milliseconds timeout) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return Status::IoError(std::string("socket: ") + std::strerror(errno));
  timeval tv{};
  tv.tv_sec = timeout.count() / 1000;
  tv.tv_usec = (timeout.count() % 1000) * 1000;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    return Status::IoError("connect 127.0.0.1:" + std::to_string(port) + ": " +
                           std::strerror(errno));
  }
  return fd;
}

Result<std::string> Exchange(const UniqueFd& fd, std::string_view request, std::string_view what) {
  for (size_t sent = 0; sent < request.size();) {
    const ssize_t n = ::send(fd.get(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status::IoError(std::string(what) + ": send: " + std::strerror(errno));
    sent += static_cast<size_t>(n);
  }
  std::string response;
  char buffer[64 * 1024];
  for (;;) {
    const ssize_t n = ::recv(fd.get(), buffer, sizeof buffer, 0);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IoError(std::string(what) + ": " + std::strerror(errno));
    }
    response.append(buffer, static_cast<size_t>(n));
    if (response.size() > (64u << 20)) return Status::Internal("response over 64 MiB");
  }
  return response;
}

Result<std::string> HttpGet(uint16_t port, std::string_view target,
                            std::chrono::milliseconds timeout) {
  Result<UniqueFd> connected = ConnectLoopback(port, timeout);
  if (!connected.ok()) return connected.status();
  UniqueFd fd = std::move(connected).value();
  const std::string request =
      "GET " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  Result<std::string> exchanged = Exchange(fd, request, "GET " + std::string(target));
  if (!exchanged.ok()) return exchanged.status();
  const std::string& response = *exchanged;
  const size_t head_end = response.find("\r\n\r\n");
  if (head_end == std::string::npos || response.compare(0, 12, "HTTP/1.1 200") != 0) {
    return Status::Internal("GET " + std::string(target) + ": " + response.substr(0, 200));
  }
  return response.substr(head_end + 4);
}

double MetricSum(std::string_view text, std::string_view name, std::string_view label_filter) {
  double sum = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line.empty() || line[0] == '#' || line.substr(0, name.size()) != name) continue;
    const std::string_view rest = line.substr(name.size());
    std::string_view labels;
    size_t value_at = 0;
    if (!rest.empty() && rest[0] == '{') {
      const size_t close = rest.find('}');
      if (close == std::string_view::npos) continue;
      labels = rest.substr(0, close + 1);
      value_at = close + 1;
    } else if (rest.empty() || rest[0] != ' ') {
      continue;  // a longer metric name with this prefix
    }
    if (!label_filter.empty() && labels.find(label_filter) == std::string_view::npos) continue;
    sum += std::strtod(std::string(rest.substr(value_at)).c_str(), nullptr);
  }
  return sum;
}

}  // namespace sluice::bench
