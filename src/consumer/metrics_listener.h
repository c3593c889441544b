// MetricsListener: the consumer's own small HTTP endpoint (SPEC §7: counts and alerts as
// Prometheus metrics), served on its own thread.
//
//   GET  /metrics                      200 text/plain; version=0.0.4, from options.metrics_text
//   GET  /status                       200 application/json, from options.status_json
//   POST /debug/clock?advance_ms=N     only with options.debug_clock: advances it by N
//                                      (0 <= N <= kMaxClockAdvanceMs), 200 {"now":…,"now_ms":…};
//                                      without a debug clock 404
//   anything else                      404 (unknown path) or 405 (known path, other method),
//                                      malformed requests 400, oversized ones 413/431
//
// One request per connection: every answer carries "Connection: close". Bounds: the request head
// must fit in kMaxRequestHeadBytes and a body (read and ignored) in kMaxRequestBodyBytes; a
// connection must deliver its request and take its answer within options.read_timeout; at most
// options.max_connections are served at once, further ones wait in the kernel's accept queue.
//
// Thread safety: Start, port() and the destructor may be called from any thread. The callbacks
// run on the listener's thread, one at a time, so they must be safe to run concurrently with the
// rest of the consumer; they must not throw (an exception becomes a 500 answer).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/clock.h"
#include "base/status.h"

namespace sluice::consumer {

struct MetricsListenerOptions {
  std::string host = "127.0.0.1";  // an IP address (IPv6 with or without brackets) or "localhost"
  uint16_t port = 0;               // 0: an ephemeral port; see MetricsListener::port()
  std::function<std::string()> metrics_text;  // REQUIRED: the body of GET /metrics
  std::function<std::string()> status_json;   // REQUIRED: the body of GET /status
  // Non-null enables POST /debug/clock. Must outlive the listener.
  ManualClock* debug_clock = nullptr;
  std::chrono::milliseconds read_timeout{10'000};
  size_t max_connections = 16;
};

class MetricsListener {
 public:
  static constexpr size_t kMaxRequestHeadBytes = 8 * 1024;
  static constexpr size_t kMaxRequestBodyBytes = 64 * 1024;
  static constexpr int64_t kMaxClockAdvanceMs = int64_t{10} * 24 * 3600 * 1000;  // 10 days

  // Binds options.host:options.port and starts serving on a new thread.
  // Errors: InvalidArgument for a missing callback, a host that is not an IP address or a zero
  // max_connections; IoError when the address cannot be bound. Messages name the address.
  static Result<std::unique_ptr<MetricsListener>> Start(MetricsListenerOptions options);

  // Stops accepting, closes every open connection (answers being written are cut off) and joins
  // the thread; no callback runs after it returns. REQUIRES: not called from a callback.
  ~MetricsListener();
  MetricsListener(const MetricsListener&) = delete;  // owns a thread and sockets
  MetricsListener& operator=(const MetricsListener&) = delete;

  // The bound port (the ephemeral one when options.port was 0).
  uint16_t port() const { return port_; }

 private:
  class Impl;

  MetricsListener(std::unique_ptr<Impl> impl, uint16_t port);

  std::unique_ptr<Impl> impl_;
  uint16_t port_;
};

}  // namespace sluice::consumer
