// StreamFeeder: a minimal HTTP/1.1 streaming server on 127.0.0.1 standing in for sluiced in the
// consumer benchmark, so that the consumer is what is measured, not the server. It answers every
// GET (any target, any headers) with 200 and a plain chunked body (no gzip): the feed's posts,
// written as fast as the socket takes them, then one heartbeat chunk ("\r\n") every heartbeat
// interval until the client goes. Every connection gets the same feed from its start, so K
// redundant connections carry the same posts. GoAway/ComeBack simulate a server that goes away
// (connections reset, new ones refused) and comes back on the same port.
//
// Thread safety: one feeder thread owns the sockets; the public members may be called from any
// thread (GoAway/ComeBack run on the feeder thread and return once done).
#pragma once

#include <pthread.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "support/post_feed.h"
#include "base/unique_fd.h"

namespace sluice::bench {

class StreamFeeder {
 public:
  using Steady = std::chrono::steady_clock;

  struct Request {
    Steady::time_point accepted_at;
    Steady::time_point head_read_at;  // the request head was complete; the response starts now
    std::string target;
  };

  // Listens on 127.0.0.1:0 and starts the feeder thread. REQUIRES: `feed` outlives the feeder.
  // Errors: IoError.
  static Result<std::unique_ptr<StreamFeeder>> Start(const PostFeed& feed,
                                                     std::chrono::milliseconds heartbeat_interval);
  ~StreamFeeder();
  StreamFeeder(const StreamFeeder&) = delete;  // owns a thread and its sockets
  StreamFeeder& operator=(const StreamFeeder&) = delete;

  uint16_t port() const { return port_; }

  // Closes the listening socket (new connections are refused), then resets every open
  // connection (SO_LINGER 0: the client reads ECONNRESET).
  void GoAway();
  // Listens again on the same port; returns the time it did. Errors: IoError (port taken).
  Result<Steady::time_point> ComeBack();

  // Every request since Start, in the order their heads were read.
  std::vector<Request> requests() const;
  // Connections open now.
  int open_connections() const;
  // CPU time of the feeder thread so far.
  double cpu_seconds() const;

 private:
  struct Connection;
  StreamFeeder(const PostFeed& feed, std::chrono::milliseconds heartbeat_interval);
  void Run();
  // Runs `task` on the feeder thread and waits for it.
  void RunOnFeederThread(std::function<void()> task);
  void Accept();
  // Reads the request head, or (once responding) notices the client going away. False: close.
  bool Read(Connection& connection);
  // Writes what is due. False: close.
  bool Write(Connection& connection, Steady::time_point now);

  const PostFeed& feed_;
  const std::chrono::milliseconds heartbeat_interval_;
  uint16_t port_ = 0;
  UniqueFd listener_;
  UniqueFd wake_;  // eventfd: tasks are waiting
  std::vector<std::unique_ptr<Connection>> connections_;

  mutable std::mutex mu_;
  std::vector<std::function<void()>> tasks_;
  std::vector<Request> requests_;
  int open_ = 0;
  bool quit_ = false;
  std::thread thread_;
  pthread_t thread_handle_{};  // for its CPU clock
};

}  // namespace sluice::bench
