#include "stream/stream.h"

#include "post/sample.h"

namespace sluice {

Stream::Stream(std::string account, StreamConfig config, MetricsRegistry& metrics,
               RulesBoard* board, size_t slot)
    : account_(std::move(account)),
      config_(std::move(config)),
      own_board_(board ? nullptr : std::make_unique<RulesBoard>(1)),
      board_(board ? board : own_board_.get()),
      slot_(board ? slot : 0) {
  const std::string labels = PrometheusLabels({{"account", account_}, {"stream", config_.label}});
  metrics_.posts_delivered = metrics.AddCounter("sluice_stream_posts_delivered_total",
                                                "Posts written to stream connections.", labels);
  metrics_.bytes_delivered = metrics.AddCounter("sluice_stream_bytes_delivered_total",
                                                "Bytes written to stream connections.", labels);
  metrics_.heartbeats =
      metrics.AddCounter("sluice_stream_heartbeats_total", "Heartbeats sent.", labels);
  metrics_.slow_reader_disconnects =
      metrics.AddCounter("sluice_stream_slow_reader_disconnects_total",
                         "Connections cut because the client could not keep up.", labels);
  metrics_.limit_disconnects = metrics.AddCounter(
      "sluice_stream_limit_disconnects_total",
      "Connections closed after the grace period because the stream was over its limit.", labels);
  metrics_.refused_connections =
      metrics.AddCounter("sluice_stream_refused_connections_total",
                         "Connections refused with 429 beyond the limit plus one.", labels);
  metrics_.backfill_posts =
      metrics.AddCounter("sluice_stream_backfill_posts_total",
                         "Posts replayed from the archive to backfill connections.", labels);
  metrics_.recovery_posts =
      metrics.AddCounter("sluice_stream_recovery_posts_total",
                         "Posts replayed from the archive to recovery connections.", labels);
  metrics_.backfill_joins_immediate =
      metrics.AddCounter("sluice_stream_backfill_joins_total",
                         "Backfills that joined the live stream, by how the seam was made.",
                         labels + ",seam=\"immediate\"");
  metrics_.backfill_joins_held =
      metrics.AddCounter("sluice_stream_backfill_joins_total",
                         "Backfills that joined the live stream, by how the seam was made.",
                         labels + ",seam=\"held\"");
  metrics_.refused_recoveries =
      metrics.AddCounter("sluice_stream_refused_recoveries_total",
                         "Recovery requests refused with 429 at the recovery job limit.", labels);

  const int channels = config_.kind == StreamKind::kDecahose ? 2 : 1;
  for (int i = 0; i < channels; ++i) {
    std::string channel_labels = labels;
    std::string name = account_ + "/" + config_.label;
    if (config_.kind == StreamKind::kDecahose) {
      channel_labels += ",partition=\"" + std::to_string(i + 1) + "\"";
      name += "/partition-" + std::to_string(i + 1);
    }
    ChannelMetrics channel_metrics;
    channel_metrics.connections =
        metrics.AddGauge("sluice_stream_connections", "Open realtime connections.", channel_labels);
    channel_metrics.chunks_published = metrics.AddCounter("sluice_stream_chunks_published_total",
                                                          "Batches fanned out.", channel_labels);
    channels_.push_back(
        std::make_unique<Channel>(std::move(name), config_.connection_limit, channel_metrics));
  }
}

int Stream::ChannelFor(uint64_t post_id) const {
  switch (config_.kind) {
    case StreamKind::kPowerTrack:
      return -1;  // rules decide; a stream with no rules carries nothing (SPEC §2)
    case StreamKind::kDecahose:
      return InDecahose(post_id) ? DecahosePartition(post_id) - 1 : -1;
    case StreamKind::kSample:
      return InOnePercentSample(post_id) ? 0 : -1;
  }
  return -1;
}

Channel& Stream::ChannelOfPartition(int partition) {
  return config_.kind == StreamKind::kDecahose ? *channels_[partition - 1] : *channels_[0];
}

}  // namespace sluice
