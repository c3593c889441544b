#include "support/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace sluice::testing {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kRequestTimeout = std::chrono::seconds(60);

std::string Base64(const std::string& in) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int k = 18; k >= 0; k -= 6) out += kAlphabet[(v >> k) & 63];
  }
  if (i + 1 == in.size()) {
    const uint32_t v = uint8_t(in[i]) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    const uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

int Connect(uint16_t port, int receive_buffer) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (receive_buffer > 0) {
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

bool SendAll(int fd, const std::string& data) {
  size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += n;
  }
  return true;
}

// Reads into `buf`; false on EOF, error or deadline.
bool ReadSome(int fd, std::string& buf, Clock::time_point deadline, bool* timed_out) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  if (left.count() <= 0) {
    if (timed_out) *timed_out = true;
    return false;
  }
  pollfd p{fd, POLLIN, 0};
  const int r = poll(&p, 1, static_cast<int>(left.count()));
  if (r == 0) {
    if (timed_out) *timed_out = true;
    return false;
  }
  if (r < 0) return false;
  char tmp[65536];
  const ssize_t n = recv(fd, tmp, sizeof tmp, 0);
  if (n <= 0) return false;
  buf.append(tmp, n);
  return true;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Parses "HTTP/1.1 200 OK\r\nName: value\r\n…\r\n\r\n" at the front of `raw` (removed).
bool ParseHead(std::string& raw, int& status, std::map<std::string, std::string>& headers) {
  const size_t end = raw.find("\r\n\r\n");
  if (end == std::string::npos) return false;
  const std::string head = raw.substr(0, end);
  raw.erase(0, end + 4);
  status = std::atoi(head.substr(9, 3).c_str());
  size_t pos = head.find("\r\n");
  while (pos != std::string::npos) {
    const size_t next = head.find("\r\n", pos + 2);
    const std::string line =
        head.substr(pos + 2, next == std::string::npos ? next : next - pos - 2);
    const size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      headers[Lower(line.substr(0, colon))] = value;
    }
    pos = next;
  }
  return true;
}

}  // namespace

std::string BasicAuth(const std::string& user, const std::string& password) {
  return "Basic " + Base64(user + ":" + password);
}

std::unique_ptr<StreamClient> StreamClient::Open(uint16_t port, const std::string& target,
                                                 const std::string& user,
                                                 const std::string& password, bool gzip,
                                                 int receive_buffer) {
  std::unique_ptr<StreamClient> c(new StreamClient());
  c->fd_ = Connect(port, receive_buffer);
  if (c->fd_ < 0) return c;
  std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  if (!user.empty()) request += "Authorization: " + BasicAuth(user, password) + "\r\n";
  if (gzip) request += "Accept-Encoding: gzip\r\n";
  request += "\r\n";
  if (!SendAll(c->fd_, request)) return c;
  const auto deadline = Clock::now() + kRequestTimeout;
  while (!ParseHead(c->raw_, c->status_, c->headers_)) {
    if (!ReadSome(c->fd_, c->raw_, deadline, nullptr)) return c;
  }
  auto header = [&](const std::string& name) {
    const auto it = c->headers_.find(name);
    return it == c->headers_.end() ? std::string() : Lower(it->second);
  };
  c->chunked_ = header("transfer-encoding") == "chunked";
  c->gzip_ = header("content-encoding") == "gzip";
  if (c->gzip_) {
    inflateInit2(&c->inflater_, 16 + MAX_WBITS);
    c->inflater_ready_ = true;
  }
  if (c->status_ != 200 && c->headers_.count("content-length")) {
    // A keep-alive error answer: read exactly its body.
    const size_t length = std::stoull(c->headers_.at("content-length"));
    while (c->raw_.size() < length && ReadSome(c->fd_, c->raw_, deadline, nullptr)) {
    }
    c->error_body_ = c->raw_.substr(0, length);
    c->ended_ = true;
    return c;
  }
  if (c->status_ != 200) {
    // Read the whole (small) error body.
    std::optional<std::string> m;
    while ((m = c->Next(std::chrono::seconds(10)))) c->error_body_ += *m + "\r\n";
    c->error_body_ += c->messages_.substr(c->consumed_);
  }
  return c;
}

StreamClient::~StreamClient() {
  Close();
  if (inflater_ready_) inflateEnd(&inflater_);
}

void StreamClient::Close() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

void StreamClient::Feed(const char* data, size_t n) {
  raw_body_bytes_ += n;
  if (!gzip_) {
    messages_.append(data, n);
    return;
  }
  inflater_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data));
  inflater_.avail_in = static_cast<uInt>(n);
  char out[65536];
  while (inflater_.avail_in > 0 && !gzip_done_) {
    inflater_.next_out = reinterpret_cast<Bytef*>(out);
    inflater_.avail_out = sizeof out;
    const int r = inflate(&inflater_, Z_NO_FLUSH);
    messages_.append(out, sizeof out - inflater_.avail_out);
    if (r == Z_STREAM_END) {
      gzip_done_ = true;
    } else if (r != Z_OK && r != Z_BUF_ERROR) {
      ended_ = true;  // corrupt gzip: stop, not cleanly
      return;
    }
    if (r == Z_BUF_ERROR && inflater_.avail_out != 0) break;
  }
  // Drain output that may still be pending inside zlib.
  while (!gzip_done_) {
    inflater_.next_out = reinterpret_cast<Bytef*>(out);
    inflater_.avail_out = sizeof out;
    const int r = inflate(&inflater_, Z_NO_FLUSH);
    const size_t produced = sizeof out - inflater_.avail_out;
    messages_.append(out, produced);
    if (r == Z_STREAM_END) gzip_done_ = true;
    if (produced == 0 || r != Z_OK) break;
  }
}

void StreamClient::DecodeChunks() {
  if (!chunked_) {
    if (!raw_.empty()) Feed(raw_.data(), raw_.size());
    raw_.clear();
    return;
  }
  for (;;) {
    switch (chunk_state_) {
      case ChunkState::kSize: {
        const size_t eol = raw_.find("\r\n");
        if (eol == std::string::npos) return;
        chunk_remaining_ = std::stoull(raw_.substr(0, eol), nullptr, 16);
        raw_.erase(0, eol + 2);
        chunk_state_ = chunk_remaining_ == 0 ? ChunkState::kTrailer : ChunkState::kData;
        break;
      }
      case ChunkState::kData: {
        if (raw_.empty()) return;
        const size_t take = std::min<uint64_t>(chunk_remaining_, raw_.size());
        Feed(raw_.data(), take);
        raw_.erase(0, take);
        chunk_remaining_ -= take;
        if (chunk_remaining_ == 0) chunk_state_ = ChunkState::kDataEnd;
        break;
      }
      case ChunkState::kDataEnd:
        if (raw_.size() < 2) return;
        raw_.erase(0, 2);
        chunk_state_ = ChunkState::kSize;
        break;
      case ChunkState::kTrailer:
        if (raw_.size() < 2) return;
        raw_.erase(0, 2);
        chunk_state_ = ChunkState::kDone;
        ended_ = true;
        ended_cleanly_ = !gzip_ || gzip_done_;
        return;
      case ChunkState::kDone:
        return;
    }
  }
}

std::optional<std::string> StreamClient::Next(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  timed_out_ = false;
  for (;;) {
    const size_t eol = messages_.find("\r\n", consumed_);
    if (eol != std::string::npos) {
      std::string message = messages_.substr(consumed_, eol - consumed_);
      consumed_ = eol + 2;
      // Drop what was handed out only now and then: erasing the front per message is
      // quadratic when one gzip block inflates to thousands of messages.
      if (consumed_ > (1u << 20) || consumed_ == messages_.size()) {
        messages_.erase(0, consumed_);
        consumed_ = 0;
      }
      return message;
    }
    if (ended_ || fd_ < 0) return std::nullopt;
    // The read that meets the end may still have decoded whole messages: hand those out first.
    if (!ReadMore(deadline) && messages_.find("\r\n", consumed_) == std::string::npos) {
      return std::nullopt;
    }
  }
}

bool StreamClient::ReadMore(Clock::time_point deadline) {
  if (!ReadSome(fd_, raw_, deadline, &timed_out_)) {
    if (!timed_out_) {
      ended_ = true;  // EOF or error without the zero-length chunk
      if (!chunked_) ended_cleanly_ = true;
    }
    DecodeChunks();
    return false;
  }
  DecodeChunks();
  return true;
}

HttpResult HttpRequest(uint16_t port, const std::string& method, const std::string& target,
                       const Headers& headers, const std::string& body) {
  HttpResult result;
  const int fd = Connect(port, 0);
  if (fd < 0) return result;
  std::string request =
      method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  for (const auto& [k, v] : headers) request += k + ": " + v + "\r\n";
  if (!body.empty() || method == "POST") {
    request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  request += "\r\n" + body;
  std::string raw;
  const auto deadline = Clock::now() + kRequestTimeout;
  if (SendAll(fd, request)) {
    while (ReadSome(fd, raw, deadline, nullptr)) {
    }
  }
  close(fd);
  if (!ParseHead(raw, result.status, result.headers)) return HttpResult{};
  if (result.headers.count("transfer-encoding") &&
      Lower(result.headers.at("transfer-encoding")) == "chunked") {
    std::string decoded;
    size_t pos = 0;
    for (;;) {
      const size_t eol = raw.find("\r\n", pos);
      if (eol == std::string::npos) break;
      const uint64_t size = std::stoull(raw.substr(pos, eol - pos), nullptr, 16);
      if (size == 0) break;
      decoded += raw.substr(eol + 2, size);
      pos = eol + 2 + size + 2;
    }
    raw = decoded;
  }
  result.body = raw;
  return result;
}

HttpResult Ingest(uint16_t port, const std::string& ndjson) {
  return HttpRequest(
      port, "POST", "/ingest",
      {{"Authorization", BasicAuth("ingest", "ingest")}, {"Content-Type", "application/x-ndjson"}},
      ndjson);
}

}  // namespace sluice::testing
