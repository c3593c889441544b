// LoadClient: many streaming connections to 127.0.0.1 driven by one epoll loop on one thread.
// Each connection sends one request, checks for a 200 response head, then reads and discards
// the body, counting bytes (and, for plain chunked bodies, messages and heartbeats).
//
// Thread safety: Connect runs on the caller's thread; after Start the reading thread owns the
// connections and only Totals() may be called from other threads.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "support/chunk_counter.h"
#include "support/latency_histogram.h"
#include "base/unique_fd.h"

namespace sluice::bench {

struct LoadClientOptions {
  uint16_t port = 0;
  std::vector<std::string> requests;  // connection i sends requests[i % requests.size()]
  int connections = 0;
  // Connections 0 … decode_connections-1 decode the chunked framing (plain bodies only), count
  // messages and record each post's latency; the others only count bytes.
  int decode_connections = 0;
  int max_pending_connects = 256;
};

struct LoadTotals {
  uint64_t body_bytes = 0;
  uint64_t messages = 0;
  uint64_t heartbeats = 0;
  int open = 0;    // connections still reading
  int closed = 0;  // ended by the server or by an error after the head
  int broken = 0;  // connections whose chunked framing broke (decoded connections only)
};

class LoadClient {
 public:
  // Opens every connection and waits until each has its 200 head, or `timeout`.
  // Errors: IoError (socket failures, timeout), Unavailable (a status other than 200: the
  // first such status line is in the message).
  static Result<std::unique_ptr<LoadClient>> Connect(LoadClientOptions options,
                                                     std::chrono::milliseconds timeout);
  ~LoadClient();  // stops the reading thread and closes every socket
  LoadClient(const LoadClient&) = delete;
  LoadClient& operator=(const LoadClient&) = delete;

  // Starts the reading thread.
  void Start();
  LoadTotals Totals() const;
  // Latencies of the posts of the decoded connections so far.
  std::vector<uint64_t> LatencySnapshot() const { return latency_.Snapshot(); }

 private:
  enum class State { kIdle, kConnecting, kHead, kBody, kClosed };
  struct Connection {
    UniqueFd fd;
    State state = State::kIdle;
    std::string head;
    ChunkedMessageCounter counter;
  };

  explicit LoadClient(LoadClientOptions options);
  Status OpenSocket(size_t index);
  // Handles epoll events of one connection; returns an error for a failed connect or head.
  Status HandleEvent(size_t index, uint32_t events);
  void OnBody(Connection& c, const char* data, size_t size);
  void CloseConnection(Connection& c);
  void ReadLoop();

  const LoadClientOptions options_;
  UniqueFd epoll_;
  std::vector<Connection> connections_;
  std::vector<char> buffer_;
  int pending_connects_ = 0;
  int heads_done_ = 0;
  std::atomic<uint64_t> body_bytes_{0};
  std::atomic<uint64_t> messages_{0};
  std::atomic<uint64_t> heartbeats_{0};
  std::atomic<int> open_{0};
  std::atomic<int> closed_{0};
  std::atomic<int> broken_{0};
  LatencyHistogram latency_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace sluice::bench
