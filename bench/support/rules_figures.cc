#include "support/rules_figures.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string_view>
#include <thread>

#include "base/json_escape.h"
#include "base/unique_fd.h"
#include "config/base64.h"
#include "support/bench_config.h"
#include "support/http_get.h"
#include "support/load_client.h"
#include "support/measure_window.h"
#include "support/proc_stats.h"
#include "support/server_process.h"
#include "support/server_runner.h"

namespace sluice::bench {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kRequestTimeout{120000};
// A server replays its rule logs (compiling every rule) before it listens.
constexpr milliseconds kStartTimeout{300000};
constexpr int kConnectionsPerStream = 2;

double SecondsSince(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

std::string StreamLabel(int i) { return "rules" + std::to_string(i + 1); }

std::string RulesTarget(const std::string& label) {
  return std::string("/rules/powertrack/accounts/") + kBenchAccount + "/publishers/twitter/" +
         label + ".json";
}

// {"rules":[{"value":…,"tag":…},…]} for rules [begin, end) of the corpus.
std::string RulesBody(const RuleCorpus& corpus, size_t begin, size_t end) {
  std::string body = "{\"rules\":[";
  for (size_t i = begin; i < end; ++i) {
    if (i > begin) body += ',';
    body += "{\"value\":\"";
    AppendJsonEscaped(body, corpus.rules[i].value, /*ascii_only=*/false);
    body += "\",\"tag\":\"";
    AppendJsonEscaped(body, corpus.rules[i].tag, /*ascii_only=*/false);
    body += "\"}";
  }
  body += "]}";
  return body;
}

struct HttpAnswer {
  int status = 0;
  std::string body;  // de-chunked
};

// Decodes a chunked body; returns it unchanged when it is not well-formed chunks.
std::string Dechunk(const std::string& raw) {
  std::string body;
  size_t at = 0;
  for (;;) {
    const size_t line_end = raw.find("\r\n", at);
    if (line_end == std::string::npos) return raw;
    const size_t size = std::strtoul(raw.c_str() + at, nullptr, 16);
    if (size == 0) return body;
    if (line_end + 2 + size > raw.size()) return raw;
    body.append(raw, line_end + 2, size);
    at = line_end + 2 + size + 2;
  }
}

// One POST to 127.0.0.1:port with the bench account's Basic credentials; the connection is
// closed by the request. Errors: IoError for socket failures and timeouts.
Result<HttpAnswer> HttpPost(uint16_t port, const std::string& target, const std::string& body) {
  Result<UniqueFd> connected = ConnectLoopback(port, kRequestTimeout);
  if (!connected.ok()) return connected.status();
  UniqueFd fd = std::move(connected).value();
  std::string request =
      "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic " +
      Base64Encode(std::string(kBenchUser) + ":" + kBenchPassword) +
      "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\nConnection: close\r\n\r\n";
  request += body;
  Result<std::string> exchanged = Exchange(fd, request, "POST " + target);
  if (!exchanged.ok()) return exchanged.status();
  const std::string& response = *exchanged;
  const size_t head_end = response.find("\r\n\r\n");
  if (head_end == std::string::npos || response.compare(0, 9, "HTTP/1.1 ") != 0) {
    return Status::IoError("POST " + target + ": no response head: " + response.substr(0, 200));
  }
  HttpAnswer answer;
  answer.status = std::atoi(response.c_str() + 9);
  const std::string head = response.substr(0, head_end);
  answer.body = response.substr(head_end + 4);
  std::string lower_head = head;
  std::transform(lower_head.begin(), lower_head.end(), lower_head.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower_head.find("transfer-encoding: chunked") != std::string::npos) {
    answer.body = Dechunk(answer.body);
  }
  return answer;
}

// The number after `"key":` in `json` (the first one), or -1.
int64_t JsonNumber(const std::string& json, const std::string& key) {
  const size_t at = json.find("\"" + key + "\":");
  return at == std::string::npos ? -1
                                 : std::strtoll(json.c_str() + at + key.size() + 3, nullptr, 10);
}

struct UploadStats {
  double seconds = 0;
  std::vector<double> request_ms;
  size_t body_bytes = 0;
};

// Adds every rule of the corpus to stream `label`, `batch` a request, one request after the
// other. The bodies are built before the clock starts.
Result<UploadStats> Upload(uint16_t port, const std::string& label, const RulesUpload& upload) {
  const RuleCorpus& corpus = *upload.corpus;
  std::vector<std::string> bodies;
  std::vector<size_t> counts;  // rules in each body
  UploadStats stats;
  for (size_t begin = 0; begin < corpus.rules.size();) {
    size_t end = std::min(corpus.rules.size(), begin + upload.batch);
    std::string body = RulesBody(corpus, begin, end);
    while (body.size() > upload.max_body_bytes && end - begin > 1) {
      end = begin + (end - begin) * 9 / 10;
      body = RulesBody(corpus, begin, end);
    }
    stats.body_bytes += body.size();
    bodies.push_back(std::move(body));
    counts.push_back(end - begin);
    begin = end;
  }
  const std::string target = RulesTarget(label);
  const auto t0 = Clock::now();
  for (size_t i = 0; i < bodies.size(); ++i) {
    const auto r0 = Clock::now();
    Result<HttpAnswer> answer = HttpPost(port, target, bodies[i]);
    if (!answer.ok()) return answer.status();
    stats.request_ms.push_back(SecondsSince(r0) * 1000);
    const size_t expected = counts[i];
    const int64_t created = JsonNumber(answer->body, "created");
    if (answer->status != 201 || created != static_cast<int64_t>(expected)) {
      return Status::Internal("POST " + target + " (request " + std::to_string(i + 1) + "): HTTP " +
                              std::to_string(answer->status) + ", created " +
                              std::to_string(created) + " of " + std::to_string(expected) + ": " +
                              answer->body.substr(0, 300));
    }
  }
  stats.seconds = SecondsSince(t0);
  return stats;
}

double Quantile(std::vector<double> values, double q) {
  if (values.empty()) return -1;
  std::sort(values.begin(), values.end());
  return values[static_cast<size_t>(q * static_cast<double>(values.size() - 1))];
}

BenchConfig RulesConfig(int streams, double rate) {
  BenchConfig config;
  config.generator_rate = rate;
  for (int i = 0; i < streams; ++i) {
    config.streams.push_back({StreamLabel(i), "powertrack", kConnectionsPerStream, false});
  }
  return config;
}

// Writes `config` (its data dir: dir/data) as dir/name and starts sluiced with it.
Result<std::unique_ptr<ServerProcess>> StartWithConfig(const std::string& sluiced,
                                                       const std::filesystem::path& dir,
                                                       BenchConfig config,
                                                       const std::string& name) {
  config.data_dir = dir / "data";
  Result<std::string> toml = BenchConfigToml(config);
  if (!toml.ok()) return toml.status();
  const std::filesystem::path path = dir / (name + ".toml");
  std::ofstream(path) << *toml;
  return ServerProcess::Start(sluiced, {"--config", path.string()}, dir / (name + ".log"),
                              kStartTimeout);
}

}  // namespace

Result<Sample> RunRulesApi(const BenchEnv& env, const RulesUpload& upload) {
  const BenchConfig config = RulesConfig(1, 0);
  Result<RunningServer> server = StartServer(env.sluiced, &config, {});
  if (!server.ok()) return server.status();
  ServerProcess& process = *server->process;
  Result<int64_t> rss0 = ResidentBytes(process.pid());
  Result<double> cpu0 = ProcessCpuSeconds(process.pid());
  if (!rss0.ok() || !cpu0.ok()) return Status::Internal("no /proc figures for sluiced");
  Result<UploadStats> stats = Upload(process.port(), StreamLabel(0), upload);
  if (!stats.ok()) return stats.status();
  Result<int64_t> rss1 = ResidentBytes(process.pid());
  Result<double> cpu1 = ProcessCpuSeconds(process.pid());
  Result<std::string> metrics = HttpGet(process.port(), "/metrics");
  if (!rss1.ok() || !cpu1.ok() || !metrics.ok()) return Status::Internal("no figures after upload");
  const auto rules = static_cast<double>(upload.corpus->rules.size());
  Sample s;
  s.Add("rules", rules);
  s.Add("requests", static_cast<double>(stats->request_ms.size()));
  s.Add("rules_per_request", rules / static_cast<double>(stats->request_ms.size()));
  s.Add("total_s", stats->seconds);
  s.Add("rules_per_s", rules / stats->seconds);
  s.Add("request_ms_p50", Quantile(stats->request_ms, 0.5));
  s.Add("request_ms_max", Quantile(stats->request_ms, 1.0));
  s.Add("first_request_ms", stats->request_ms.front());
  s.Add("last_request_ms", stats->request_ms.back());
  s.Add("body_MB", static_cast<double>(stats->body_bytes) / 1e6);
  s.Add("server_cpu_s", *cpu1 - *cpu0);
  s.Add("server_rules", MetricSum(*metrics, "sluice_stream_rules"));
  s.Add("server_rss_growth_MB", static_cast<double>(*rss1 - *rss0) / 1e6);
  return s;
}

Result<RulesDataDir> PrepareRulesDataDir(const BenchEnv& env,
                                         const std::vector<const RuleCorpus*>& per_stream) {
  Result<TempDir> dir = TempDir::Make("sluice-rules");
  if (!dir.ok()) return dir.status();
  RulesDataDir prepared;
  prepared.streams = static_cast<int>(per_stream.size());
  prepared.rules_per_stream = per_stream.front()->rules.size();
  {
    Result<std::unique_ptr<ServerProcess>> server =
        StartWithConfig(env.sluiced, dir->path(), RulesConfig(prepared.streams, 0), "prepare");
    if (!server.ok()) return server.status();
    const auto t0 = Clock::now();
    for (int i = 0; i < prepared.streams; ++i) {
      const RulesUpload largest{per_stream[i], per_stream[i]->rules.size()};
      Result<UploadStats> stats = Upload((*server)->port(), StreamLabel(i), largest);
      if (!stats.ok()) return stats.status();
    }
    prepared.add_seconds = SecondsSince(t0);
  }  // stopped: its rule logs are complete (each add is durable before it is answered)
  prepared.dir.emplace(std::move(*dir));
  return prepared;
}

Result<Sample> RunIngestWithRules(const BenchEnv& env, const RulesDataDir& prepared, double rate) {
  Result<TempDir> dir = TempDir::Make("sluice-bench");
  if (!dir.ok()) return dir.status();
  std::error_code error;
  std::filesystem::copy(prepared.dir->path() / "data", dir->path() / "data",
                        std::filesystem::copy_options::recursive, error);
  if (error) return Status::IoError("copying the rules data dir: " + error.message());
  const auto t0 = Clock::now();
  Result<std::unique_ptr<ServerProcess>> process =
      StartWithConfig(env.sluiced, dir->path(), RulesConfig(prepared.streams, rate), "sluiced");
  if (!process.ok()) return process.status();
  const double start_s = SecondsSince(t0);
  RunningServer server{std::move(*dir), std::move(*process)};

  std::vector<std::string> requests;
  for (int i = 0; i < prepared.streams; ++i) {
    const std::string request =
        StreamRequest(StreamTarget(kBenchAccount, "powertrack", StreamLabel(i)), kBenchUser,
                      kBenchPassword, /*gzip=*/true);
    for (int c = 0; c < kConnectionsPerStream; ++c) requests.push_back(request);
  }
  Result<std::unique_ptr<LoadClient>> client =
      ConnectClients(server.process->port(), requests, static_cast<int>(requests.size()), 0);
  if (!client.ok()) return client.status();
  (*client)->Start();
  // A running server has learned its stream: the window starts once sluiced has re-indexed its
  // rules by the key frequencies of the first posts (docs/rule-language.md, "Learned anchors"),
  // which it does about a second after they flow.
  const auto learning = Clock::now();
  for (;;) {
    Result<std::string> metrics = HttpGet(server.process->port(), "/metrics");
    if (!metrics.ok()) return metrics.status();
    if (MetricSum(*metrics, "sluice_rules_relearned_total") >= 1) break;
    if (SecondsSince(learning) > 60) {
      return Status::Internal("sluiced did not re-index its rules within 60 s of ingest");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const double learn_s = SecondsSince(learning);
  Result<Window> w = MeasureWindow(*server.process, client->get(), env.warmup, env.window);
  if (!w.ok()) return w.status();
  Result<int64_t> rss = ResidentBytes(server.process->pid());
  const double posts = w->MetricDelta("sluice_ingest_posts_total");
  const double delivered = w->MetricDelta("sluice_stream_posts_delivered_total");
  // Each connection of a stream gets every post the stream matched.
  const double matched = delivered / static_cast<double>(requests.size());
  Sample s;
  s.Add("posts_per_s", posts / w->seconds());
  s.Add("matched_posts_per_s", matched / w->seconds());  // per stream, averaged
  s.Add("matched_share", posts > 0 ? matched / posts : 0);
  s.Add("delivered_posts_per_s", delivered / w->seconds());
  s.Add("archive_MB_per_s", w->MetricDelta("sluice_archive_bytes_total") / w->seconds() / 1e6);
  s.Add("client_MB_per_s", static_cast<double>(w->client_bytes()) / w->seconds() / 1e6);
  s.Add("ingest_queued_MB_at_end", w->MetricAtEnd("sluice_ingest_queued_bytes") / 1e6);
  s.Add("streams", prepared.streams);
  s.Add("rules_per_stream", static_cast<double>(prepared.rules_per_stream));
  s.Add("server_rules", w->MetricAtEnd("sluice_stream_rules"));
  s.Add("rules_memory_MB", w->MetricAtEnd("sluice_stream_rules_memory_bytes") / 1e6);
  s.Add("rules_index_memory_MB", w->MetricAtEnd("sluice_rules_index_memory_bytes") / 1e6);
  s.Add("rules_relearned", w->MetricAtEnd("sluice_rules_relearned_total"));
  s.Add("learn_s", learn_s);
  s.Add("server_rss_MB", rss.ok() ? static_cast<double>(*rss) / 1e6 : -1);
  s.Add("start_s", start_s);  // sluiced start → listening: its rule logs replayed and compiled
  s.Add("setup_add_s", prepared.add_seconds);
  s.Add("connections", static_cast<double>(requests.size()));
  AddCommon(s, *w);
  return s;
}

}  // namespace sluice::bench
