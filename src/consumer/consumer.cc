#include "consumer/consumer.h"

#include <spdlog/spdlog.h>

#include "base/json_escape.h"
#include "base/time_format.h"
#include "consumer/consumer_engine.h"

namespace sluice::consumer {
namespace {

constexpr size_t kMaxConnections = 16;

void AppendIntervals(std::string& out, const char* name, const std::vector<TimeInterval>& list) {
  out += ",\"";
  out += name;
  out += "\":[";
  for (size_t i = 0; i < list.size(); ++i) {
    if (i) out += ',';
    out += "{\"start\":\"" + FormatIsoMs(list[i].begin_ms) + "\",\"end\":\"" +
           FormatIsoMs(list[i].end_ms) + "\",\"ms\":" + std::to_string(list[i].length_ms()) + "}";
  }
  out += ']';
}

}  // namespace

Result<std::unique_ptr<Consumer>> Consumer::Create(ConsumerOptions options, PostStore& store,
                                                   PostStore* emergency, const Clock& clock) {
  if (options.urls.empty()) return Status::InvalidArgument("at least one stream URL is needed");
  if (options.urls.size() > kMaxConnections) {
    return Status::InvalidArgument("at most " + std::to_string(kMaxConnections) +
                                   " redundant connections");
  }
  for (const std::string& url : options.urls) {
    if (!url.starts_with("http://") && !url.starts_with("https://")) {
      return Status::InvalidArgument("not an http(s) URL: " + url);
    }
  }
  if (options.stall_timeout_ms <= 0) {
    return Status::InvalidArgument("the stall timeout must be positive");
  }
  if (options.max_recovery_jobs < 1 || options.max_recovery_jobs > 16) {
    return Status::InvalidArgument("max recovery jobs must be 1..16");
  }
  if (emergency && (options.emergency_connection < 0 ||
                    options.emergency_connection >= static_cast<int>(options.urls.size()))) {
    return Status::InvalidArgument("the emergency connection index is not one of the URLs");
  }
  if (options.batch_max_posts == 0) return Status::InvalidArgument("batch size must be positive");
  return std::unique_ptr<Consumer>(new Consumer(std::move(options), store, emergency, clock));
}

Consumer::Consumer(ConsumerOptions options, PostStore& store, PostStore* emergency,
                   const Clock& clock)
    : options_(std::move(options)), store_(store), emergency_(emergency), clock_(clock) {}

Consumer::~Consumer() { Stop(); }

Status Consumer::Start() {
  if (engine_) return Status::FailedPrecondition("the consumer was started before");
  Result<std::optional<std::string>> checkpoint = store_.LoadCheckpoint();
  if (!checkpoint.ok()) return checkpoint.status();
  engine_ = std::make_unique<Engine>(options_, store_, emergency_, clock_, events_, metrics_);
  SLUICE_RETURN_IF_ERROR(engine_->Load(*checkpoint));
  spdlog::info("consuming {} connection(s) into {}", options_.urls.size(), store_.Describe());
  thread_ = std::thread([this] { engine_->Run(stop_); });
  return Status::Ok();
}

void Consumer::Stop() {
  if (!thread_.joinable()) return;
  stop_ = true;
  engine_->Wake();
  thread_.join();
}

ConsumerSnapshot Consumer::Snapshot() const {
  return engine_ ? engine_->Snapshot() : ConsumerSnapshot{};
}

std::string Consumer::RenderMetrics() const { return metrics_.Render(); }

std::string Consumer::StatusJson() const {
  const ConsumerSnapshot s = Snapshot();
  std::string out = "{\"now\":\"" + FormatIsoMs(clock_.NowMs()) + "\"";
  out += ",\"connections\":" + std::to_string(options_.urls.size());
  out += ",\"connections_streaming\":" + std::to_string(s.connections_streaming);
  out += ",\"recovery_jobs_running\":" + std::to_string(s.recovery_jobs_running);
  out += ",\"recovery_jobs_waiting\":" + std::to_string(s.recovery_jobs_waiting);
  out += ",\"posts_committed\":" + std::to_string(s.posts_committed);
  out += ",\"heartbeats\":[";
  for (size_t i = 0; i < s.heartbeats.size(); ++i) {
    out += (i ? "," : "") + std::to_string(s.heartbeats[i]);
  }
  out += "]";
  out += ",\"totals\":{\"inbound\":" + std::to_string(s.totals.inbound) +
         ",\"malformed\":" + std::to_string(s.totals.malformed) +
         ",\"duplicates\":" + std::to_string(s.totals.duplicates) +
         ",\"unique\":" + std::to_string(s.totals.unique) +
         ",\"stored\":" + std::to_string(s.totals.stored) + "}";
  AppendIntervals(out, "covered", s.covered);
  AppendIntervals(out, "gaps", s.gaps);
  AppendIntervals(out, "unrecoverable", s.lost);
  out += ",\"recent_alerts\":[";
  bool first = true;
  for (const ConsumerEvent& e : events_.Snapshot()) {
    if (e.type != EventType::kUnrecoverableGap && e.type != EventType::kCountDiscrepancy &&
        e.type != EventType::kVolumeAnomaly && e.type != EventType::kStoreError &&
        e.type != EventType::kStoreLagging) {
      continue;
    }
    if (!first) out += ',';
    first = false;
    out += "\"" + JsonEscaped(EventLog::Describe(e), false) + "\"";
  }
  out += "]}";
  return out;
}

}  // namespace sluice::consumer
