#include "http/stream_connection.h"

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <cstdio>

#include "base/system_message_texts.h"
#include "base/time_format.h"

namespace sluice {
namespace {

namespace asio = boost::asio;
using std::chrono::steady_clock;

constexpr size_t kMaxBuffersPerWrite = 256;
constexpr uint64_t kMaxBytesPerWrite = 8ull << 20;
constexpr std::string_view kCrLf = "\r\n";
constexpr std::string_view kLastChunk = "0\r\n\r\n";
// A replay asks for its next step once the socket has taken all but this much.
constexpr uint64_t kReplayLowWaterBytes = 256 << 10;
// How long a replay that has read everything published waits before looking again.
constexpr auto kReplayPollInterval = std::chrono::milliseconds(20);
// Ingest is behind when the pipeline found this much waiting for it (it took ~1 s of posts at
// 3 MB/s, or a few ms at full rate): replays then pause this long between steps, about as long
// as a step takes, so that they take at most about half of what they would and leave memory
// bandwidth and CPU to ingest (nice 19 alone does not: a replay's page-cache copies slow the
// pipeline even when it gets the CPU).
constexpr uint64_t kIngestBehindBytes = 4ull << 20;
constexpr auto kReplayYieldInterval = std::chrono::milliseconds(3);

std::string RecoveryCompletedMessage(uint64_t activity_count, int64_t now_ms) {
  return "{\"info\":{\"message\":\"" + std::string(kRecoveryCompletedMessage) + "\",\"sent\":\"" +
         FormatSentTime(now_ms) + "\",\"activity_count\":" + std::to_string(activity_count) + "}}";
}

// The Replay product's failure message (REFERENCES.md): say exactly what was not delivered.
std::string RecoveryFailedMessage(const Status& why, int64_t from_ms, int64_t to_ms,
                                  int64_t now_ms) {
  return "{\"error\":{\"message\":" +
         JsonQuote("Recovery Request Failed to Complete: " + why.ToString()) + ",\"sent\":\"" +
         FormatSentTime(now_ms) + "\",\"unprocessed_range\":{\"startTime\":\"" +
         FormatIsoMs(from_ms) + "\",\"endTime\":\"" + FormatIsoMs(to_ms) + "\"}}}";
}

std::string ResponseHeader(bool gzip) {
  std::string h =
      "HTTP/1.1 200 OK\r\n"
      "Content-Type: application/json; charset=utf-8\r\n"
      "Transfer-Encoding: chunked\r\n"
      "Cache-Control: no-cache\r\n"
      "Connection: close\r\n"
      "Vary: Accept-Encoding\r\n";
  if (gzip) h += "Content-Encoding: gzip\r\n";
  h += "\r\n";
  return h;
}

}  // namespace

StreamConnection::StreamConnection(asio::ip::tcp::socket socket, Stream& stream, Channel& channel,
                                   bool gzip, StreamConnectionOptions options, const Clock& clock,
                                   ConnectionCounter& counter, ConnectionServices services)
    : socket_(std::move(socket)),
      timer_(socket_.get_executor()),
      stream_(stream),
      channel_(channel),
      gzip_(gzip),
      options_(options),
      clock_(clock),
      counter_(counter),
      services_(std::move(services)),
      replay_timer_(socket_.get_executor()) {
  counter_.open.fetch_add(1, std::memory_order_relaxed);
}

StreamConnection::~StreamConnection() { counter_.open.fetch_sub(1, std::memory_order_relaxed); }

void StreamConnection::Start(std::optional<ReplayPlan> replay) {
  last_write_ = steady_clock::now();
  Piece header;
  header.kind = PieceKind::kRaw;
  header.own = ResponseHeader(gzip_);
  Enqueue(std::move(header));
  if (gzip_) {
    Piece gzip_header;
    gzip_header.bytes = gzip::GzipHeader();
    Enqueue(std::move(gzip_header));
  }
  WriteMore();
  ArmTimer();
  WatchForClose();
  if (replay) {
    phase_ = replay->kind == ReplayPlan::Kind::kBackfill ? ReplayPhase::kCatchUp
                                                         : ReplayPhase::kRecovery;
    replay_ = std::move(replay);
    MaybeStep();
  }
}

void StreamConnection::Enqueue(Piece piece) {
  pieces_.push_back(std::move(piece));
  Piece& p = pieces_.back();
  // Point `bytes` at the piece's own storage only now that it has its final address (a deque
  // never moves its elements on push_back/pop_front).
  if (!p.own.empty()) p.bytes = p.own;
  if (p.own_block) {
    p.block = &*p.own_block;
    p.bytes = p.own_block->bytes;
  }
  queued_bytes_ += p.bytes.size();
}

void StreamConnection::Deliver(const StreamChunkPtr& chunk) {
  if (state_ != State::kOpen) return;
  const uint64_t size =
      gzip_ && chunk->deflated ? chunk->deflated->bytes.size() : chunk->plain.size();
  if (phase_ == ReplayPhase::kCatchUp) return;  // the catch-up reads it from the archive
  if (queued_bytes_ + held_bytes_ + size > options_.slow_reader_bytes) {
    Disconnect(DisconnectReason::kSlowReader);
    return;
  }
  if (phase_ == ReplayPhase::kFinal) {
    held_.push_back(chunk);
    held_bytes_ += size;
    return;
  }
  EnqueueChunk(chunk);
  WriteMore();
}

void StreamConnection::EnqueueChunk(const StreamChunkPtr& chunk) {
  Piece piece;
  piece.chunk = chunk;
  piece.posts = chunk->posts;
  if (!gzip_) {
    piece.bytes = chunk->plain;
  } else if (chunk->deflated) {
    piece.block = &*chunk->deflated;
    piece.bytes = chunk->deflated->bytes;
  } else {
    // The chunk was built before this connection joined: deflate it for this connection only.
    piece.own_block = gzip::DeflateStandalone(chunk->plain);
  }
  Enqueue(std::move(piece));
}

void StreamConnection::EnqueueMessage(std::string_view json) {
  std::string line(json);
  line += kCrLf;
  Piece piece;
  if (gzip_) {
    piece.own_block = gzip::DeflateStandalone(line);
  } else {
    piece.own = std::move(line);
  }
  Enqueue(std::move(piece));
}

void StreamConnection::Disconnect(DisconnectReason reason) {
  if (state_ != State::kOpen) return;
  state_ = State::kClosing;
  if (reason == DisconnectReason::kSlowReader) {
    // What is not yet in flight is dropped: the client could not take it anyway (and backfill
    // does not bring it back, as on PowerTrack).
    while (pieces_.size() > inflight_) {
      queued_bytes_ -= pieces_.back().bytes.size();
      pieces_.pop_back();
    }
    stream_.metrics().slow_reader_disconnects->Add(1);
  } else if (reason == DisconnectReason::kTooManyConnections) {
    stream_.metrics().limit_disconnects->Add(1);
  }
  EndResponse(EnterpriseDisconnectMessage(reason, clock_.NowMs()));
}

void StreamConnection::EndResponse(std::string_view json) {
  state_ = State::kClosing;
  held_.clear();
  held_bytes_ = 0;
  EnqueueMessage(json);
  if (gzip_) {
    Piece trailer;
    trailer.kind = PieceKind::kGzipTrailer;
    Enqueue(std::move(trailer));
  }
  Piece last;
  last.kind = PieceKind::kRaw;
  last.bytes = kLastChunk;
  Enqueue(std::move(last));
  LeaveChannel();
  WriteMore();
}

void StreamConnection::WriteMore() {
  if (state_ == State::kClosed || inflight_ > 0 || pieces_.empty()) return;
  buffers_.clear();
  size_t groups = 0;
  uint64_t total = 0;
  size_t i = 0;
  while (i < pieces_.size() && buffers_.size() + 3 < kMaxBuffersPerWrite &&
         total < kMaxBytesPerWrite) {
    Piece& first = pieces_[i];
    if (first.kind == PieceKind::kRaw) {
      buffers_.emplace_back(first.bytes.data(), first.bytes.size());
      total += first.bytes.size();
      ++i;
      continue;
    }
    // One HTTP chunk around a run of consecutive chunked pieces.
    if (chunk_heads_.size() <= groups) chunk_heads_.resize(groups + 1);
    const size_t head_index = buffers_.size();
    buffers_.emplace_back();  // the size line, filled in below
    uint64_t group_bytes = 0;
    while (i < pieces_.size() && pieces_[i].kind != PieceKind::kRaw &&
           buffers_.size() + 2 < kMaxBuffersPerWrite && total + group_bytes < kMaxBytesPerWrite) {
      Piece& p = pieces_[i];
      if (p.kind == PieceKind::kGzipTrailer) {
        p.own = member_.Trailer();
        p.bytes = p.own;
      } else if (p.block) {
        member_.Add(*p.block);
      }
      if (!p.bytes.empty()) buffers_.emplace_back(p.bytes.data(), p.bytes.size());
      group_bytes += p.bytes.size();
      ++i;
    }
    if (group_bytes == 0) {  // never emit a zero-size chunk: it would end the body
      buffers_.erase(buffers_.begin() + head_index);
      continue;
    }
    auto& head = chunk_heads_[groups++];
    const int n = std::snprintf(head.data(), head.size(), "%llx\r\n",
                                static_cast<unsigned long long>(group_bytes));
    buffers_[head_index] = asio::const_buffer(head.data(), n);
    buffers_.emplace_back(kCrLf.data(), kCrLf.size());
    total += group_bytes;
  }
  inflight_ = i;
  for (size_t k = 0; k < inflight_; ++k) queued_bytes_ -= pieces_[k].bytes.size();
  if (buffers_.empty()) {  // only empty pieces: nothing to send
    pieces_.erase(pieces_.begin(), pieces_.begin() + inflight_);
    inflight_ = 0;
    return;
  }
  write_started_ = steady_clock::now();
  asio::async_write(socket_, buffers_,
                    [self = shared_from_this()](const boost::system::error_code& ec, size_t n) {
                      self->OnWrite(ec, n);
                    });
}

void StreamConnection::OnWrite(const boost::system::error_code& ec, size_t bytes) {
  if (state_ == State::kClosed) return;
  if (ec) {
    CloseNow();
    return;
  }
  uint64_t posts = 0;
  for (size_t k = 0; k < inflight_; ++k) {
    posts += pieces_[k].posts;
    if (pieces_[k].chunk && services_.on_delivered) services_.on_delivered(*pieces_[k].chunk);
  }
  pieces_.erase(pieces_.begin(), pieces_.begin() + inflight_);
  inflight_ = 0;
  last_write_ = steady_clock::now();
  stream_.metrics().posts_delivered->Add(posts);
  stream_.metrics().bytes_delivered->Add(bytes);
  if (state_ == State::kClosing && pieces_.empty()) {
    boost::system::error_code ignored;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    CloseNow();
    return;
  }
  WriteMore();
  MaybeStep();
}

void StreamConnection::ArmTimer() {
  auto next = last_write_ + options_.heartbeat;
  if (inflight_ > 0) next = std::min(next, write_started_ + options_.write_timeout);
  const auto now = steady_clock::now();
  if (next <= now) next = now + std::chrono::milliseconds(1);
  timer_.expires_at(next);
  timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (!ec) self->OnTimer();
  });
}

void StreamConnection::OnTimer() {
  if (state_ == State::kClosed) return;
  const auto now = steady_clock::now();
  if (inflight_ > 0 && now - write_started_ >= options_.write_timeout) {
    CloseNow();  // the client stopped reading; even its system message cannot get through
    return;
  }
  if (state_ == State::kOpen && inflight_ == 0 && pieces_.empty() &&
      now - last_write_ >= options_.heartbeat) {
    Piece heartbeat;
    if (gzip_) {
      const gzip::DeflatedBlock& block = gzip::HeartbeatBlock();
      heartbeat.block = &block;
      heartbeat.bytes = block.bytes;
    } else {
      heartbeat.bytes = kCrLf;
    }
    Enqueue(std::move(heartbeat));
    stream_.metrics().heartbeats->Add(1);
    WriteMore();
    last_write_ = now;  // a stuck heartbeat write is caught by the write timeout instead
  }
  ArmTimer();
}

void StreamConnection::WatchForClose() {
  // A streaming client sends nothing after its request; a read completing with EOF or an error
  // means it went away, and its slot in the connection limit is freed at once.
  socket_.async_read_some(asio::buffer(read_sink_),
                          [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
                            if (self->state_ == State::kClosed) return;
                            if (ec) {
                              self->CloseNow();
                            } else {
                              self->WatchForClose();
                            }
                          });
}

void StreamConnection::CloseNow() {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  boost::system::error_code ignored;
  timer_.cancel();
  replay_timer_.cancel();
  socket_.close(ignored);
  // pieces_ stay until destruction: an aborted write may still name their buffers.
  LeaveChannel();
}

void StreamConnection::LeaveChannel() {
  if (left_channel_) return;
  left_channel_ = true;
  if (replay_ && replay_->info) {
    services_.recovery_jobs->Finish(replay_->info);
    replay_->info = nullptr;
  }
  // Posted: the channel may be iterating its subscribers right now (Subscriber's contract).
  asio::post(socket_.get_executor(),
             [self = shared_from_this()] { self->channel_.Remove(self.get()); });
}

}  // namespace sluice

namespace sluice {

// The backfill seam. The connection is in its channel from the start, but while it catches up
// (kCatchUp) it drops the live chunks: the replay reads those posts from the archive. Each
// step reads up to the frontier's published sequence W as it was when the step was asked for.
// On the network thread W splits the archive exactly (archive_frontier.h): posts below it were
// published before now, posts at or above it will be published after now. When a step reaches
// its limit, the connection looks at W again: if nothing was published meanwhile it joins the
// live channel at once; otherwise it fixes the seam at the current W, keeps (kFinal) the live
// chunks that arrive from now on — all of them hold posts at or above the seam — and replays
// the last stretch up to the seam before writing them. No gap, no repeat, and the kFinal stretch
// is what arrived during one step, so holding it is cheap.
void StreamConnection::MaybeStep() {
  if (phase_ == ReplayPhase::kNone || step_in_flight_ || state_ != State::kOpen) return;
  if (queued_bytes_ > kReplayLowWaterBytes) return;  // OnWrite asks again
  if (!yielded_ && services_.frontier->ingest_backlog_bytes.load(std::memory_order_relaxed) >=
                       kIngestBehindBytes) {
    yielded_ = true;
    RetryStepLater(kReplayYieldInterval);
    return;
  }
  yielded_ = false;
  const uint64_t limit = phase_ == ReplayPhase::kFinal
                             ? final_limit_
                             : services_.frontier->published_seq.load(std::memory_order_acquire);
  const int64_t floor_ms = services_.frontier->time_floor_ms.load(std::memory_order_acquire);
  step_in_flight_ = true;
  asio::post(
      services_.replay_workers, [self = shared_from_this(), job = replay_->job, limit, floor_ms]() {
        ReplayStep step = job->Step(limit);
        asio::post(self->socket_.get_executor(), [self, step = std::move(step), limit, floor_ms] {
          self->OnStep(step, limit, floor_ms);
        });
      });
}

void StreamConnection::OnStep(const ReplayStep& step, uint64_t limit, int64_t floor_ms) {
  step_in_flight_ = false;
  if (state_ != State::kOpen) return;
  const bool recovery = phase_ == ReplayPhase::kRecovery;
  if (!step.status.ok()) {
    if (recovery) {
      EndResponse(RecoveryFailedMessage(step.status, step.position_time_ms, replay_->end_time_ms,
                                        clock_.NowMs()));
    } else {
      EndResponse(EnterpriseSystemMessage("error",
                                          "Backfill could not read the archive (" +
                                              step.status.ToString() + "); reconnect to try again.",
                                          clock_.NowMs()));
    }
    WriteMore();
    return;
  }
  const bool progressed = step.position != replay_position_ || step.chunk != nullptr;
  replay_position_ = step.position;
  if (step.chunk) {
    replayed_posts_ += step.chunk->posts;
    (recovery ? stream_.metrics().recovery_posts : stream_.metrics().backfill_posts)
        ->Add(step.chunk->posts);
    EnqueueChunk(step.chunk);
  }
  if (replay_->info) {
    replay_->info->posts_sent = replayed_posts_;
    replay_->info->position_time_ms = step.position_time_ms;
  }
  switch (phase_) {
    case ReplayPhase::kRecovery:
      if (step.reached_end || (step.reached_limit && floor_ms >= replay_->end_time_ms)) {
        phase_ = ReplayPhase::kNone;
        EndResponse(RecoveryCompletedMessage(replayed_posts_, clock_.NowMs()));
      } else if (step.reached_limit && limit == services_.frontier->published_seq.load()) {
        RetryStepLater(kReplayPollInterval);  // all published is read: wait for more
      }
      break;
    case ReplayPhase::kCatchUp:
      if (step.reached_limit) {
        const uint64_t now_published = services_.frontier->published_seq.load();
        if (now_published <= step.position) {
          stream_.metrics().backfill_joins_immediate->Add(1);
          JoinLive();
        } else {
          stream_.metrics().backfill_joins_held->Add(1);
          phase_ = ReplayPhase::kFinal;
          final_limit_ = now_published;
        }
      }
      break;
    case ReplayPhase::kFinal:
      if (step.reached_limit) JoinLive();
      break;
    case ReplayPhase::kNone:
      break;
  }
  WriteMore();
  if (!progressed && phase_ != ReplayPhase::kNone && !step.reached_limit) {
    RetryStepLater(kReplayPollInterval);  // nothing readable below the limit yet
    return;
  }
  MaybeStep();
}

void StreamConnection::RetryStepLater(std::chrono::milliseconds delay) {
  step_in_flight_ = true;  // nobody else asks meanwhile
  replay_timer_.expires_after(delay);
  replay_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    self->step_in_flight_ = false;
    if (!ec) self->MaybeStep();
  });
}

void StreamConnection::JoinLive() {
  phase_ = ReplayPhase::kNone;
  for (const StreamChunkPtr& chunk : held_) EnqueueChunk(chunk);
  held_.clear();
  held_bytes_ = 0;
}

}  // namespace sluice
