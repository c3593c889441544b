// StreamConnection: one long-lived streaming response (SPEC §3). It owns its socket, its queue
// of shared chunks, its heartbeat timer and its gzip framing, and writes whatever is queued in
// one gathered write whenever the socket can take more (h2o's "proceed" discipline: at most one
// write in flight, so a slow client holds back only its own queue).
//
// Wire: HTTP/1.1 200 with Transfer-Encoding: chunked; with gzip, one gzip member made of a
// header, the stream's shared deflated blocks, and at close a final block plus a trailer whose
// CRC is combined from the blocks' CRCs (docs/wire-gzip.md). A server-initiated close writes the
// system message, then (gzip) the trailer, then the zero-length chunk.
//
// Thread safety: all methods run on the network thread (the io_context's single thread).
#pragma once

#include <array>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "gzip/gzip.h"
#include "stream/stream.h"
#include "stream/subscriber.h"

namespace sluice {

struct StreamConnectionOptions {
  std::chrono::milliseconds heartbeat{10000};
  std::chrono::milliseconds write_timeout{30000};
  uint64_t slow_reader_bytes = 16ull << 20;
};

// Counts open stream connections, for the shutdown drain.
struct ConnectionCounter {
  std::atomic<int> open{0};
};

class StreamConnection final : public Subscriber,
                               public std::enable_shared_from_this<StreamConnection> {
 public:
  StreamConnection(boost::asio::ip::tcp::socket socket, Stream& stream, Channel& channel, bool gzip,
                   StreamConnectionOptions options, const Clock& clock, ConnectionCounter& counter);
  ~StreamConnection() override;
  StreamConnection(const StreamConnection&) = delete;  // owns a socket
  StreamConnection& operator=(const StreamConnection&) = delete;

  // Queues the response header and starts the heartbeat timer and the watch for the client
  // closing. REQUIRES: the connection was admitted to `channel`.
  void Start();

  void Deliver(const StreamChunkPtr& chunk) override;
  void Disconnect(DisconnectReason reason) override;
  bool wants_gzip() const override { return gzip_; }

 private:
  enum class State { kOpen, kClosing, kClosed };
  enum class PieceKind { kChunked, kRaw, kGzipTrailer };
  struct Piece {
    PieceKind kind = PieceKind::kChunked;
    StreamChunkPtr chunk;                          // keeps shared bytes alive
    std::string own;                               // bytes owned by this connection
    std::optional<gzip::DeflatedBlock> own_block;  // a block deflated for this connection only
    std::string_view bytes;  // what is written: into chunk, own, or static storage
    const gzip::DeflatedBlock* block = nullptr;  // for gzip: the block to add to the member CRC
    uint32_t posts = 0;
  };

  void Enqueue(Piece piece);
  void EnqueueMessage(std::string_view json);  // a system message, framed and compressed
  void WriteMore();
  void OnWrite(const boost::system::error_code& ec, size_t bytes);
  void ArmTimer();
  void OnTimer();
  void WatchForClose();
  void CloseNow();  // hard close: the client is gone or stuck
  void LeaveChannel();

  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer timer_;
  Stream& stream_;
  Channel& channel_;
  const bool gzip_;
  const StreamConnectionOptions options_;
  const Clock& clock_;
  ConnectionCounter& counter_;

  State state_ = State::kOpen;
  bool left_channel_ = false;
  std::deque<Piece> pieces_;  // front: in flight (first inflight_ pieces), then queued
  size_t inflight_ = 0;
  uint64_t queued_bytes_ = 0;  // bytes of pieces not yet in flight
  std::vector<boost::asio::const_buffer> buffers_;
  std::vector<std::array<char, 24>> chunk_heads_;
  gzip::GzipMember member_;
  std::chrono::steady_clock::time_point last_write_;
  std::chrono::steady_clock::time_point write_started_;
  char read_sink_[64];
};

}  // namespace sluice
