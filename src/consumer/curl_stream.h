// CurlStream: one long-lived HTTP GET of a stream on a libcurl easy handle, driven by the
// consumer's multi handle (consumer.cc). It hands every received body byte to a callback (curl
// has already removed chunking and gzip) and keeps what the consumer needs to decide what
// happened: the HTTP status, the start of an error body, the time of the last byte.
//
// Thread safety: none; used by the consumer's engine thread only.
// Ownership: owns its CURL* (removed from the multi handle and cleaned up on destruction).
#pragma once

#include <curl/curl.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace sluice::consumer {

struct StreamCredentials {
  std::string user;  // Basic auth (enterprise) when non-empty
  std::string password;
  std::string bearer_token;  // Bearer (v2) when non-empty
};

struct CurlStreamOptions {
  std::string url;
  const StreamCredentials* credentials = nullptr;  // REQUIRES: outlives the stream
  int64_t connect_timeout_ms = 10000;
  std::string ca_file;  // empty: the system's trust store
};

class CurlStream {
 public:
  using Steady = std::chrono::steady_clock;
  // Body bytes of a 200 response. Returning false aborts the transfer (e.g. a message too big).
  using OnBody = std::function<bool(std::string_view bytes)>;

  // Creates the easy handle and adds it to `multi`. REQUIRES: `multi` outlives the stream.
  static Result<std::unique_ptr<CurlStream>> Start(CURLM* multi, const CurlStreamOptions& options,
                                                   OnBody on_body);
  ~CurlStream();
  CurlStream(const CurlStream&) = delete;  // owns the easy handle its callbacks point into
  CurlStream& operator=(const CurlStream&) = delete;

  CURL* handle() const { return easy_; }
  // 0 until the status line arrived.
  long http_status() const { return http_status_; }
  // The first bytes (≤ 64 KiB) of a non-200 body: the server's error message.
  const std::string& error_body() const { return error_body_; }
  // When the response's headers ended (nullopt before), and when the last byte arrived (the
  // start time until then).
  std::optional<Steady::time_point> headers_at() const { return headers_at_; }
  Steady::time_point last_byte_at() const { return last_byte_at_; }
  // curl's own words for a failed transfer (CURLOPT_ERRORBUFFER).
  std::string error_text(CURLcode code) const;

 private:
  CurlStream() = default;
  static size_t WriteCallback(char* data, size_t size, size_t count, void* self);
  static size_t HeaderCallback(char* data, size_t size, size_t count, void* self);

  CURLM* multi_ = nullptr;
  CURL* easy_ = nullptr;
  OnBody on_body_;
  long http_status_ = 0;
  std::string error_body_;
  std::optional<Steady::time_point> headers_at_;
  Steady::time_point last_byte_at_;
  char error_buffer_[CURL_ERROR_SIZE] = {};
};

}  // namespace sluice::consumer
