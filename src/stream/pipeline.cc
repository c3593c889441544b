#include "stream/pipeline.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "base/time_format.h"

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
  handed_seq_ = writer_->next_seq();
  handed_floor_ms_ = writer_->last_archive_time_ms();
  frontier_.published_seq.store(handed_seq_);
  frontier_.time_floor_ms.store(handed_floor_ms_);
  for (const auto& stream : registry_.streams()) {
    std::vector<ChannelBuilder> channels(stream->channel_count());
    for (size_t i = 0; i < channels.size(); ++i) {
      channels[i].channel = &stream->channel(i);
      channels[i].cover_begin = handed_seq_;
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
  queued_bytes_ = metrics.AddGauge("sluice_ingest_queued_bytes",
                                   "Bytes waiting in the ingest queue for the archive.");
}

Pipeline::~Pipeline() { Stop(); }

void Pipeline::Start() {
  thread_ = std::thread([this] { Run(); });
}

void Pipeline::Stop() {
  queue_.Close();
  if (thread_.joinable()) thread_.join();
}

void Pipeline::Run() {
  std::vector<IngestBatch> batches;
  const auto poll = std::chrono::milliseconds(options_.sync_poll_ms);
  for (;;) {
    batches.clear();
    const bool open = queue_.PopAll(batches, poll);
    queued_bytes_->Set(static_cast<int64_t>(queue_.queued_bytes()));
    uint64_t popped = 0;
    for (const IngestBatch& batch : batches) popped += batch.data.size();
    frontier_.ingest_backlog_bytes.store(popped, std::memory_order_relaxed);
    for (IngestBatch& batch : batches) ProcessBatch(batch);
    if (Status s = writer_->SyncIfDue(); !s.ok()) {
      spdlog::error("archive sync failed: {}", s.ToString());
      FailPendingAcks(s);
    }
    // Fan out before acknowledging, so a source that hears "durable" knows every connected
    // client has been handed those posts already.
    FlushAll();
    AcknowledgeDurable();
    if (!open) break;
  }
  if (Status s = writer_->Sync(); !s.ok()) {
    spdlog::error("final archive sync failed: {}", s.ToString());
    FailPendingAcks(s);
  }
  AcknowledgeDurable();
}

void Pipeline::ProcessBatch(IngestBatch& batch) {
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
  const uint64_t first_seq = appended->first_seq;
  const int64_t hour_ms = UtcHourStartMs(appended->archive_time_ms);
  if (batch.on_durable) {
    pending_acks_.push_back({first_seq + batch.size(), std::move(batch.on_durable)});
  }

  const auto& streams = registry_.streams();
  for (size_t p = 0; p < batch.posts.size(); ++p) {
    const IngestPostRef& post = batch.posts[p];
    for (size_t s = 0; s < streams.size(); ++s) {
      const int c = streams[s]->ChannelFor(post.id);
      if (c < 0) continue;
      ChannelBuilder& builder = builders_[s][c];
      // A chunk's posts share one archive hour, the unit of usage accounting.
      if (builder.posts > 0 && builder.hour_ms != hour_ms) FlushChannel(builder, builder.end_seq);
      if (builder.posts == 0) {
        builder.first_seq = first_seq + p;
        builder.hour_ms = hour_ms;
      }
      builder.plain.append(batch.bytes(post));
      builder.plain.append("\r\n");
      builder.end_seq = first_seq + p + 1;
      builder.seqs.push_back(builder.end_seq - 1);
      ++builder.posts;
      if (builder.plain.size() >= options_.max_chunk_bytes) FlushChannel(builder, builder.end_seq);
    }
  }
}

void Pipeline::AcknowledgeDurable() {
  const uint64_t durable = writer_->durable_seq();
  while (!pending_acks_.empty() && pending_acks_.front().end_seq <= durable) {
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

void Pipeline::FlushAll() {
  const uint64_t next_seq = writer_->next_seq();
  for (auto& channels : builders_) {
    for (ChannelBuilder& builder : channels) FlushChannel(builder, next_seq);
  }
  // Every later append gets an archive time of at least the floor (archive_frontier.h).
  const int64_t floor_ms = std::max(writer_->last_archive_time_ms(), clock_.NowMs());
  if (ready_.empty() && next_seq == handed_seq_ && floor_ms == handed_floor_ms_) return;
  writer_->RaiseTimeFloor(floor_ms);
  handed_seq_ = next_seq;
  handed_floor_ms_ = floor_ms;
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
