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
// Replays (SPEC §4): a backfill connection first catches up from the archive, then joins its
// channel's live chunks exactly where the catch-up stopped (the seam protocol is described in
// stream_connection.cc, at ReplayPhase); a recovery connection only replays, then sends the
// completion message and closes. Replay steps run on worker threads (ReplayJob) and are asked
// for one at a time, when the socket has taken the previous one.
//
// Thread safety: all methods run on the network thread (the io_context's single thread).
#pragma once

#include <array>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "gzip/gzip.h"
#include "stream/archive_frontier.h"
#include "stream/recovery_jobs.h"
#include "stream/replay_job.h"
#include "stream/stream.h"
#include "stream/subscriber.h"

namespace sluice {

struct StreamConnectionOptions {
  std::chrono::milliseconds heartbeat{10000};
  std::chrono::milliseconds write_timeout{30000};
  uint64_t slow_reader_bytes = 16ull << 20;
};

// What a backfill or recovery connection replays from the archive.
struct ReplayPlan {
  enum class Kind { kBackfill, kRecovery };
  Kind kind = Kind::kBackfill;
  std::shared_ptr<ReplayJob> job;
  int64_t end_time_ms = 0;          // recovery: the end of its range
  RecoveryJobInfo* info = nullptr;  // recovery: its entry, finished when the connection ends
};

// What replays and usage accounting need from the server. The pointers must outlive the
// connection.
struct ConnectionServices {
  boost::asio::any_io_executor replay_workers;
  const ArchiveFrontier* frontier = nullptr;
  RecoveryJobs* recovery_jobs = nullptr;
  // Called for every chunk of posts once it has been written to the socket (usage accounting).
  std::function<void(const StreamChunk&)> on_delivered;
};

// Counts open stream connections, for the shutdown drain.
struct ConnectionCounter {
  std::atomic<int> open{0};
};

class StreamConnection final : public Subscriber,
                               public std::enable_shared_from_this<StreamConnection> {
 public:
  StreamConnection(boost::asio::ip::tcp::socket socket, Stream& stream, Channel& channel, bool gzip,
                   StreamConnectionOptions options, const Clock& clock, ConnectionCounter& counter,
                   ConnectionServices services);
  ~StreamConnection() override;
  StreamConnection(const StreamConnection&) = delete;  // owns a socket
  StreamConnection& operator=(const StreamConnection&) = delete;

  // Queues the response header and starts the heartbeat timer and the watch for the client
  // closing, then the replay if there is one. REQUIRES: the connection was admitted to
  // `channel`, unless it is a recovery (which never receives live chunks).
  void Start(std::optional<ReplayPlan> replay = std::nullopt);

  void Deliver(const StreamChunkPtr& chunk) override;
  void Disconnect(DisconnectReason reason) override;
  bool wants_gzip() const override { return gzip_; }

 private:
  enum class State { kOpen, kClosing, kClosed };
  enum class ReplayPhase { kNone, kCatchUp, kFinal, kRecovery };
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
  void EnqueueChunk(const StreamChunkPtr& chunk);
  // Queues `json`, the gzip trailer and the zero-length chunk, and leaves the channel.
  void EndResponse(std::string_view json);
  // Replay: asks the worker for the next step if none is in flight and the socket took the last.
  void MaybeStep();
  void OnStep(const ReplayStep& step, uint64_t limit, int64_t floor_ms);
  void RetryStepLater(std::chrono::milliseconds delay);
  void JoinLive();  // the backfill's seam: held live chunks follow the replayed ones
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
  const ConnectionServices services_;

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

  std::optional<ReplayPlan> replay_;
  ReplayPhase phase_ = ReplayPhase::kNone;
  bool step_in_flight_ = false;
  uint64_t replay_position_ = 0;
  uint64_t final_limit_ = 0;         // kFinal: the seam, where live chunks take over
  std::deque<StreamChunkPtr> held_;  // kFinal: live chunks waiting behind the replay
  uint64_t held_bytes_ = 0;
  uint64_t replayed_posts_ = 0;
  bool yielded_ = false;  // the last step was delayed for ingest: the next one goes ahead
  boost::asio::steady_timer replay_timer_;
};

}  // namespace sluice
