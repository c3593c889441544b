#include "stream/pipeline.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <span>

#include "base/time_format.h"
#include "stream/matching_rules.h"

namespace sluice {

Pipeline::Pipeline(PipelineOptions options, std::unique_ptr<archive::Writer> writer,
                   StreamRegistry& registry, NetworkExecutor network, ArchiveFrontier& frontier,
                   const Clock& clock, MetricsRegistry& metrics)
    : options_(options),
      writer_(std::move(writer)),
      registry_(registry),
      network_(std::move(network)),
      frontier_(frontier),
      clock_(clock),
      queue_(options.max_queued_bytes) {
  flushed_next_seq_ = writer_->next_seq();
  flushed_floor_ms_ = writer_->last_archive_time_ms();
  flushed_durable_seq_ = writer_->durable_seq();
  frontier_.published_seq.store(flushed_next_seq_);
  frontier_.time_floor_ms.store(flushed_floor_ms_);
  for (const auto& stream : registry_.streams()) {
    std::vector<ChannelBuilder> channels(stream->channel_count());
    for (size_t i = 0; i < channels.size(); ++i) {
      channels[i].channel = &stream->channel(i);
      channels[i].cover_begin = flushed_next_seq_;
      channels[i].deflater = std::make_unique<gzip::BatchDeflater>(options_.deflate_level);
    }
    builders_.push_back(std::move(channels));
  }
  posts_ingested_ = metrics.AddCounter("sluice_ingest_posts_total",
                                       "Posts accepted into the archive, from every source.");
  batches_ingested_ =
      metrics.AddCounter("sluice_ingest_batches_total", "Ingest batches appended to the archive.");
  archive_failures_ = metrics.AddCounter("sluice_archive_append_failures_total",
                                         "Ingest batches the archive refused (not acknowledged).");
  posts_matched_ = metrics.AddCounter("sluice_match_posts_total",
                                      "Posts matched against the rules of the PowerTrack streams.");
  view_failures_ = metrics.AddCounter(
      "sluice_match_view_failures_total",
      "Archived posts whose fields could not be extracted for matching (delivered to no rule).");
  queued_bytes_ = metrics.AddGauge("sluice_ingest_queued_bytes",
                                   "Bytes waiting in the ingest queue for the archive.");
  archived_queued_bytes_ =
      metrics.AddGauge("sluice_fanout_queued_bytes",
                       "Archived bytes waiting for matching and fan-out serialisation.");
}

Pipeline::~Pipeline() { Stop(); }

void Pipeline::Start() {
  // In this order, so that per-thread CPU figures (bench/run-all) list the archive stage first.
  archive_thread_ = std::thread([this] { RunArchive(); });
  fanout_thread_ = std::thread([this] { RunFanOut(); });
}

void Pipeline::Stop() {
  queue_.Close();
  // The archive stage drains the ingest queue, then closes the hand-off to the fan-out stage,
  // which drains it in turn.
  if (archive_thread_.joinable()) archive_thread_.join();
  if (fanout_thread_.joinable()) fanout_thread_.join();
}

// --- archive stage ---------------------------------------------------------------------------

void Pipeline::RunArchive() {
  std::vector<IngestBatch> batches;
  const auto poll = std::chrono::milliseconds(options_.sync_poll_ms);
  for (;;) {
    batches.clear();
    const bool open = queue_.PopAll(batches, poll);
    queued_bytes_->Set(static_cast<int64_t>(queue_.queued_bytes()));
    uint64_t popped = 0;
    for (const IngestBatch& batch : batches) popped += batch.data.size();
    {
      std::lock_guard lock(archived_mu_);
      popped += archived_bytes_;  // matching is part of keeping up
    }
    frontier_.ingest_backlog_bytes.store(popped, std::memory_order_relaxed);
    for (IngestBatch& batch : batches) ArchiveBatch(batch);
    Status synced = writer_->SyncIfDue();
    if (!synced.ok()) spdlog::error("archive sync failed: {}", synced.ToString());
    PushFlush(std::move(synced));
    if (!open) break;
  }
  Status synced = writer_->Sync();
  if (!synced.ok()) spdlog::error("final archive sync failed: {}", synced.ToString());
  PushFlush(std::move(synced));
  std::lock_guard lock(archived_mu_);
  archived_closed_ = true;
  archived_not_empty_.notify_all();
}

void Pipeline::ArchiveBatch(IngestBatch& batch) {
  if (batch.empty()) {
    if (batch.on_durable) batch.on_durable(Status::Ok());
    return;
  }
  records_.clear();
  for (const IngestPostRef& post : batch.posts) {
    records_.push_back(archive::Record{post.id, batch.bytes(post)});
  }
  Result<archive::AppendResult> appended = writer_->Append(records_);
  if (!appended.ok()) {
    // Nothing of this batch is acknowledged; the source learns why. A poisoned writer keeps
    // refusing until the server is restarted (archive-format.md).
    archive_failures_->Add(1);
    spdlog::error("archive append failed: {}", appended.status().ToString());
    if (batch.on_durable) batch.on_durable(appended.status());
    return;
  }
  posts_ingested_->Add(batch.size());
  batches_ingested_->Add(1);
  Archived item;
  item.first_seq = appended->first_seq;
  item.hour_ms = UtcHourStartMs(appended->archive_time_ms);
  item.batch = std::move(batch);
  PushArchived(std::move(item));
}

void Pipeline::PushFlush(Status failure) {
  const uint64_t next_seq = writer_->next_seq();
  const uint64_t durable_seq = writer_->durable_seq();
  // Every later append gets an archive time of at least the floor (archive_frontier.h).
  const int64_t floor_ms = std::max(writer_->last_archive_time_ms(), clock_.NowMs());
  if (failure.ok() && next_seq == flushed_next_seq_ && floor_ms == flushed_floor_ms_ &&
      durable_seq == flushed_durable_seq_) {
    return;
  }
  writer_->RaiseTimeFloor(floor_ms);
  flushed_next_seq_ = next_seq;
  flushed_floor_ms_ = floor_ms;
  flushed_durable_seq_ = durable_seq;
  Archived item;
  item.flush = true;
  item.next_seq = next_seq;
  item.floor_ms = floor_ms;
  item.durable_seq = durable_seq;
  item.failure = std::move(failure);
  PushArchived(std::move(item));
}

void Pipeline::PushArchived(Archived item) {
  const uint64_t bytes = item.batch.data.size();
  std::unique_lock lock(archived_mu_);
  // A batch larger than the bound still goes once the queue is empty.
  archived_not_full_.wait(lock, [&] {
    return archived_bytes_ == 0 || archived_bytes_ + bytes <= options_.max_archived_bytes;
  });
  archived_bytes_ += bytes;
  archived_.push_back(std::move(item));
  archived_queued_bytes_->Set(static_cast<int64_t>(archived_bytes_));
  archived_not_empty_.notify_one();
}

// --- fan-out stage ---------------------------------------------------------------------------

void Pipeline::RunFanOut() {
  // Started here rather than in Start so that their threads list after the stage's own.
  match_workers_ = std::make_unique<MatchWorkers>(options_.match_threads);
  std::deque<Archived> items;
  for (;;) {
    {
      std::unique_lock lock(archived_mu_);
      archived_not_empty_.wait(lock, [&] { return !archived_.empty() || archived_closed_; });
      if (archived_.empty()) break;  // closed and drained
      items.swap(archived_);
    }
    MatchWorkers::Job* ahead = nullptr;  // the job of items[ahead_index]
    size_t ahead_index = 0;
    for (size_t i = 0; i < items.size(); ++i) {
      Archived& item = items[i];
      if (!item.flush) {
        MatchWorkers::Job* job = ahead != nullptr && ahead_index == i ? ahead : StartMatching(item);
        // The next batch is matched while this one is serialised.
        ahead = nullptr;
        for (size_t j = i + 1; j < items.size(); ++j) {
          if (items[j].flush) continue;
          ahead = StartMatching(items[j]);
          ahead_index = j;
          break;
        }
        ProcessArchived(item, job != nullptr ? &match_workers_->Wait(job) : nullptr);
        const uint64_t bytes = item.batch.data.size();
        item.batch = IngestBatch();  // release its memory before waking the archive stage
        std::lock_guard lock(archived_mu_);
        archived_bytes_ -= bytes;
        archived_queued_bytes_->Set(static_cast<int64_t>(archived_bytes_));
        archived_not_full_.notify_all();
        continue;
      }
      // Fan out before acknowledging, so a source that hears "durable" knows every connected
      // client has been handed those posts already.
      FlushAll(item.next_seq, item.floor_ms);
      if (!item.failure.ok()) FailPendingAcks(item.failure);
      AcknowledgeDurable(item.durable_seq);
    }
    items.clear();
  }
  match_workers_.reset();  // joins the helpers
}

MatchWorkers::Job* Pipeline::StartMatching(const Archived& item) {
  // Rules are loaded once per batch: a change applies from the next batch on, to every stream
  // connection at once.
  std::shared_ptr<const CombinedRules> rules = registry_.combined_rules();
  if (item.batch.empty() || rules->empty()) return nullptr;
  return match_workers_->Start(item.batch, std::move(rules), &registry_.key_frequencies());
}

void Pipeline::ProcessArchived(Archived& item, const MatchWorkers::Job* matched) {
  IngestBatch& batch = item.batch;
  if (batch.on_durable) {
    pending_acks_.push_back({item.first_seq + batch.size(), std::move(batch.on_durable)});
  }
  const auto& streams = registry_.streams();
  uint64_t extracted = 0;
  uint64_t failed = 0;
  for (size_t p = 0; p < batch.posts.size(); ++p) {
    const IngestPostRef& post = batch.posts[p];
    const std::string_view bytes = batch.bytes(post);
    const uint64_t seq = item.first_seq + p;
    if (matched != nullptr) {
      if (matched->extracted(p)) {
        ++extracted;
        // Hits come grouped by slot: one annotated copy per slot.
        const std::span<const MatchWorkers::Hit> hits = matched->hits(p);
        for (size_t i = 0; i < hits.size();) {
          const uint32_t slot = hits[i].slot;
          annotation_.clear();
          for (; i < hits.size() && hits[i].slot == slot; ++i) {
            annotation_.push_back(hits[i].position);
          }
          AddToChannel(builders_[slot][0], bytes, seq, item.hour_ms,
                       &matched->rules().slot_rules(slot), &annotation_);
        }
      } else {
        ++failed;
      }
    }
    for (size_t s = 0; s < streams.size(); ++s) {
      const int c = streams[s]->ChannelFor(post.id);  // -1 for every PowerTrack stream
      if (c >= 0) AddToChannel(builders_[s][c], bytes, seq, item.hour_ms);
    }
  }
  if (extracted > 0) posts_matched_->Add(extracted);
  if (failed > 0) view_failures_->Add(failed);
}

void Pipeline::AddToChannel(ChannelBuilder& builder, std::string_view post, uint64_t seq,
                            int64_t hour_ms, const rules::RuleSet* rules,
                            const std::vector<uint32_t>* annotation) {
  // A chunk's posts share one archive hour, the unit of usage accounting.
  if (builder.posts > 0 && builder.hour_ms != hour_ms) FlushChannel(builder, builder.end_seq);
  if (builder.posts == 0) {
    builder.first_seq = seq;
    builder.hour_ms = hour_ms;
  }
  if (annotation) {
    AppendAnnotatedPost(builder.plain, post, *rules, *annotation);
  } else {
    builder.plain.append(post);
    builder.plain.append("\r\n");
  }
  builder.end_seq = seq + 1;
  builder.seqs.push_back(seq);
  ++builder.posts;
  if (builder.plain.size() >= options_.max_chunk_bytes) FlushChannel(builder, builder.end_seq);
}

void Pipeline::AcknowledgeDurable(uint64_t durable_seq) {
  while (!pending_acks_.empty() && pending_acks_.front().end_seq <= durable_seq) {
    pending_acks_.front().on_durable(Status::Ok());
    pending_acks_.pop_front();
  }
}

void Pipeline::FailPendingAcks(const Status& status) {
  for (PendingAck& ack : pending_acks_) ack.on_durable(status);
  pending_acks_.clear();
}

void Pipeline::FlushChannel(ChannelBuilder& builder, uint64_t cover_end) {
  if (builder.posts == 0) return;
  auto chunk = std::make_shared<StreamChunk>();
  if (builder.channel->gzip_subscribers() > 0) {
    gzip::DeflatedBlock block;
    if (builder.deflater->Deflate(builder.plain, block).ok()) chunk->deflated = std::move(block);
  }
  chunk->plain = std::move(builder.plain);
  chunk->first_seq = builder.first_seq;
  chunk->end_seq = builder.end_seq;
  chunk->posts = builder.posts;
  chunk->cover_begin = builder.cover_begin;
  chunk->cover_end = cover_end;
  chunk->seqs = std::move(builder.seqs);
  chunk->hour_ms = builder.hour_ms;
  builder.cover_begin = cover_end;
  builder.seqs = std::vector<uint64_t>();
  builder.seqs.reserve(chunk->seqs.size());
  builder.plain = std::string();
  builder.plain.reserve(std::min<size_t>(chunk->plain.size(), options_.max_chunk_bytes));
  builder.posts = 0;
  ready_.emplace_back(builder.channel, std::move(chunk));
}

void Pipeline::FlushAll(uint64_t next_seq, int64_t floor_ms) {
  for (auto& channels : builders_) {
    for (ChannelBuilder& builder : channels) FlushChannel(builder, next_seq);
  }
  uint64_t bytes = 0;
  for (const auto& [channel, chunk] : ready_) {
    bytes += chunk->plain.size() + (chunk->deflated ? chunk->deflated->bytes.size() : 0);
  }
  AdmitToNetwork(bytes);
  network_([this, chunks = std::move(ready_), bytes, next_seq, floor_ms]() {
    for (const auto& [channel, chunk] : chunks) channel->Publish(chunk);
    frontier_.published_seq.store(next_seq, std::memory_order_release);
    frontier_.time_floor_ms.store(floor_ms, std::memory_order_release);
    std::lock_guard lock(inflight_mu_);
    inflight_bytes_ -= bytes;
    inflight_cv_.notify_all();
  });
  ready_.clear();
}

void Pipeline::AdmitToNetwork(uint64_t bytes) {
  // The network thread is the bottleneck: hold ingest back rather than queue without bound.
  std::unique_lock lock(inflight_mu_);
  inflight_cv_.wait(lock, [&] { return inflight_bytes_ <= options_.max_inflight_bytes; });
  inflight_bytes_ += bytes;
}

}  // namespace sluice
