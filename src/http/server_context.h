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

#include "archive/archive.h"
#include "base/clock.h"
#include "base/metrics.h"
#include "config/credentials.h"
#include "config/server_config.h"
#include "http/rules_handler.h"
#include "http/stream_connection.h"
#include "ingest/ingest_batch.h"
#include "post/post_parser.h"
#include "stream/archive_frontier.h"
#include "stream/recovery_jobs.h"
#include "stream/stream_registry.h"
#include "stream/usage_ledger.h"

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

  // Replays (backfill, recovery): set by the server's wiring before it listens.
  std::filesystem::path archive_dir;
  std::shared_ptr<archive::ArchiveIndex> archive_index;
  const ArchiveFrontier* frontier = nullptr;
  RecoveryJobs recovery_jobs;  // network thread only
  // Archive reads of replays run here, never on the network or pipeline thread.
  boost::asio::thread_pool replay_pool{2};
  // Usage accounting (network thread only); null: not counted.
  UsageLedger* usage = nullptr;
  std::unordered_map<const Stream*, UsageLedger::StreamUsage*> usage_of;
  // The Rules API: every PowerTrack stream's rules (set by the wiring before it listens; read
  // only afterwards). Every rules request runs on the one thread of rules_pool, so the stores'
  // changes are serialised and none runs on the network thread.
  std::unordered_map<const Stream*, StreamRules> rules_of;
  boost::asio::thread_pool rules_pool{1};
  // Network thread only: rules requests queued or running; more are answered 503, so a burst
  // of 5 MB bodies cannot pile up in memory.
  int rules_requests_pending = 0;
  static constexpr int kMaxPendingRulesRequests = 16;
  // `--manual-clock`: the clock POST /debug/clock moves; null otherwise (the endpoint is 404).
  ManualClock* manual_clock = nullptr;

  // What a new stream connection to channel `channel_index` of `stream` needs.
  ConnectionServices ServicesFor(Stream& stream, int channel_index);

  ServerContext(const ServerConfig& config, StreamRegistry& registry, IngestSink& ingest,
                MetricsRegistry& metrics, const Clock& clock);
};

}  // namespace sluice
