// Pipeline: the path every post takes (ARCHITECTURE: ingest → archive → match → fan-out
// serialisation), in two threads joined by a bounded queue, so that matching rules and
// serialising a post for its streams run beside archiving the next batch (two cores):
//
//  - the archive stage pops ingest batches and appends them to the archive (which assigns
//    archive time), syncs per the fsync policy and raises the archive's time floor;
//  - the fan-out stage decides per post which stream channels carry it (one match of the post
//    against every stream's rules; samples by id), serialises each channel's share once (plain,
//    and deflated once when the channel has gzip connections), hands the immutable chunks to the
//    network thread and acknowledges batches. When streams have rules, helper threads extract
//    and match a batch's posts (MatchWorkers) while it serialises the batch before, and it
//    serialises them alone, in order.
//
// Visibility: a post reaches connections only after the archive accepted it. Durability: a
// batch's on_durable callback runs once the archive's fsync policy covers all its posts and its
// posts have been handed to the network thread. Replays: after each hand-over the network
// thread advances the ArchiveFrontier, where backfills join the live channels
// (archive_frontier.h).
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
#include "rules/rule_set.h"
#include "stream/archive_frontier.h"
#include "stream/combined_rules.h"
#include "stream/ingest_queue.h"
#include "stream/match_workers.h"
#include "stream/stream_registry.h"

namespace sluice {

struct PipelineOptions {
  uint64_t max_queued_bytes = 64ull << 20;  // ingest queue bound
  uint64_t max_inflight_bytes = 64ull
                                << 20;    // chunks handed to the network thread, not yet fanned out
  uint64_t max_chunk_bytes = 1ull << 20;  // a channel's chunk is cut at this size
  // Archived batches waiting for the fan-out stage (matching); the archive stage waits beyond.
  uint64_t max_archived_bytes = 32ull << 20;
  int deflate_level = 1;
  int64_t sync_poll_ms = 20;  // how often an idle pipeline checks for a due fsync
  // Threads that extract and match posts, the fan-out thread included: 1 matches on the fan-out
  // thread alone; 0 means MatchWorkers::DefaultThreads() (the hardware's, at most 4).
  size_t match_threads = 0;
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
  // What the archive stage hands the fan-out stage, in archive order: an archived batch, or a
  // flush point (publish everything archived below next_seq, with the time floor, then
  // acknowledge what is durable).
  struct Archived {
    IngestBatch batch;  // its on_durable is the fan-out stage's to call
    uint64_t first_seq = 0;
    int64_t hour_ms = 0;
    bool flush = false;
    uint64_t next_seq = 0;
    int64_t floor_ms = 0;
    uint64_t durable_seq = 0;
    Status failure;  // a failed sync: every pending acknowledgement fails with it
  };

  void RunArchive();
  void RunFanOut();
  // Archive stage.
  void ArchiveBatch(IngestBatch& batch);
  void PushFlush(Status failure);
  void PushArchived(Archived item);
  // Fan-out stage.
  // Starts matching `item`'s posts; null when there is nothing to match (a flush point, an
  // empty batch, no stream with rules).
  MatchWorkers::Job* StartMatching(const Archived& item);
  // Hands `item`'s posts to their channels; `matched` is its finished match job, if any.
  void ProcessArchived(Archived& item, const MatchWorkers::Job* matched);
  void AcknowledgeDurable(uint64_t durable_seq);
  void FailPendingAcks(const Status& status);
  // Appends post `seq` (archived at `hour_ms`) to a channel's builder; for a PowerTrack stream,
  // `annotation` lists the positions in `rules` of the rules it matched.
  void AddToChannel(ChannelBuilder& builder, std::string_view post, uint64_t seq, int64_t hour_ms,
                    const rules::RuleSet* rules = nullptr,
                    const std::vector<uint32_t>* annotation = nullptr);
  // Turns the builder's pending posts into a chunk queued in ready_, covering the channel up
  // to `cover_end`.
  void FlushChannel(ChannelBuilder& builder, uint64_t cover_end);
  // Flushes every channel and hands the chunks, with the new frontier, to the network thread.
  void FlushAll(uint64_t next_seq, int64_t floor_ms);
  // Waits until the network thread has room, then counts `bytes` as handed to it.
  void AdmitToNetwork(uint64_t bytes);

  const PipelineOptions options_;
  std::unique_ptr<archive::Writer> writer_;
  StreamRegistry& registry_;
  NetworkExecutor network_;
  ArchiveFrontier& frontier_;
  const Clock& clock_;
  IngestQueue queue_;

  // Archive stage only.
  std::vector<archive::Record> records_;  // reused across batches
  uint64_t flushed_next_seq_ = 0;         // the last flush point handed on
  int64_t flushed_floor_ms_ = 0;
  uint64_t flushed_durable_seq_ = 0;

  // Between the stages.
  std::mutex archived_mu_;
  std::condition_variable archived_not_empty_;
  std::condition_variable archived_not_full_;
  std::deque<Archived> archived_;
  uint64_t archived_bytes_ = 0;
  bool archived_closed_ = false;

  // Fan-out stage only.
  // Per stream (registry order), per channel.
  std::vector<std::vector<ChannelBuilder>> builders_;
  std::vector<std::pair<Channel*, StreamChunkPtr>> ready_;
  std::deque<PendingAck> pending_acks_;

  // Matching (PowerTrack streams): one post view and one match per post for every stream's
  // rules, as loaded when the batch's job started. The workers live as long as the fan-out
  // thread runs (it starts and joins their helpers).
  std::unique_ptr<MatchWorkers> match_workers_;
  std::vector<uint32_t> annotation_;  // one slot's matched rule positions, reused

  // Bytes handed to the network thread and not yet published there.
  std::mutex inflight_mu_;
  std::condition_variable inflight_cv_;
  uint64_t inflight_bytes_ = 0;

  Counter* posts_ingested_;
  Counter* batches_ingested_;
  Counter* archive_failures_;
  Counter* posts_matched_;  // posts whose view was matched against at least one rule set
  Counter* view_failures_;
  Gauge* queued_bytes_;
  Gauge* archived_queued_bytes_;

  std::thread archive_thread_;
  std::thread fanout_thread_;
};

}  // namespace sluice
