#include "stream/recovery_jobs.h"

#include <algorithm>
#include <cstdio>

#include "base/metrics.h"
#include "base/time_format.h"
#include "stream/system_message.h"

namespace sluice {

int RecoveryJobs::Running(const Stream* stream) const {
  return static_cast<int>(std::count_if(
      jobs_.begin(), jobs_.end(), [&](const RecoveryJobInfo& j) { return j.stream == stream; }));
}

RecoveryJobInfo* RecoveryJobs::Start(const Stream* stream, int partition, int64_t start_time_ms,
                                     int64_t end_time_ms, int64_t now_ms) {
  RecoveryJobInfo& job = jobs_.emplace_back();
  job.id = next_id_++;
  job.stream = stream;
  job.partition = partition;
  job.start_time_ms = start_time_ms;
  job.end_time_ms = end_time_ms;
  job.started_ms = now_ms;
  job.position_time_ms = start_time_ms;
  return &job;
}

void RecoveryJobs::Finish(const RecoveryJobInfo* job) {
  jobs_.remove_if([&](const RecoveryJobInfo& j) { return &j == job; });
}

std::vector<std::shared_ptr<Subscriber>> RecoveryJobs::Connections() const {
  std::vector<std::shared_ptr<Subscriber>> out;
  for (const RecoveryJobInfo& j : jobs_) {
    if (auto c = j.connection.lock()) out.push_back(std::move(c));
  }
  return out;
}

std::string RecoveryJobs::RenderJson(std::string_view account, int64_t now_ms) const {
  std::string out = "{\"jobs\":[";
  bool first = true;
  for (const RecoveryJobInfo& j : jobs_) {
    if (j.stream->account() != account) continue;
    if (!first) out += ',';
    first = false;
    out += "{\"id\":\"" + std::to_string(j.id) +
           "\",\"stream\":" + JsonQuote(j.stream->config().label) + ",\"kind\":\"" +
           std::string(StreamKindName(j.stream->kind())) + "\"";
    if (j.partition > 0) out += ",\"partition\":" + std::to_string(j.partition);
    out += ",\"startTime\":\"" + FormatIsoMs(j.start_time_ms) + "\",\"endTime\":\"" +
           FormatIsoMs(j.end_time_ms) + "\",\"position\":\"" + FormatIsoMs(j.position_time_ms) +
           "\",\"postsSent\":" + std::to_string(j.posts_sent) + ",\"startedAt\":\"" +
           FormatIsoMs(j.started_ms) + "\"}";
  }
  out += "],\"sent\":\"" + FormatSentTime(now_ms) + "\"}\n";
  return out;
}

std::string RecoveryJobs::RenderMetrics() const {
  std::string out;
  auto family = [&](std::string_view name, std::string_view help, auto value) {
    out += "# HELP " + std::string(name) + " " + std::string(help) + "\n";
    out += "# TYPE " + std::string(name) + " gauge\n";
    for (const RecoveryJobInfo& j : jobs_) {
      std::vector<std::pair<std::string, std::string>> labels = {
          {"account", j.stream->account()},
          {"stream", j.stream->config().label},
          {"job", std::to_string(j.id)}};
      if (j.partition > 0) labels.emplace_back("partition", std::to_string(j.partition));
      out += std::string(name) + "{" + PrometheusLabels(labels) + "} " + value(j) + "\n";
    }
  };
  auto seconds = [](int64_t ms) {
    char text[32];
    std::snprintf(text, sizeof text, "%lld.%03lld", static_cast<long long>(ms / 1000),
                  static_cast<long long>(ms % 1000));
    return std::string(text);
  };
  family("sluice_recovery_job_start_seconds",
         "Start of a running recovery job's range (Unix time).",
         [&](const RecoveryJobInfo& j) { return seconds(j.start_time_ms); });
  family("sluice_recovery_job_end_seconds", "End of a running recovery job's range (Unix time).",
         [&](const RecoveryJobInfo& j) { return seconds(j.end_time_ms); });
  family("sluice_recovery_job_position_seconds",
         "Archive time a running recovery job has read up to (Unix time).",
         [&](const RecoveryJobInfo& j) { return seconds(j.position_time_ms); });
  family("sluice_recovery_job_posts_sent", "Posts a running recovery job has sent so far.",
         [](const RecoveryJobInfo& j) { return std::to_string(j.posts_sent); });
  return out;
}

}  // namespace sluice
