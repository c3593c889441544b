#include "support/figures.h"

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>
#include <tuple>
#include <vector>

#include "support/bench_config.h"
#include "support/http_get.h"
#include "support/load_client.h"
#include "support/measure_window.h"
#include "support/proc_stats.h"
#include "support/server_process.h"
#include "support/server_runner.h"
#include "support/writev_baseline.h"

namespace sluice::bench {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// The share of the generator's posts in one Decahose partition (docs: ms 600–699, even ms).
constexpr double kPartitionShare = 0.05;
// The baseline's messages: about the generator's mean post (2.9 KB), sizes varying ±50 %.
constexpr size_t kBaselineMessages = 256;
constexpr size_t kBaselineMeanBytes = 2900;

// "Max open files" soft limit of a process, or -1.
double OpenFilesLimit(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/limits");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Max open files", 0) == 0) {
      std::istringstream fields(line.substr(14));
      std::string soft;
      fields >> soft;
      return soft == "unlimited" ? 1e18 : std::stod(soft);
    }
  }
  return -1;
}

}  // namespace

void AddCommon(Sample& s, const Window& w) {
  s.Add("window_s", w.seconds());
  s.Add("server_cpu_cores", w.cpu_seconds() / w.seconds());
  s.Add("busiest_thread_cores", w.busiest_thread_cores());
  s.AddText("thread_cores", w.thread_cores());
  s.Add("client_cpu_cores", w.client_cpu_seconds() / w.seconds());
  s.Add("machine_busy_cores", w.machine_busy_seconds() / w.seconds());
  // Anything else running on the machine during the window (a build, another benchmark).
  s.Add("other_cpu_cores",
        std::max(0.0, (w.machine_busy_seconds() - w.cpu_seconds() - w.client_cpu_seconds()) /
                          w.seconds()));
  s.Add("slow_reader_disconnects", w.MetricAtEnd("sluice_stream_slow_reader_disconnects_total"));
  s.Add("client_connections_open", w.client_at_end().open);
  s.Add("client_connections_closed", w.client_at_end().closed);
}

BenchConfig FanConfig(int connection_limit, double rate) {
  BenchConfig config;
  config.generator_rate = rate;
  config.max_connections = connection_limit + 100;
  // Chunks are shared by all connections, so a deep per-connection queue costs little memory;
  // it keeps a server that falls behind from cutting readers in the middle of the window.
  config.slow_reader_bytes = 1ull << 30;
  config.streams.push_back({kFanStream, "decahose", connection_limit, false});
  return config;
}

Result<Sample> RunIngest(const BenchEnv& env, double rate, IngestBackground* background) {
  Result<RunningServer> server = StartServer(
      env.sluiced, nullptr,
      {"--demo", "--listen", "127.0.0.1:0", "--rate", std::to_string(static_cast<int64_t>(rate))},
      background ? &background->seed_archive : nullptr);
  if (!server.ok()) return server.status();
  std::vector<std::string> requests;
  for (const auto& [kind, label, partition] :
       std::vector<std::tuple<std::string, std::string, int>>{{"powertrack", "prod", 0},
                                                              {"powertrack", "dev", 0},
                                                              {"decahose", "decahose", 1},
                                                              {"sample", "sample", 0}}) {
    requests.push_back(StreamRequest(StreamTarget("demo", kind, label, partition), "demo", "demo",
                                     /*gzip=*/true));
    const int second = kind == "decahose" ? 2 : partition;
    requests.push_back(StreamRequest(StreamTarget("demo", kind, label, second), "demo", "demo",
                                     /*gzip=*/true));
  }
  Result<std::unique_ptr<LoadClient>> client =
      ConnectClients(server->process->port(), requests, static_cast<int>(requests.size()), 0);
  if (!client.ok()) return client.status();
  (*client)->Start();
  if (background) SLUICE_RETURN_IF_ERROR(background->Start(server->process->port()));
  Result<Window> w = MeasureWindow(*server->process, client->get(), env.warmup, env.window);
  if (!w.ok()) return w.status();
  Sample s;
  if (background) SLUICE_RETURN_IF_ERROR(background->Stop(*w, s));
  const double posts = w->MetricDelta("sluice_ingest_posts_total");
  s.Add("posts_per_s", posts / w->seconds());
  s.Add("archive_MB_per_s", w->MetricDelta("sluice_archive_bytes_total") / w->seconds() / 1e6);
  s.Add("archive_bytes_per_post", w->MetricDelta("sluice_archive_bytes_total") / posts);
  s.Add("fsyncs_per_s", w->MetricDelta("sluice_archive_fsyncs_total") / w->seconds());
  // The share of the window the archive spent in fsync (on the pipeline thread).
  s.Add("fsync_busy", w->MetricDelta("sluice_archive_fsync_seconds_sum") / w->seconds());
  s.Add("ingest_queued_MB_at_end", w->MetricAtEnd("sluice_ingest_queued_bytes") / 1e6);
  s.Add("delivered_posts_per_s",
        w->MetricDelta("sluice_stream_posts_delivered_total") / w->seconds());
  s.Add("client_MB_per_s", static_cast<double>(w->client_bytes()) / w->seconds() / 1e6);
  s.Add("connections", static_cast<double>(requests.size()));
  AddCommon(s, *w);
  return s;
}

Result<Sample> RunFanout(const BenchEnv& env, int connections, double rate) {
  const BenchConfig config = FanConfig(connections, rate);
  Result<RunningServer> server = StartServer(env.sluiced, &config, {});
  if (!server.ok()) return server.status();
  const std::string request = StreamRequest(StreamTarget(kBenchAccount, "decahose", kFanStream, 1),
                                            kBenchUser, kBenchPassword, /*gzip=*/false);
  // A tenth of the connections also decode the chunked framing and count posts (a check on the
  // server's counters that costs the client little).
  const int decoded = std::max(1, connections / 10);
  Result<std::unique_ptr<LoadClient>> client =
      ConnectClients(server->process->port(), {request}, connections, decoded);
  if (!client.ok()) return client.status();
  (*client)->Start();
  Result<Window> w = MeasureWindow(*server->process, client->get(), env.warmup, env.window);
  if (!w.ok()) return w.status();
  Sample s;
  const double seconds = w->seconds();
  const double posts = w->MetricDelta("sluice_stream_posts_delivered_total");
  const double ingest = w->MetricDelta("sluice_ingest_posts_total") / seconds;
  s.Add("client_MB_per_s", static_cast<double>(w->client_bytes()) / seconds / 1e6);
  s.Add("server_MB_per_s", w->MetricDelta("sluice_stream_bytes_delivered_total") / seconds / 1e6);
  s.Add("posts_per_s", posts / seconds);
  s.Add("ingest_posts_per_s", ingest);
  const double decoded_per_conn = static_cast<double>(w->client_messages()) / decoded / seconds;
  // Posts the clients read, from the decoded connections (the server's counters grow only when
  // a whole gathered write completes, so they lag behind deep queues).
  s.Add("client_posts_per_s", decoded_per_conn * connections);
  // ≈ 1 when every connection keeps up with the partition's share of the generator.
  s.Add("delivered_share", decoded_per_conn / (ingest * kPartitionShare));
  s.Add("client_decoded_posts_per_conn_s", decoded_per_conn);
  s.Add("server_posts_per_conn_s", posts / seconds / connections);
  s.Add("framing_errors", w->client_at_end().broken);
  // Post creation (its snowflake time) to the client's read, on the decoded connections.
  s.Add("latency_p50_ms", w->latency_ms(0.50));
  s.Add("latency_p99_ms", w->latency_ms(0.99));
  s.Add("connections", connections);
  AddCommon(s, *w);
  return s;
}

Result<Sample> RunWritevBaseline(const BenchEnv& env, int connections) {
  std::vector<std::string> messages;
  uint64_t state = 0x9E3779B97F4A7C15u;
  for (size_t i = 0; i < kBaselineMessages; ++i) {
    state = state * 6364136223846793005u + 1442695040888963407u;
    const size_t size = kBaselineMeanBytes / 2 + (state >> 33) % kBaselineMeanBytes;
    std::string m(size - 2, static_cast<char>('a' + i % 26));
    m += "\r\n";
    messages.push_back(std::move(m));
  }
  Result<std::unique_ptr<WritevBaseline>> baseline =
      WritevBaseline::Start(std::move(messages), connections);
  if (!baseline.ok()) return baseline.status();
  Result<std::unique_ptr<LoadClient>> client =
      ConnectClients((*baseline)->port(), {"GET / HTTP/1.1\r\n\r\n"}, connections, 0);
  if (!client.ok()) return client.status();
  (*client)->Start();
  std::this_thread::sleep_for(env.warmup);
  const auto t0 = std::chrono::steady_clock::now();
  const uint64_t b0 = (*client)->Totals().body_bytes;
  const double busy0 = MachineBusySeconds();
  std::this_thread::sleep_for(env.window);
  const uint64_t b1 = (*client)->Totals().body_bytes;
  const double busy1 = MachineBusySeconds();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (const std::string error = (*baseline)->error(); !error.empty()) {
    return Status::IoError("writev baseline: " + error);
  }
  Sample s;
  s.Add("client_MB_per_s", static_cast<double>(b1 - b0) / secs / 1e6);
  s.Add("connections", connections);
  s.Add("machine_busy_cores", (busy1 - busy0) / secs);
  s.Add("client_connections_open", (*client)->Totals().open);
  return s;
}

Result<Sample> RunDeliveryCpu(const BenchEnv& env, int connections, double rate, bool gzip) {
  const BenchConfig config = FanConfig(connections, rate);
  Result<RunningServer> server = StartServer(env.sluiced, &config, {});
  if (!server.ok()) return server.status();
  const std::string request = StreamRequest(StreamTarget(kBenchAccount, "decahose", kFanStream, 1),
                                            kBenchUser, kBenchPassword, gzip);
  Result<std::unique_ptr<LoadClient>> client =
      ConnectClients(server->process->port(), {request}, connections, gzip ? 0 : connections);
  if (!client.ok()) return client.status();
  (*client)->Start();
  Result<Window> w = MeasureWindow(*server->process, client->get(), env.warmup, env.window);
  if (!w.ok()) return w.status();
  Sample s;
  const double posts = w->MetricDelta("sluice_stream_posts_delivered_total");
  s.Add("cpu_us_per_post", posts > 0 ? w->cpu_seconds() / posts * 1e6 : 0);
  s.Add("posts_per_s", posts / w->seconds());
  s.Add("ingest_posts_per_s", w->MetricDelta("sluice_ingest_posts_total") / w->seconds());
  s.Add("client_MB_per_s", static_cast<double>(w->client_bytes()) / w->seconds() / 1e6);
  s.Add("bytes_per_post", static_cast<double>(w->client_bytes()) / posts);
  s.Add("connections", connections);
  AddCommon(s, *w);
  return s;
}

Result<Sample> RunIdle(const BenchEnv& env, int connections) {
  constexpr int kPerStream = 1000;  // the largest connection_limit a stream may have
  BenchConfig config;
  config.heartbeat_ms = 600000;  // idle: nothing is written after the response head
  config.max_connections = connections + 100;
  std::vector<std::string> requests;
  for (int i = 0; i * kPerStream < connections; ++i) {
    const std::string label = "idle" + std::to_string(i);
    config.streams.push_back({label, "powertrack", kPerStream, false});
    requests.push_back(StreamRequest(StreamTarget(kBenchAccount, "powertrack", label), kBenchUser,
                                     kBenchPassword, /*gzip=*/false));
  }
  Result<RunningServer> server = StartServer(env.sluiced, &config, {});
  if (!server.ok()) return server.status();
  ServerProcess& process = *server->process;
  const double nofile = OpenFilesLimit(process.pid());
  if (nofile >= 0 && nofile < connections + 64) {
    return Status::ResourceExhausted("sluiced's RLIMIT_NOFILE soft limit is " +
                                     std::to_string(static_cast<int64_t>(nofile)) + ", below the " +
                                     std::to_string(connections) + " connections to measure");
  }
  // Settle: one request served (allocator arenas of the network thread exist), then measure.
  if (Result<std::string> m = HttpGet(process.port(), "/metrics"); !m.ok()) return m.status();
  std::this_thread::sleep_for(milliseconds(300));
  Result<int64_t> before = ResidentBytes(process.pid());
  if (!before.ok()) return before.status();
  const auto t0 = std::chrono::steady_clock::now();
  Result<std::unique_ptr<LoadClient>> client =
      ConnectClients(process.port(), requests, connections, 0, seconds(120));
  if (!client.ok()) return client.status();
  const double connect_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::this_thread::sleep_for(milliseconds(1000));
  Result<int64_t> after = ResidentBytes(process.pid());
  if (!after.ok()) return after.status();
  Result<std::string> metrics = HttpGet(process.port(), "/metrics");
  if (!metrics.ok()) return metrics.status();
  Sample s;
  s.Add("bytes_per_connection", static_cast<double>(*after - *before) / connections);
  s.Add("rss_before_MB", static_cast<double>(*before) / 1e6);
  s.Add("rss_after_MB", static_cast<double>(*after) / 1e6);
  s.Add("server_connections", MetricSum(*metrics, "sluice_stream_connections"));
  s.Add("connect_s", connect_s);
  s.Add("server_nofile_soft", nofile);
  s.Add("connections", connections);
  return s;
}

}  // namespace sluice::bench
