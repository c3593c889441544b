#include "bin/server_app.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <chrono>
#include <future>

#include "archive/archive.h"
#include "base/time_format.h"
#include "ingest/file_source.h"
#include "post/post_parser.h"

namespace sluice {

namespace asio = boost::asio;

namespace {

constexpr auto kDrainTimeout = std::chrono::seconds(5);
// A crash loses at most this much usage counting (docs/usage.md).
constexpr auto kUsageSnapshotInterval = std::chrono::seconds(10);
constexpr std::string_view kUsageFileName = "usage.snapshot";
// How long the rules may stay indexed by guesses once the pipeline has seen enough posts to
// learn from; sluice_stream_rules_memory_bytes may be kRulesMemoryTicks of these stale.
constexpr auto kRulesUpkeepInterval = std::chrono::seconds(1);
constexpr uint64_t kRulesMemoryTicks = 5;
// Backfill reaches back 5 minutes whatever the recovery windows say.
constexpr int64_t kMinRetentionMs = 5 * 60 * 1000;

archive::WriterOptions ArchiveOptions(const ServerConfig& config) {
  archive::WriterOptions options;
  options.dir = config.data_dir / "archive";
  options.sync_mode = config.archive.fsync == FsyncPolicy::kAlways ? archive::SyncMode::kAlways
                                                                   : archive::SyncMode::kInterval;
  options.sync_interval_ms = config.archive.fsync_interval_ms;
  options.segment_max_bytes = config.archive.segment_max_bytes;
  options.segment_max_ms = config.archive.segment_max_ms;
  options.page_cache_bytes = config.archive.page_cache_bytes;
  return options;
}

// Archive retention keeps what the stream with the longest recovery window may still ask for.
int64_t RetentionMs(const ServerConfig& config) {
  int64_t longest = kMinRetentionMs;
  for (const AccountConfig& account : config.accounts) {
    for (const StreamConfig& stream : account.streams) {
      longest = std::max(longest, RecoveryWindowMs(stream));
    }
  }
  return longest;
}

}  // namespace

ServerApp::ServerApp(ServerConfig config)
    : config_(std::move(config)), fs_(archive::NewPosixFileSystem()) {
  if (config_.manual_clock_start_ms) {
    manual_clock_ = std::make_unique<ManualClock>(*config_.manual_clock_start_ms);
    clock_ = manual_clock_.get();
  }
}

ServerApp::~ServerApp() {
  if (network_thread_.joinable()) Drain();
}

Status ServerApp::Start() {
  archive::WriterMetrics archive_metrics;
  archive_metrics.bytes_archived =
      metrics_.AddCounter("sluice_archive_bytes_total", "Bytes appended to the archive.");
  archive_metrics.records =
      metrics_.AddCounter("sluice_archive_records_total", "Records appended to the archive.");
  archive_metrics.fsyncs = metrics_.AddCounter("sluice_archive_fsyncs_total", "Archive fsyncs.");
  archive_metrics.fsync_seconds = metrics_.AddHistogram(
      "sluice_archive_fsync_seconds", "Archive fsync latency.",
      {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1});
  archive::RecoveryReport report;
  Result<std::unique_ptr<archive::Writer>> writer =
      archive::Writer::Open(WriterOptions(), *clock_, nullptr, &report, archive_metrics);
  if (!writer.ok()) return writer.status();
  spdlog::info("archive {}: {}", (config_.data_dir / "archive").string(), report.Summary());
  archive_index_ = (*writer)->index();
  archive_disk_bytes_ =
      metrics_.AddGauge("sluice_archive_disk_bytes", "Bytes of archive files on disk.");
  segments_deleted_ = metrics_.AddCounter("sluice_archive_segments_deleted_total",
                                          "Archive segments deleted by retention.");

  registry_ = std::make_unique<StreamRegistry>(config_, metrics_);
  SLUICE_RETURN_IF_ERROR(OpenRuleStores());
  pipeline_ = std::make_unique<Pipeline>(
      PipelineOptions{}, std::move(writer).value(), *registry_,
      [this](std::function<void()> work) { asio::post(io_, std::move(work)); }, frontier_, *clock_,
      metrics_);
  // Threads start in a fixed order — pipeline, network, generator, then the password worker
  // inside ServerContext — which bench/server_bench attributes CPU by.
  pipeline_->Start();
  network_thread_ = std::thread([this] {
    auto guard = asio::make_work_guard(io_);
    io_.run();
  });
  if (config_.generator_rate > 0) {
    generator_ = std::make_unique<GeneratorSource>(config_.generator_seed, config_.generator_rate,
                                                   *clock_, *pipeline_);
    generator_->Start();
  }
  context_ = std::make_unique<ServerContext>(config_, *registry_, *pipeline_, metrics_, *clock_);
  context_->archive_dir = config_.data_dir / "archive";
  context_->archive_index = archive_index_;
  context_->frontier = &frontier_;
  context_->manual_clock = manual_clock_.get();
  for (const StreamRules& rules : stream_rules_) context_->rules_of.emplace(rules.stream, rules);
  rules_relearned_ = metrics_.AddCounter(
      "sluice_rules_relearned_total",
      "Re-indexes of the rules by the key frequencies of the posts matched so far.");
  rules_index_memory_ = metrics_.AddGauge(
      "sluice_rules_index_memory_bytes",
      "Approximate heap bytes of the index the pipeline matches with (every stream's rules).");
  rules_upkeep_timer_ = std::make_unique<asio::steady_timer>(context_->rules_pool.get_executor());
  asio::post(context_->rules_pool, [this] { ScheduleRulesUpkeep(); });
  StartUsage();
  server_ = std::make_unique<HttpServer>(io_, *context_);
  // Listen runs here while the network thread already runs io_: bind on that thread.
  std::promise<Result<asio::ip::tcp::endpoint>> bound_promise;
  asio::post(io_, [&] {
    bound_promise.set_value(server_->Listen(config_.listen_host, config_.listen_port));
  });
  Result<asio::ip::tcp::endpoint> bound = bound_promise.get_future().get();
  if (!bound.ok()) return bound.status();
  port_ = bound->port();
  asio::post(io_, [this] { ScheduleUsageSnapshot(); });
  retention_thread_ = std::thread([this] { RetentionLoop(); });
  if (config_.ingest_file) {
    file_thread_ = std::thread([this, path = *config_.ingest_file] {
      PostParser parser;
      NdjsonLimits limits;
      limits.max_post_bytes = config_.max_post_bytes;
      Result<FileIngestStats> stats =
          IngestNdjsonFile(path, parser, *pipeline_, limits, [&](const LineError& error) {
            spdlog::warn("{}: line {}: {}", path, error.line, error.message);
          });
      if (stats.ok()) {
        spdlog::info("ingested {}: {} posts accepted, {} lines rejected", path, stats->accepted,
                     stats->rejected);
      } else {
        spdlog::error("ingest of {} failed: {}", path, stats.status().ToString());
      }
    });
  }
  return Status::Ok();
}

void ServerApp::RunUntilSignal() {
  std::promise<int> signalled;
  asio::signal_set signals(io_, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (!ec) signalled.set_value(signal);
  });
  const int signal = signalled.get_future().get();
  spdlog::info("signal {}: draining", signal);
  Drain();
}

archive::WriterOptions ServerApp::WriterOptions() const {
  archive::WriterOptions options = ArchiveOptions(config_);
  options.sync_clock = &system_clock_;  // fsyncs keep real time under --manual-clock
  return options;
}

Status ServerApp::OpenRuleStores() {
  for (const auto& stream : registry_->streams()) {
    if (stream->kind() != StreamKind::kPowerTrack) continue;
    const std::string& label = stream->config().label;
    rules::RuleStoreOptions options;
    options.log_path = config_.data_dir / "rules" / stream->account() / (label + ".log");
    options.max_rules = static_cast<size_t>(stream->config().max_rules);
    options.clock = clock_;
    rules::RuleStoreOpenReport report;
    Result<std::unique_ptr<rules::RuleStore>> store = rules::RuleStore::Open(options, &report);
    if (!store.ok()) {
      return Status(store.status().code(), "rules of stream " + stream->account() + "/" + label +
                                               ": " + store.status().message());
    }
    if (report.truncated_bytes > 0) {
      spdlog::warn("rules {}: {}", options.log_path.string(), report.Summary());
    } else {
      spdlog::info("rules {}: {}", options.log_path.string(), report.Summary());
    }
    const std::string labels =
        PrometheusLabels({{"account", stream->account()}, {"stream", label}});
    StreamRules rules;
    rules.stream = stream.get();
    rules.store = store->get();
    rules.rule_count = metrics_.AddGauge("sluice_stream_rules", "Rules of the stream.", labels);
    rules.memory_bytes =
        metrics_.AddGauge("sluice_stream_rules_memory_bytes",
                          "Approximate heap bytes of the stream's compiled rules.", labels);
    rules.Publish();
    rules.MeasureMemory();
    rule_stores_.push_back(std::move(store).value());
    stream_rules_.push_back(rules);
  }
  return Status::Ok();
}

void ServerApp::ScheduleRulesUpkeep() {
  rules_upkeep_timer_->expires_after(kRulesUpkeepInterval);
  rules_upkeep_timer_->async_wait([this](const boost::system::error_code& ec) {
    if (ec || rules_upkeep_stopping_) return;
    // Measuring a changed set walks every rule: every kRulesMemoryTicks ticks is fresh enough.
    if (++rules_upkeep_ticks_ % kRulesMemoryTicks == 0) {
      for (const auto& [stream, rules] : context_->rules_of) rules.MeasureMemory();
    }
    if (registry_->RelearnRuleAnchorsIfDue()) {
      rules_relearned_->Add(1);
      spdlog::info("rules: re-indexed by the key frequencies of {} sampled posts",
                   registry_->key_frequencies().observed());
    }
    if (std::shared_ptr<const CombinedRules> index = registry_->combined_rules();
        measured_index_.lock() != index) {
      rules_index_memory_->Set(static_cast<int64_t>(index->IndexMemoryBytes()));
      measured_index_ = index;
    }
    ScheduleRulesUpkeep();
  });
}

void ServerApp::StartUsage() {
  const std::filesystem::path path = config_.data_dir / kUsageFileName;
  if (Status loaded = usage_.Load(*fs_, path); !loaded.ok()) {
    if (loaded.code() != StatusCode::kNotFound) {
      // Counting starts afresh; the damaged file is kept for a person to look at.
      spdlog::error("usage: {}; starting fresh, keeping the file as {}.corrupt", loaded.ToString(),
                    path.string());
      std::error_code ignored;
      std::filesystem::rename(path, path.string() + ".corrupt", ignored);
    }
  }
  for (const auto& stream : registry_->streams()) {
    Result<UsageLedger::StreamUsage*> handle =
        usage_.ForStream(stream->account(), stream->config().label, StreamKindName(stream->kind()),
                         static_cast<int>(stream->channel_count()));
    if (handle.ok()) context_->usage_of[stream.get()] = *handle;
  }
  context_->usage = &usage_;
}

void ServerApp::ScheduleUsageSnapshot() {
  usage_timer_ = std::make_unique<asio::steady_timer>(io_, kUsageSnapshotInterval);
  usage_timer_->async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    SaveUsage();
    ScheduleUsageSnapshot();
  });
}

void ServerApp::SaveUsage() {
  if (!usage_.dirty()) return;
  asio::post(context_->replay_pool, [this, bytes = usage_.Serialize()] {
    if (Status s = UsageLedger::WriteSnapshot(*fs_, config_.data_dir / kUsageFileName, bytes);
        !s.ok()) {
      spdlog::error("usage snapshot failed: {}", s.ToString());
    }
  });
}

void ServerApp::RetentionLoop() {
  const int64_t retention_ms = RetentionMs(config_);
  const std::filesystem::path dir = config_.data_dir / "archive";
  std::unique_lock lock(retention_mu_);
  while (!stopping_) {
    lock.unlock();
    const int64_t cutoff = clock_->NowMs() - retention_ms;
    Result<archive::RetentionResult> done =
        archive::DeleteSegmentsOlderThan(dir, *archive_index_, cutoff, fs_.get());
    if (!done.ok()) {
      spdlog::error("archive retention failed: {}", done.status().ToString());
    } else {
      archive_disk_bytes_->Set(static_cast<int64_t>(done->bytes_remaining));
      if (done->segments_deleted > 0) {
        segments_deleted_->Add(done->segments_deleted);
        spdlog::info("archive retention: deleted {} segments ({} bytes) older than {}",
                     done->segments_deleted, done->bytes_deleted, FormatIsoMs(cutoff));
        // Deliveries of deleted posts can never repeat: the usage ledger may forget them.
        const uint64_t first_seq = archive_index_->Bounds().first_seq;
        asio::post(io_, [this, first_seq] { usage_.ForgetDeliveriesBefore(first_seq); });
      }
    }
    lock.lock();
    retention_cv_.wait_for(lock, std::chrono::milliseconds(config_.archive.retention_check_ms),
                           [this] { return stopping_; });
  }
}

void ServerApp::Drain() {
  {
    std::lock_guard lock(retention_mu_);
    stopping_ = true;
  }
  retention_cv_.notify_all();
  if (retention_thread_.joinable()) retention_thread_.join();
  if (generator_) generator_->Stop();
  // The pipeline archives and fans out everything already accepted before streams close, so
  // no acknowledged post is lost and connected clients receive it.
  pipeline_->Stop();
  asio::post(io_, [this] { server_->Shutdown(); });
  const auto deadline = std::chrono::steady_clock::now() + kDrainTimeout;
  while (context_->stream_connections.open.load() > 0 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  io_.stop();
  network_thread_.join();
  usage_timer_.reset();
  context_->replay_pool.join();
  // The timer is the rules thread's: cancel it there, or join would wait for it forever.
  if (rules_upkeep_timer_) {
    asio::post(context_->rules_pool, [this] {
      rules_upkeep_stopping_ = true;
      rules_upkeep_timer_->cancel();
    });
  }
  context_->rules_pool.join();
  rules_upkeep_timer_.reset();
  // The network thread has stopped: this thread may read the ledger now.
  if (usage_.dirty()) {
    if (Status s =
            UsageLedger::WriteSnapshot(*fs_, config_.data_dir / kUsageFileName, usage_.Serialize());
        !s.ok()) {
      spdlog::error("final usage snapshot failed: {}", s.ToString());
    }
  }
  if (file_thread_.joinable()) {
    // A file thread blocked reading stdin cannot be interrupted; everything it submitted is
    // already archived, so let it go with the process.
    file_thread_.detach();
  }
  spdlog::info("stopped");
}

}  // namespace sluice
