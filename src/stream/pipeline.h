// Pipeline: the one thread through which every post passes (ARCHITECTURE: ingest → archive →
// match → fan-out serialisation). It pops ingest batches, appends them to the archive (which
// assigns archive time), decides per post which stream channels carry it, serialises each
// channel's share once (plain, and deflated once when the channel has gzip connections) and
// hands the immutable chunks to the network thread.
//
// Visibility: a post reaches connections only after the archive accepted it. Durability: a
// batch's on_durable callback runs once the archive's fsync policy covers all its posts.
// Replays: after each hand-over the network thread advances the ArchiveFrontier, where
// backfills join the live channels (archive_frontier.h).
//
// Thread safety: Submit/TrySubmit (IngestSink) from any thread; Start/Stop from one owner.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "archive/archive.h"
#include "base/clock.h"
#include "base/metrics.h"
#include "gzip/gzip.h"
#include "stream/archive_frontier.h"
#include "stream/ingest_queue.h"
#include "stream/stream_registry.h"

namespace sluice {

struct PipelineOptions {
  uint64_t max_queued_bytes = 64ull << 20;  // ingest queue bound
  uint64_t max_inflight_bytes = 64ull
                                << 20;    // chunks handed to the network thread, not yet fanned out
  uint64_t max_chunk_bytes = 1ull << 20;  // a channel's chunk is cut at this size
  int deflate_level = 1;
  int64_t sync_poll_ms = 20;  // how often an idle pipeline checks for a due fsync
};

// Runs a closure on the network thread (asio::post in the server).
using NetworkExecutor = std::function<void(std::function<void()>)>;

class Pipeline final : public IngestSink {
 public:
  // REQUIRES: `registry`, `frontier`, `clock` and `metrics` outlive the pipeline; nothing reads
  // `frontier` before the constructor returns (it is initialised from the writer here).
  Pipeline(PipelineOptions options, std::unique_ptr<archive::Writer> writer,
           StreamRegistry& registry, NetworkExecutor network, ArchiveFrontier& frontier,
           const Clock& clock, MetricsRegistry& metrics);
  ~Pipeline() override;
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  void Start();
  // Refuses new batches, archives and fans out what is queued, syncs the archive, joins.
  void Stop();

  Status Submit(IngestBatch batch) override { return queue_.Submit(std::move(batch)); }
  Status TrySubmit(IngestBatch& batch) override { return queue_.TrySubmit(batch); }

 private:
  struct ChannelBuilder {
    Channel* channel = nullptr;
    std::string plain;
    uint64_t first_seq = 0;
    uint64_t end_seq = 0;
    uint32_t posts = 0;
    std::vector<uint64_t> seqs;
    int64_t hour_ms = 0;
    uint64_t cover_begin = 0;  // the next chunk covers the channel from here
    std::unique_ptr<gzip::BatchDeflater> deflater;
  };
  struct PendingAck {
    uint64_t end_seq;  // durable once durable_seq >= end_seq
    std::function<void(Status)> on_durable;
  };

  void Run();
  void ProcessBatch(IngestBatch& batch);
  void AcknowledgeDurable();
  void FailPendingAcks(const Status& status);
  // Turns the builder's pending posts into a chunk queued in ready_, covering the channel up
  // to `cover_end`.
  void FlushChannel(ChannelBuilder& builder, uint64_t cover_end);
  // Flushes every channel and hands the chunks, with the new frontier, to the network thread.
  void FlushAll();
  // Waits until the network thread has room, then counts `bytes` as handed to it.
  void AdmitToNetwork(uint64_t bytes);

  const PipelineOptions options_;
  std::unique_ptr<archive::Writer> writer_;
  StreamRegistry& registry_;
  NetworkExecutor network_;
  ArchiveFrontier& frontier_;
  const Clock& clock_;
  IngestQueue queue_;
  uint64_t handed_seq_ = 0;  // frontier last handed to the network thread
  int64_t handed_floor_ms_ = 0;

  // Per stream (registry order), per channel.
  std::vector<std::vector<ChannelBuilder>> builders_;
  std::vector<std::pair<Channel*, StreamChunkPtr>> ready_;
  std::deque<PendingAck> pending_acks_;
  std::vector<archive::Record> records_;  // reused across batches

  // Bytes handed to the network thread and not yet published there.
  std::mutex inflight_mu_;
  std::condition_variable inflight_cv_;
  uint64_t inflight_bytes_ = 0;

  Counter* posts_ingested_;
  Counter* batches_ingested_;
  Counter* archive_failures_;
  Gauge* queued_bytes_;

  std::thread thread_;
};

}  // namespace sluice
