#include "consumer/curl_stream.h"

#include <cstring>

namespace sluice::consumer {
namespace {
constexpr size_t kMaxErrorBody = 64 * 1024;
}  // namespace

Result<std::unique_ptr<CurlStream>> CurlStream::Start(CURLM* multi,
                                                      const CurlStreamOptions& options,
                                                      OnBody on_body) {
  std::unique_ptr<CurlStream> stream(new CurlStream());
  stream->multi_ = multi;
  stream->on_body_ = std::move(on_body);
  stream->last_byte_at_ = Steady::now();
  stream->easy_ = curl_easy_init();
  if (!stream->easy_) return Status::Internal("curl_easy_init failed");
  CURL* e = stream->easy_;
  curl_easy_setopt(e, CURLOPT_URL, options.url.c_str());  // curl copies option strings
  curl_easy_setopt(e, CURLOPT_PRIVATE, stream.get());
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &CurlStream::WriteCallback);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, stream.get());
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &CurlStream::HeaderCallback);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, stream.get());
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, stream->error_buffer_);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  // PowerTrack refuses clients that do not take gzip; curl inflates for us.
  curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "gzip");
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connect_timeout_ms));
  // Streams are long-lived: no overall timeout. Stalls are the consumer's stall timeout's job,
  // keepalive only helps the kernel notice a dead peer.
  curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(e, CURLOPT_BUFFERSIZE, 256L * 1024);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_USERAGENT, "sluice-consume/1");
  if (!options.ca_file.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, options.ca_file.c_str());
  if (const StreamCredentials* c = options.credentials) {
    if (!c->bearer_token.empty()) {
      curl_easy_setopt(e, CURLOPT_HTTPAUTH, CURLAUTH_BEARER);
      curl_easy_setopt(e, CURLOPT_XOAUTH2_BEARER, c->bearer_token.c_str());
    } else if (!c->user.empty()) {
      curl_easy_setopt(e, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
      curl_easy_setopt(e, CURLOPT_USERNAME, c->user.c_str());
      curl_easy_setopt(e, CURLOPT_PASSWORD, c->password.c_str());
    }
  }
  if (curl_multi_add_handle(multi, e) != CURLM_OK) {
    return Status::Internal("curl_multi_add_handle failed");
  }
  return stream;
}

CurlStream::~CurlStream() {
  if (easy_) {
    curl_multi_remove_handle(multi_, easy_);
    curl_easy_cleanup(easy_);
  }
}

std::string CurlStream::error_text(CURLcode code) const {
  if (error_buffer_[0] != '\0') return error_buffer_;
  return curl_easy_strerror(code);
}

size_t CurlStream::HeaderCallback(char* data, size_t size, size_t count, void* self_ptr) {
  auto* self = static_cast<CurlStream*>(self_ptr);
  const size_t n = size * count;
  self->last_byte_at_ = Steady::now();
  std::string_view line(data, n);
  if (line.starts_with("HTTP/")) {
    // A new status line (after a 100 Continue or a redirect): headers start over.
    const size_t space = line.find(' ');
    if (space != std::string_view::npos) {
      self->http_status_ = std::strtol(std::string(line.substr(space + 1, 3)).c_str(), nullptr, 10);
    }
    self->headers_at_.reset();
  } else if (line == "\r\n" || line == "\n") {
    self->headers_at_ = Steady::now();
  }
  return n;
}

size_t CurlStream::WriteCallback(char* data, size_t size, size_t count, void* self_ptr) {
  auto* self = static_cast<CurlStream*>(self_ptr);
  const size_t n = size * count;
  self->last_byte_at_ = Steady::now();
  if (self->http_status_ != 200) {
    const size_t room = kMaxErrorBody - std::min(kMaxErrorBody, self->error_body_.size());
    self->error_body_.append(data, std::min(room, n));
    return n;
  }
  if (!self->on_body_(std::string_view(data, n))) return 0;  // aborts with CURLE_WRITE_ERROR
  return n;
}

}  // namespace sluice::consumer
