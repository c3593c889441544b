// WritevBaseline: the "bare writev loop" of /work/shared/REFERENCES.md, the ceiling for fan-out
// on this machine. One thread accepts `connections` sockets on 127.0.0.1, answers each with a
// minimal 200 head, then writes one shared ring of messages to every socket with writev (up to
// IOV_MAX = 1,024 messages per call), driven by edge-triggered EPOLLOUT, until stopped. No framing,
// no queues, no per-connection state beyond a position in the ring.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "base/unique_fd.h"

namespace sluice::bench {

class WritevBaseline {
 public:
  // Listens on 127.0.0.1:0 and starts the thread that accepts `connections` sockets and writes
  // `messages` (cyclically) to each. Errors: IoError.
  static Result<std::unique_ptr<WritevBaseline>> Start(std::vector<std::string> messages,
                                                       int connections);
  ~WritevBaseline();  // stops and joins the thread, closes every socket
  WritevBaseline(const WritevBaseline&) = delete;
  WritevBaseline& operator=(const WritevBaseline&) = delete;

  uint16_t port() const { return port_; }
  uint64_t bytes_written() const { return bytes_written_.load(std::memory_order_relaxed); }
  // Empty while all is well; what failed otherwise.
  std::string error() const;

 private:
  struct Socket {
    UniqueFd fd;
    size_t message = 0;  // next message of the ring to write
    size_t offset = 0;   // bytes of it already written
  };
  WritevBaseline(std::vector<std::string> messages, int connections)
      : messages_(std::move(messages)), connections_(connections) {}
  void Run();
  bool AcceptAll();
  // Writes until EAGAIN (false) or a turn's byte budget is used (true: still writable).
  bool WriteUntilBlocked(Socket& socket);

  const std::vector<std::string> messages_;
  const int connections_;
  UniqueFd listener_;
  UniqueFd epoll_;
  uint16_t port_ = 0;
  std::vector<Socket> sockets_;
  std::atomic<uint64_t> bytes_written_{0};
  std::atomic<bool> stop_{false};
  std::atomic<bool> failed_{false};
  std::string error_;  // written by the thread before failed_ is set
  std::thread thread_;
};

}  // namespace sluice::bench
