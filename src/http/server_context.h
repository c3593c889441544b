// ServerContext: what every request handler needs, passed explicitly (no global state).
// Lifetime: outlives the io_context's handlers (owned by main's wiring).
#pragma once

#include <atomic>
#include <boost/asio/thread_pool.hpp>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/clock.h"
#include "base/metrics.h"
#include "config/credentials.h"
#include "config/server_config.h"
#include "http/stream_connection.h"
#include "ingest/ingest_batch.h"
#include "post/post_parser.h"
#include "stream/stream_registry.h"

namespace sluice {

struct HttpMetrics {
  Counter* requests = nullptr;
  Counter* rejected_connections = nullptr;  // over max_connections
  Counter* ingest_rejected_lines = nullptr;
  Gauge* open_sockets = nullptr;
};

struct ServerContext {
  const ServerConfig& config;
  StreamRegistry& registry;
  IngestSink& ingest;
  MetricsRegistry& metrics;
  const Clock& clock;
  CredentialVerifier ingest_users;
  PostParser post_parser;  // used on the network thread only
  ConnectionCounter stream_connections;
  std::atomic<int> open_sockets{0};
  HttpMetrics http_metrics;
  // Password hashing (PBKDF2, tens of ms) for credentials not verified before runs here, never
  // on the network thread, so wrong passwords cannot stall the streams. One thread, so it takes
  // at most one core.
  boost::asio::thread_pool auth_pool{1};
  // Network thread only: the checks in flight, keyed by what they check, each with the sessions
  // waiting for its answer. Identical credentials arriving together (a client's redundant
  // connections, a reconnect storm) share one check; distinct checks are bounded.
  std::unordered_map<std::string, std::vector<std::function<void(int)>>> pending_checks;
  static constexpr size_t kMaxPendingChecks = 64;

  ServerContext(const ServerConfig& config, StreamRegistry& registry, IngestSink& ingest,
                MetricsRegistry& metrics, const Clock& clock);
};

}  // namespace sluice
