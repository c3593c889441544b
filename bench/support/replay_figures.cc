#include "support/replay_figures.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "support/bench_config.h"
#include "support/measure_window.h"
#include "support/proc_stats.h"
#include "support/server_runner.h"
#include "support/stream_reader.h"

namespace sluice::bench {
namespace {

using std::chrono::milliseconds;

constexpr int64_t kHourMs = 3'600'000;
constexpr int64_t kBackfillMs = 5 * 60'000;
constexpr size_t kReadBytes = 1 << 20;

int64_t NowMs() {
  return std::chrono::duration_cast<milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// "2026-11-23T10:00:00Z" (whole seconds).
std::string IsoSeconds(int64_t ms) {
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string RecoveryQuery(const ReplayArchive& archive) {
  return "&startTime=" + IsoSeconds(archive.start_ms) + "&endTime=" + IsoSeconds(archive.end_ms);
}

double Quantile(std::vector<double> values, double q) {
  if (values.empty()) return -1;
  std::sort(values.begin(), values.end());
  return values[static_cast<size_t>(q * static_cast<double>(values.size() - 1))];
}

// Reads every segment file once with 1 MiB preads; returns the bytes read.
Result<uint64_t> ReadSegments(const std::filesystem::path& dir) {
  std::vector<char> buffer(kReadBytes);
  uint64_t bytes = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".seg") continue;
    const int fd = ::open(entry.path().c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Status::IoError("open " + entry.path().string());
    off_t at = 0;
    for (ssize_t n; (n = ::pread(fd, buffer.data(), buffer.size(), at)) > 0; at += n) {
      bytes += static_cast<uint64_t>(n);
    }
    ::close(fd);
  }
  return bytes;
}

// Recoveries run one after the other on each of `jobs` threads until stopped.
class RecoveryLoad final : public IngestBackground {
 public:
  RecoveryLoad(const ReplayArchive& archive, int jobs)
      : IngestBackground(archive.dir), archive_(archive), jobs_(jobs) {}
  ~RecoveryLoad() override { Join(); }
  RecoveryLoad(const RecoveryLoad&) = delete;  // owns threads
  RecoveryLoad& operator=(const RecoveryLoad&) = delete;

  Status Start(uint16_t port) override {
    for (int job = 0; job < jobs_; ++job) {
      // The demo's Decahose (gzip required): one partition per job.
      const std::string request = StreamRequest(
          StreamTarget("demo", "decahose", "decahose", 1 + job % 2) + RecoveryQuery(archive_),
          "demo", "demo", /*gzip=*/true);
      threads_.emplace_back([this, port, request] { Loop(port, request); });
    }
    return Status::Ok();
  }

  Status Stop(const Window& w, Sample& s) override {
    Join();
    if (!error_.empty()) return Status::Internal("recovery beside ingest: " + error_);
    s.Add("recovery_jobs", jobs_);
    s.Add("recoveries_completed", completed_.load());
    // Over the whole run (warm-up included), not only the window.
    s.Add("recovery_MB_per_s", static_cast<double>(bytes_.load()) / 1e6 / run_seconds_);
    s.Add("recovery_share_of_window", std::min(1.0, run_seconds_ / w.seconds()));
    return Status::Ok();
  }

 private:
  void Loop(uint16_t port, const std::string& request) {
    const auto t0 = std::chrono::steady_clock::now();
    while (!stop_.load()) {
      StreamReadOptions options;
      options.port = port;
      options.request = request;
      options.plain = false;
      options.stop = &stop_;
      options.timeout = std::chrono::seconds(120);
      Result<StreamRead> read = ReadStream(options);
      if (!read.ok()) {
        std::lock_guard lock(mu_);
        error_ = read.status().message();
        return;
      }
      bytes_ += read->body_bytes;
      if (read->completed) ++completed_;
    }
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::lock_guard lock(mu_);
    run_seconds_ = std::max(run_seconds_, secs);
  }
  void Join() {
    stop_.store(true);
    for (std::thread& t : threads_) {
      if (t.joinable()) t.join();
    }
    threads_.clear();
  }

  const ReplayArchive& archive_;
  const int jobs_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> bytes_{0};
  std::atomic<int> completed_{0};
  std::mutex mu_;
  std::string error_;          // guarded by mu_
  double run_seconds_ = 1e-9;  // guarded by mu_
};

}  // namespace

Result<ReplayArchive> BuildReplayArchive(const std::filesystem::path& parent, double sparse_rate,
                                         double dense_rate, int64_t dense_ms) {
  ReplayArchive archive;
  archive.dir = parent / "replay-archive";
  archive.end_ms = NowMs() / 1000 * 1000;
  archive.start_ms = archive.end_ms - kHourMs;
  archive.dense_start_ms = archive.end_ms - dense_ms;
  archive.sparse_rate = sparse_rate;
  archive.dense_rate = dense_rate;
  Result<GeneratedArchive> made =
      WriteGeneratedArchive(archive.dir, {{archive.start_ms, archive.dense_start_ms, sparse_rate},
                                          {archive.dense_start_ms, archive.end_ms, dense_rate}});
  if (!made.ok()) return made.status();
  archive.made = *made;
  return archive;
}

Result<Sample> RunArchiveRead(const ReplayArchive& archive) {
  Sample s;
  double seconds[2] = {0, 0};
  uint64_t bytes = 0;
  for (double& pass : seconds) {
    const auto t0 = std::chrono::steady_clock::now();
    Result<uint64_t> read = ReadSegments(archive.dir);
    if (!read.ok()) return read.status();
    pass = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    bytes = *read;
  }
  s.Add("records_per_s", static_cast<double>(archive.made.records) / seconds[1]);
  s.Add("MB_per_s", static_cast<double>(bytes) / seconds[1] / 1e6);
  s.Add("first_pass_MB_per_s", static_cast<double>(bytes) / seconds[0] / 1e6);
  s.Add("archive_MB", static_cast<double>(bytes) / 1e6);
  s.Add("records", static_cast<double>(archive.made.records));
  return s;
}

Result<Sample> RunRecovery(const BenchEnv& env, const ReplayArchive& archive) {
  const BenchConfig config = FanConfig(/*connection_limit=*/4, /*rate=*/0);
  Result<RunningServer> server = StartServer(env.sluiced, &config, {}, &archive.dir);
  if (!server.ok()) return server.status();
  StreamReadOptions options;
  options.port = server->process->port();
  options.request =
      StreamRequest(StreamTarget(kBenchAccount, "decahose", kFanStream, 1) + RecoveryQuery(archive),
                    kBenchUser, kBenchPassword, /*gzip=*/false);
  options.timeout = std::chrono::seconds(120);
  Result<Snapshot> start = TakeSnapshot(*server->process, nullptr);
  if (!start.ok()) return start.status();
  Result<StreamRead> read = ReadStream(options);
  if (!read.ok()) return read.status();
  Result<Snapshot> end = TakeSnapshot(*server->process, nullptr);
  if (!end.ok()) return end.status();
  if (!read->completed)
    return Status::Internal("the recovery ended without its completion message");
  const Window w(std::move(*start), std::move(*end));
  const double posts = static_cast<double>(read->messages) - 1;  // minus the completion message
  const double records = static_cast<double>(archive.made.records);
  Sample s;
  s.Add("posts_per_s", posts / read->end_s);
  s.Add("records_per_s", records / read->end_s);
  s.Add("archive_MB_per_s", static_cast<double>(archive.made.bytes) / read->end_s / 1e6);
  s.Add("client_MB_per_s", static_cast<double>(read->body_bytes) / read->end_s / 1e6);
  s.Add("seconds", read->end_s);
  s.Add("first_post_ms", read->first_post_s * 1000);
  s.Add("posts", posts);
  s.Add("activity_count", static_cast<double>(read->activity_count));
  s.Add("records", records);
  s.Add("records_per_post", posts > 0 ? records / posts : 0);
  s.Add("bytes_per_post", posts > 0 ? static_cast<double>(read->body_bytes) / posts : 0);
  AddCommon(s, w);
  return s;
}

Result<Sample> RunBackfillTtfb(const BenchEnv& env, const ReplayArchive& archive, int connections) {
  const BenchConfig config = FanConfig(/*connection_limit=*/100, archive.dense_rate);
  Result<RunningServer> server = StartServer(env.sluiced, &config, {}, &archive.dir);
  if (!server.ok()) return server.status();
  std::this_thread::sleep_for(env.warmup);  // the generator and the live fan-out are running
  Result<Snapshot> start = TakeSnapshot(*server->process, nullptr);
  if (!start.ok()) return start.status();
  StreamReadOptions options;
  options.port = server->process->port();
  options.request =
      StreamRequest(StreamTarget(kBenchAccount, "decahose", kFanStream, 1) + "&backfillMinutes=5",
                    kBenchUser, kBenchPassword, /*gzip=*/false);
  options.stop_at_first_post = true;
  options.timeout = std::chrono::seconds(10);
  std::vector<double> first_post_ms, head_ms;
  int64_t earliest_start = NowMs();
  int64_t latest_start = 0;
  for (int i = 0; i < connections; ++i) {
    earliest_start = std::min(earliest_start, NowMs() - kBackfillMs);
    latest_start = std::max(latest_start, NowMs() - kBackfillMs);
    Result<StreamRead> read = ReadStream(options);
    if (!read.ok()) return read.status();
    if (read->first_post_s < 0) return Status::Internal("a backfill ended without a post");
    first_post_ms.push_back(read->first_post_s * 1000);
    head_ms.push_back(read->head_s * 1000);
    std::this_thread::sleep_for(milliseconds(10));  // let the server close the last one
  }
  Result<Snapshot> end = TakeSnapshot(*server->process, nullptr);
  if (!end.ok()) return end.status();
  // Every backfill must start in the dense part (which the archive's end bounds: a backfill
  // started later than that would read only what the server generated itself).
  if (earliest_start < archive.dense_start_ms || latest_start >= archive.end_ms) {
    return Status::Internal(
        "the backfills did not all start in the archive's dense part: run "
        "this figure within five minutes of building the archive");
  }
  const Window w(std::move(*start), std::move(*end));
  Sample s;
  s.Add("first_post_p50_ms", Quantile(first_post_ms, 0.5));
  s.Add("first_post_p90_ms", Quantile(first_post_ms, 0.9));
  s.Add("first_post_max_ms", Quantile(first_post_ms, 1.0));
  s.Add("head_p50_ms", Quantile(head_ms, 0.5));
  s.Add("ingest_posts_per_s", w.MetricDelta("sluice_ingest_posts_total") / w.seconds());
  s.Add("connections", connections);
  AddCommon(s, w);
  return s;
}

Result<Sample> RunIngestWithRecovery(const BenchEnv& env, const ReplayArchive& archive, double rate,
                                     int jobs) {
  RecoveryLoad load(archive, jobs);
  return RunIngest(env, rate, &load);
}

}  // namespace sluice::bench
