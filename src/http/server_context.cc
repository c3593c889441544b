#include "http/server_context.h"

namespace sluice {

ServerContext::ServerContext(const ServerConfig& config, StreamRegistry& registry,
                             IngestSink& ingest, MetricsRegistry& metrics, const Clock& clock)
    : config(config),
      registry(registry),
      ingest(ingest),
      metrics(metrics),
      clock(clock),
      ingest_users(config.ingest_users) {
  http_metrics.requests = metrics.AddCounter("sluice_http_requests_total", "HTTP requests read.");
  http_metrics.rejected_connections = metrics.AddCounter(
      "sluice_http_rejected_connections_total", "Sockets closed at once: over max_connections.");
  http_metrics.ingest_rejected_lines = metrics.AddCounter("sluice_ingest_rejected_lines_total",
                                                          "NDJSON lines refused by POST /ingest.");
  http_metrics.open_sockets = metrics.AddGauge("sluice_http_open_sockets", "Open client sockets.");
}

ConnectionServices ServerContext::ServicesFor(Stream& stream, int channel_index) {
  ConnectionServices services;
  services.replay_workers = replay_pool.get_executor();
  services.frontier = frontier;
  services.recovery_jobs = &recovery_jobs;
  if (usage) {
    if (auto it = usage_of.find(&stream); it != usage_of.end()) {
      services.on_delivered = [ledger = usage, handle = it->second,
                               channel_index](const StreamChunk& chunk) {
        ledger->Record(handle, channel_index, chunk.cover_begin, chunk.cover_end, chunk.seqs,
                       chunk.hour_ms);
      };
    }
  }
  return services;
}

}  // namespace sluice
