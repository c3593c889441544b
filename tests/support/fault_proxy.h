// FaultProxy: a TCP proxy on loopback that integration tests put between `sluice consume` and
// `sluiced` to inject network faults: hard resets, refused connections, stalls (the TCP
// connection stays open but nothing moves) and canned HTTP error answers (429/503).
//
// Connections are numbered 0, 1, 2, … in accept order; every accepted connection gets a number,
// including refused ones and canned answers, so accepted() is also the next number.
//
// Thread safety: every public member may be called from any thread. A control (DropConnection,
// SetRefuse, Stall, RespondNext, …) returns only after the proxy's thread has applied it, so a
// connection accepted after the call returns sees the new behaviour.
//
// Bounds: each direction of a connection buffers at most kBufferBytes in the proxy (the rest waits
// in the kernel); at most kMaxOpenConnections are open at once (more are reset); a request line is
// captured from at most kMaxRequestHeadBytes.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sluice::testing {

class FaultProxy {
 public:
  static constexpr size_t kBufferBytes = 64 * 1024;
  static constexpr size_t kMaxOpenConnections = 256;
  static constexpr size_t kMaxRequestHeadBytes = 8 * 1024;

  // Listens on 127.0.0.1 with an ephemeral port and forwards every accepted connection to
  // 127.0.0.1:upstream_port. Fails the current test (gtest) and returns nullptr when the proxy
  // cannot listen.
  static std::unique_ptr<FaultProxy> Start(uint16_t upstream_port);

  // Stops the thread and closes every socket (abortively: peers see a reset).
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;  // owns sockets and a thread
  FaultProxy& operator=(const FaultProxy&) = delete;

  uint16_t port() const { return port_; }

  // Connections accepted so far (the number the next one will get).
  size_t accepted() const;
  // Accepted client connections not yet closed (stalled ones count; refused ones never do).
  size_t open_connections() const;
  // The first line of each HTTP request seen (without "\r\n"), in the order they completed;
  // one per connection that sent a full line, refused connections excluded.
  std::vector<std::string> request_lines() const;

  // Wait up to `timeout` until accepted() >= count / request_lines().size() >= count /
  // open_connections() == count. Return whether it happened.
  bool WaitForAccepted(size_t count, std::chrono::milliseconds timeout) const;
  bool WaitForRequestLines(size_t count, std::chrono::milliseconds timeout) const;
  bool WaitForOpenConnections(size_t count, std::chrono::milliseconds timeout) const;

  // Resets (SO_LINGER 0, so an RST goes out) both sides of connection `index` if it is still
  // open, stalled or not; otherwise does nothing.
  void DropConnection(size_t index);
  // DropConnection for every open connection.
  void DropAll();

  // While set, each new connection is accepted and reset at once: the client sees a network
  // error, never an HTTP answer. Refusing outranks RespondNext.
  void SetRefuse(bool refuse);

  // Stops forwarding connection `index` in both directions while keeping both TCP connections
  // open: the proxy stops reading and writing it, so bytes wait in kernel buffers. There is no
  // resume; DropConnection still works. A stalled connection is not watched at all, so it counts
  // as open until dropped even if a peer closes it. Does nothing if the connection is not open.
  void Stall(size_t index);
  // Stall for every open connection; connections accepted later are forwarded normally.
  void StallAll();

  // The next `count` connections are not forwarded: the proxy reads the request head and answers
  // "HTTP/1.1 <http_status> <reason>" with `body` (JSON), Content-Length and
  // "Connection: close", then closes. A later call replaces the pending count and answer.
  void RespondNext(int http_status, std::string body, size_t count);

 private:
  struct Connection;

  FaultProxy(int listen_fd, int wake_read_fd, int wake_write_fd, uint16_t port,
             uint16_t upstream_port);

  // Runs `command` on the proxy thread and returns once it has run.
  void RunOnProxyThread(std::function<void()> command);
  void Wake();
  void Loop();
  void RunPendingCommands();
  void AcceptOne(int fd);
  void ServiceConnection(Connection& connection, short client_events, short upstream_events);
  void ReadFrom(Connection& connection, bool from_client);
  void WriteTo(Connection& connection, bool to_client);
  void CaptureRequestHead(Connection& connection, const char* data, size_t size);
  void QueueCannedResponse(Connection& connection);
  void FinishIfDone(Connection& connection);
  // Closes both sides; `reset` sends an RST instead of a FIN.
  void CloseConnection(Connection& connection, bool reset);

  const int listen_fd_;
  const int wake_read_fd_;
  const int wake_write_fd_;
  const uint16_t port_;
  const uint16_t upstream_port_;

  // Proxy thread only.
  std::vector<std::unique_ptr<Connection>> connections_;  // by index; nullptr once closed
  bool refuse_ = false;
  size_t respond_remaining_ = 0;
  std::string canned_response_;

  // Guards what other threads read or hand over; changes are signalled on state_changed_.
  mutable std::mutex mutex_;
  mutable std::condition_variable state_changed_;
  std::deque<std::function<void()>> commands_;
  uint64_t commands_done_ = 0;
  uint64_t commands_queued_ = 0;
  bool stopping_ = false;
  size_t accepted_ = 0;
  size_t open_ = 0;
  std::vector<std::string> request_lines_;

  std::thread thread_;  // last: starts after everything above exists
};

}  // namespace sluice::testing
