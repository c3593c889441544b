// ServerApp: sluiced's wiring — archive, pipeline, HTTP server, generator, file ingest, archive
// retention and usage snapshots — and the order in which they start and drain.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "archive/archive.h"
#include "base/clock.h"
#include "base/metrics.h"
#include "config/server_config.h"
#include "http/rules_handler.h"
#include "http/server.h"
#include "ingest/generator_source.h"
#include "stream/archive_frontier.h"
#include "stream/pipeline.h"
#include "stream/rule_store.h"
#include "stream/stream_registry.h"
#include "stream/usage_ledger.h"

namespace sluice {

class ServerApp {
 public:
  explicit ServerApp(ServerConfig config);
  ~ServerApp();
  ServerApp(const ServerApp&) = delete;
  ServerApp& operator=(const ServerApp&) = delete;

  // Opens the archive, binds the listener and starts every thread. Errors name what failed.
  Status Start();
  // Blocks until SIGINT/SIGTERM, then drains: sources stop, the pipeline archives and fans out
  // what it holds, every stream gets the operational disconnect message, threads join.
  void RunUntilSignal();

  uint16_t port() const { return port_; }
  const ServerConfig& config() const { return config_; }

 private:
  void Drain();
  // Opens the rule store of every PowerTrack stream (data_dir/rules/<account>/<label>.log) and
  // gives each stream its rules, before any post flows.
  Status OpenRuleStores();
  // Every kRulesUpkeepInterval on the rules thread: the rules memory gauges of changed sets,
  // and the re-index of the rules by learned key frequencies when one is due.
  void ScheduleRulesUpkeep();
  void StartUsage();
  void ScheduleUsageSnapshot();
  void SaveUsage();  // on the network thread: serialise, write on a worker
  void RetentionLoop();
  archive::WriterOptions WriterOptions() const;

  ServerConfig config_;
  SystemClock system_clock_;
  std::unique_ptr<ManualClock> manual_clock_;  // --manual-clock
  const Clock* clock_ = &system_clock_;
  MetricsRegistry metrics_;
  ArchiveFrontier frontier_;
  std::shared_ptr<archive::ArchiveIndex> archive_index_;
  UsageLedger usage_;
  std::unique_ptr<archive::FileSystem> fs_;
  boost::asio::io_context io_{1};
  std::unique_ptr<boost::asio::steady_timer> usage_timer_;  // an io_ object: declared after it
  std::unique_ptr<StreamRegistry> registry_;
  std::unique_ptr<Pipeline> pipeline_;
  // Declared before context_, whose rules thread uses them: destroyed after it.
  std::vector<std::unique_ptr<rules::RuleStore>> rule_stores_;
  std::vector<StreamRules> stream_rules_;
  std::unique_ptr<ServerContext> context_;
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<boost::asio::steady_timer> rules_upkeep_timer_;  // on context_->rules_pool
  bool rules_upkeep_stopping_ = false;                             // rules thread only
  uint64_t rules_upkeep_ticks_ = 0;                                // rules thread only
  Counter* rules_relearned_ = nullptr;
  Gauge* rules_index_memory_ = nullptr;
  std::weak_ptr<const CombinedRules> measured_index_;  // rules thread only
  std::unique_ptr<GeneratorSource> generator_;
  std::thread network_thread_;
  std::thread file_thread_;
  std::thread retention_thread_;
  std::mutex retention_mu_;
  std::condition_variable retention_cv_;
  bool stopping_ = false;
  Gauge* archive_disk_bytes_ = nullptr;
  Counter* segments_deleted_ = nullptr;
  uint16_t port_ = 0;
};

}  // namespace sluice
