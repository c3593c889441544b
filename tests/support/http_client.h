// A small blocking HTTP/1.1 client over real sockets, for integration tests: one-shot requests,
// and a stream reader that decodes chunked transfer encoding and gzip incrementally and splits
// the body into "\r\n"-terminated messages. Every wait has a deadline, so no test can hang.
#pragma once

#include <zlib.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sluice::testing {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpResult {
  int status = 0;                              // 0: no response (connection failed or timed out)
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;                            // de-chunked and gunzipped
};

std::string BasicAuth(const std::string& user, const std::string& password);

HttpResult HttpRequest(uint16_t port, const std::string& method, const std::string& target,
                       const Headers& headers = {}, const std::string& body = {});

// POST /ingest with the test ingest credentials.
HttpResult Ingest(uint16_t port, const std::string& ndjson);

class StreamClient {
 public:
  // Connects to 127.0.0.1:port, sends GET target, reads the response head. `receive_buffer`
  // > 0 shrinks SO_RCVBUF (to make a slow reader). Never nullptr; check status().
  static std::unique_ptr<StreamClient> Open(uint16_t port, const std::string& target,
                                            const std::string& user, const std::string& password,
                                            bool gzip, int receive_buffer = 0);
  ~StreamClient();
  StreamClient(const StreamClient&) = delete;
  StreamClient& operator=(const StreamClient&) = delete;

  int status() const { return status_; }
  const std::map<std::string, std::string>& headers() const { return headers_; }
  // For a non-200 answer: the whole body.
  const std::string& error_body() const { return error_body_; }

  // The next message without its "\r\n"; an empty string is a heartbeat. nullopt when the
  // body ended (ended_cleanly() says whether with a zero-length chunk and, for gzip, a
  // verified trailer) or when `timeout` passed (timed_out()).
  std::optional<std::string> Next(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  bool ended_cleanly() const { return ended_cleanly_; }
  bool ended() const { return ended_; }
  bool timed_out() const { return timed_out_; }
  // Bytes of the body received so far (after de-chunking, before gunzip).
  uint64_t raw_body_bytes() const { return raw_body_bytes_; }
  void Close();

 private:
  StreamClient() = default;
  bool ReadMore(std::chrono::steady_clock::time_point deadline);
  void DecodeChunks();
  void Feed(const char* data, size_t n);

  int fd_ = -1;
  int status_ = 0;
  std::map<std::string, std::string> headers_;
  std::string error_body_;
  bool gzip_ = false;
  bool chunked_ = false;
  z_stream inflater_{};
  bool inflater_ready_ = false;
  bool gzip_done_ = false;

  std::string raw_;       // bytes read, not yet de-chunked
  std::string messages_;  // decoded bytes; those from consumed_ on are not yet handed out
  size_t consumed_ = 0;
  enum class ChunkState {
    kSize,
    kData,
    kDataEnd,
    kTrailer,
    kDone
  } chunk_state_ = ChunkState::kSize;
  uint64_t chunk_remaining_ = 0;
  uint64_t raw_body_bytes_ = 0;
  bool ended_ = false;
  bool ended_cleanly_ = false;
  bool timed_out_ = false;
};

}  // namespace sluice::testing
