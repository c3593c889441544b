#include "bin/server_app.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <chrono>
#include <future>

#include "archive/archive.h"
#include "ingest/file_source.h"
#include "post/post_parser.h"

namespace sluice {

namespace asio = boost::asio;

namespace {

constexpr auto kDrainTimeout = std::chrono::seconds(5);

archive::WriterOptions ArchiveOptions(const ServerConfig& config) {
  archive::WriterOptions options;
  options.dir = config.data_dir / "archive";
  options.sync_mode = config.archive.fsync == FsyncPolicy::kAlways ? archive::SyncMode::kAlways
                                                                   : archive::SyncMode::kInterval;
  options.sync_interval_ms = config.archive.fsync_interval_ms;
  options.segment_max_bytes = config.archive.segment_max_bytes;
  options.segment_max_ms = config.archive.segment_max_ms;
  return options;
}

}  // namespace

ServerApp::ServerApp(ServerConfig config) : config_(std::move(config)) {}

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
      archive::Writer::Open(ArchiveOptions(config_), clock_, nullptr, &report, archive_metrics);
  if (!writer.ok()) return writer.status();
  spdlog::info("archive {}: {}", (config_.data_dir / "archive").string(), report.Summary());

  registry_ = std::make_unique<StreamRegistry>(config_, metrics_);
  pipeline_ = std::make_unique<Pipeline>(
      PipelineOptions{}, std::move(writer).value(), *registry_,
      [this](std::function<void()> work) { asio::post(io_, std::move(work)); }, metrics_);
  // Threads start in a fixed order — pipeline, network, generator, then the password worker
  // inside ServerContext — which bench/server_bench attributes CPU by.
  pipeline_->Start();
  network_thread_ = std::thread([this] {
    auto guard = asio::make_work_guard(io_);
    io_.run();
  });
  if (config_.generator_rate > 0) {
    generator_ = std::make_unique<GeneratorSource>(config_.generator_seed, config_.generator_rate,
                                                   clock_, *pipeline_);
    generator_->Start();
  }
  context_ = std::make_unique<ServerContext>(config_, *registry_, *pipeline_, metrics_, clock_);
  server_ = std::make_unique<HttpServer>(io_, *context_);
  // Listen runs here while the network thread already runs io_: bind on that thread.
  std::promise<Result<asio::ip::tcp::endpoint>> bound_promise;
  asio::post(io_, [&] {
    bound_promise.set_value(server_->Listen(config_.listen_host, config_.listen_port));
  });
  Result<asio::ip::tcp::endpoint> bound = bound_promise.get_future().get();
  if (!bound.ok()) return bound.status();
  port_ = bound->port();
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

void ServerApp::Drain() {
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
  if (file_thread_.joinable()) {
    // A file thread blocked reading stdin cannot be interrupted; everything it submitted is
    // already archived, so let it go with the process.
    file_thread_.detach();
  }
  spdlog::info("stopped");
}

}  // namespace sluice
