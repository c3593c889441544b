#include "consumer/consumer_engine.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>

#include "base/snowflake.h"
#include "consumer/stream_url.h"

namespace sluice::consumer {
namespace {

constexpr int64_t kPlanIntervalMs = 200;
constexpr int64_t kCloseIntervalMs = 1000;
constexpr int64_t kSnapshotIntervalMs = 200;
constexpr int kMaxPollMs = 50;
// A recovery job cut short resumes this far before the creation time of the last post it
// received: recovery is in archive-time order and a post is archived a little after it is
// created, so everything archived before (that time − this) has arrived.
constexpr int64_t kRecoveryResumeMarginMs = 60000;
// Coverage older than the server's recovery window is kept this much longer, then forgotten.
constexpr int64_t kHistoryBeyondWindowMs = 3600000;

int64_t MsBetween(std::chrono::steady_clock::time_point a,
                  std::chrono::steady_clock::time_point b) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(b - a).count();
}

FailureKind KindOfStatus(long status) {
  if (status == 0) return FailureKind::kNetwork;
  if (status == 429 || status == 420) return FailureKind::kRateLimited;
  return FailureKind::kHttp;
}

// The server's error body, shortened for an event.
std::string Shorten(const std::string& text) {
  constexpr size_t kMax = 300;
  std::string out = text.substr(0, kMax);
  std::replace(out.begin(), out.end(), '\n', ' ');
  std::replace(out.begin(), out.end(), '\r', ' ');
  return out;
}

}  // namespace

struct Consumer::Engine::Slot {
  int index = 0;
  std::string url;
  bool emergency = false;
  std::unique_ptr<CurlStream> stream;
  MessageSplitter splitter;
  Backoff backoff;
  Steady::time_point next_attempt{};
  bool streaming = false;    // the 200 arrived
  bool got_message = false;  // a post or heartbeat arrived on this connection
  int64_t live_from_ms = 0;  // the consumer's clock when the 200 arrived
  int64_t last_byte_ms = 0;  // the consumer's clock when the last byte arrived
  int backfill_minutes = 0;
  // The hole this connection's backfill fills: [gap start, plan time) until the 200, then up to
  // live_from_ms; claimed when a live post arrives (the backfill is over), dropped otherwise.
  std::optional<TimeInterval> backfill;
  Steady::time_point backfill_deadline{};
  std::string disconnect_type;  // of the last system message on this connection
  uint64_t heartbeats = 0;

  Slot(size_t max_message_bytes, BackoffSchedule schedule)
      : splitter(max_message_bytes), backoff(schedule) {}
};

struct Consumer::Engine::Job {
  TimeInterval range;  // the whole job, claimed when the server says it is complete
  int64_t resume_from_ms = 0;
  std::unique_ptr<CurlStream> stream;
  MessageSplitter splitter;
  Backoff backoff;
  Steady::time_point next_attempt{};
  int attempts = 0;
  bool completed = false;
  int64_t activity_count = -1;
  int64_t last_post_time_ms = std::numeric_limits<int64_t>::min();
  uint64_t received = 0;

  Job(TimeInterval r, size_t max_message_bytes, BackoffSchedule schedule)
      : range(r), resume_from_ms(r.begin_ms), splitter(max_message_bytes), backoff(schedule) {}
};

struct Consumer::Engine::Metrics {
  explicit Metrics(MetricsRegistry& r)
      : inbound(r.AddCounter("sluice_consumer_inbound_posts_total",
                             "Post lines received on every connection, before de-duplication")),
        malformed(
            r.AddCounter("sluice_consumer_malformed_total", "Lines that were not JSON posts")),
        duplicates(r.AddCounter("sluice_consumer_duplicate_posts_total",
                                "Posts dropped as repeats (window or store key)")),
        unique(r.AddCounter("sluice_consumer_unique_posts_total", "Posts handed to the store")),
        stored(r.AddCounter("sluice_consumer_stored_posts_total", "Posts newly stored")),
        emergency(r.AddCounter("sluice_consumer_emergency_posts_total",
                               "Posts written to the emergency store")),
        streaming(
            r.AddGauge("sluice_consumer_connections_streaming", "Realtime connections receiving")),
        reconnects(
            r.AddCounter("sluice_consumer_reconnects_total", "Realtime connection attempts")),
        stalls(r.AddCounter("sluice_consumer_stalls_total",
                            "Connections dropped by the stall timeout")),
        backfills(r.AddCounter("sluice_consumer_backfills_total",
                               "Reconnections that asked for backfill")),
        jobs_running(r.AddGauge("sluice_consumer_recovery_jobs_running", "Recovery jobs running")),
        jobs_waiting(r.AddGauge("sluice_consumer_recovery_jobs_waiting",
                                "Recovery jobs waiting to start or retry")),
        jobs_completed(r.AddCounter("sluice_consumer_recovery_jobs_completed_total",
                                    "Recovery jobs the server completed")),
        unrecoverable(r.AddCounter("sluice_consumer_unrecoverable_gaps_total",
                                   "Gaps older than the server's recovery window")),
        unrecoverable_ms(r.AddCounter("sluice_consumer_unrecoverable_ms_total",
                                      "Milliseconds of stream time that could not be recovered")),
        discrepancies(r.AddCounter("sluice_consumer_count_discrepancies_total",
                                   "Closed minutes whose inbound, unique and stored disagree")),
        anomalies(r.AddCounter("sluice_consumer_volume_anomalies_total",
                               "Minutes whose stored volume dropped abnormally")),
        store_errors(
            r.AddCounter("sluice_consumer_store_errors_total", "Failed commits (retried)")),
        queued_bytes(
            r.AddGauge("sluice_consumer_store_queued_bytes", "Bytes waiting for the store")),
        last_inbound(r.AddGauge("sluice_consumer_last_minute_inbound",
                                "Inbound posts of the last closed minute")),
        last_unique(r.AddGauge("sluice_consumer_last_minute_unique",
                               "Unique posts of the last closed minute")),
        last_stored(r.AddGauge("sluice_consumer_last_minute_stored",
                               "Stored posts of the last closed minute")),
        store_lag_ms(r.AddGauge("sluice_consumer_store_lag_ms",
                                "Age of the oldest received post not yet committed")),
        store_lagging(r.AddCounter("sluice_consumer_store_lagging_total",
                                   "Alerts: posts not committed for longer than the limit")),
        gap_ms(r.AddGauge("sluice_consumer_open_gap_ms",
                          "Milliseconds of stream time not yet covered or filled")) {}
  Counter* inbound;
  Counter* malformed;
  Counter* duplicates;
  Counter* unique;
  Counter* stored;
  Counter* emergency;
  Gauge* streaming;
  Counter* reconnects;
  Counter* stalls;
  Counter* backfills;
  Gauge* jobs_running;
  Gauge* jobs_waiting;
  Counter* jobs_completed;
  Counter* unrecoverable;
  Counter* unrecoverable_ms;
  Counter* discrepancies;
  Counter* anomalies;
  Counter* store_errors;
  Gauge* queued_bytes;
  Gauge* last_inbound;
  Gauge* last_unique;
  Gauge* last_stored;
  Gauge* store_lag_ms;
  Counter* store_lagging;
  Gauge* gap_ms;
};

Consumer::Engine::Engine(const ConsumerOptions& options, PostStore& store, PostStore* emergency,
                         const Clock& clock, EventLog& events, MetricsRegistry& metrics)
    : options_(options),
      gap_options_(options.gaps),
      store_name_(store.Describe()),
      clock_(clock),
      events_(events),
      multi_(curl_multi_init()),
      classifier_(options.dialect),
      dedup_(options.dedup_capacity),
      anomaly_(options.anomaly),
      metrics_(std::make_unique<Metrics>(metrics)) {
  if (gap_options_.recovery_window_ms <= 0) {
    gap_options_.recovery_window_ms = DefaultRecoveryWindowMs(options.urls.front());
  }
  for (size_t i = 0; i < options.urls.size(); ++i) {
    auto slot = std::make_unique<Slot>(options.max_message_bytes, options.backoff);
    slot->index = static_cast<int>(i);
    slot->url = options.urls[i];
    slot->emergency = emergency != nullptr && static_cast<int>(i) == options.emergency_connection;
    slots_.push_back(std::move(slot));
  }
  StoreWorkerOptions worker_options{.max_queued_bytes = options.max_queued_bytes};
  store_worker_ = std::make_unique<StoreWorker>(
      store, worker_options,
      [this](const StoreBatch& batch, const CommitResult& result) { OnCommitted(batch, result); },
      [this](const Status& status) {
        metrics_->store_errors->Add();
        events_.Add(
            {.type = EventType::kStoreError, .at_ms = clock_.NowMs(), .text = status.ToString()});
      });
  if (emergency) {
    emergency_worker_ = std::make_unique<StoreWorker>(
        *emergency, worker_options,
        [this](const StoreBatch&, const CommitResult& result) {
          metrics_->emergency->Add(result.inserted_count);
        },
        [this](const Status& status) {
          metrics_->store_errors->Add();
          events_.Add({.type = EventType::kStoreError,
                       .at_ms = clock_.NowMs(),
                       .text = "emergency store: " + status.ToString()});
        });
  }
}

Consumer::Engine::~Engine() {
  // Workers first (their callbacks use the members), then the transfers, then curl.
  store_worker_.reset();
  emergency_worker_.reset();
  for (auto& slot : slots_) slot->stream.reset();
  for (auto& job : jobs_) job->stream.reset();
  if (multi_) curl_multi_cleanup(multi_);
}

Status Consumer::Engine::Load(const std::optional<std::string>& checkpoint) {
  if (!multi_) return Status::Internal("curl_multi_init failed");
  if (!checkpoint) return Status::Ok();
  Result<Coverage> restored = Coverage::FromCheckpoint(*checkpoint);
  if (!restored.ok()) return restored.status();
  coverage_ = std::move(*restored);
  return Status::Ok();
}

void Consumer::Engine::Wake() { curl_multi_wakeup(multi_); }

// ---- realtime connections -------------------------------------------------------------------

void Consumer::Engine::StartDueSlots(Steady::time_point now) {
  for (auto& slot : slots_) {
    if (!slot->stream && now >= slot->next_attempt) StartSlot(*slot);
  }
}

void Consumer::Engine::StartSlot(Slot& slot) {
  const int64_t now_ms = clock_.NowMs();
  metrics_->reconnects->Add();
  slot.splitter.Reset();
  slot.streaming = false;
  slot.got_message = false;
  slot.backfill_minutes = 0;
  slot.backfill.reset();
  slot.disconnect_type.clear();
  std::string url = slot.url;
  // Only the hole that reaches up to now can be a backfill: the others wait for recovery jobs.
  if (std::optional<int64_t> origin = coverage_.origin_ms(); origin && *origin < now_ms) {
    const std::vector<TimeInterval> holes = Known(/*with_pending=*/true).HolesIn({*origin, now_ms});
    GapPlan plan = PlanGaps(holes, now_ms, /*reconnecting=*/true, gap_options_);
    if (plan.backfill_minutes > 0 && !plan.backfill_gaps.empty()) {
      slot.backfill_minutes = plan.backfill_minutes;
      slot.backfill = TimeInterval{plan.backfill_gaps.front().begin_ms, now_ms};
      url = WithBackfill(slot.url, options_.dialect, plan.backfill_minutes);
      metrics_->backfills->Add();
    }
  }
  CurlStreamOptions stream_options{.url = url,
                                   .credentials = &options_.credentials,
                                   .connect_timeout_ms = options_.connect_timeout_ms,
                                   .ca_file = options_.ca_file};
  Source source{.slot = &slot};
  Result<std::unique_ptr<CurlStream>> stream =
      CurlStream::Start(multi_, stream_options,
                        [this, source](std::string_view bytes) { return OnBytes(source, bytes); });
  if (!stream.ok()) {
    events_.Add({.type = EventType::kConnectFailed,
                 .at_ms = now_ms,
                 .connection = slot.index,
                 .text = stream.status().ToString()});
    slot.backfill.reset();
    ScheduleSlot(slot, slot.backoff.AfterFailure(FailureKind::kNetwork), "network");
    return;
  }
  slot.stream = std::move(*stream);
}

void Consumer::Engine::ScheduleSlot(Slot& slot, int64_t delay_ms, std::string_view kind) {
  slot.next_attempt = Steady::now() + std::chrono::milliseconds(delay_ms);
  events_.Add({.type = EventType::kBackoff,
               .at_ms = clock_.NowMs(),
               .connection = slot.index,
               .value = delay_ms,
               .text = std::string(kind)});
}

// Adds what a streaming connection received to the coverage: from when its response began to
// a margin before its last byte. Posts archived just before a connection dies may still sit in
// the server's queue for it (or in flight), so the tail is claimed only by a later byte — or by
// another connection, or a backfill or recovery that fills it.
void Consumer::Engine::ClaimLive(Slot& slot) {
  const int64_t end_ms = slot.last_byte_ms - gap_options_.margin_ms;
  if (slot.streaming && end_ms > slot.live_from_ms) {
    coverage_.AddCovered({slot.live_from_ms, end_ms});
  }
}

void Consumer::Engine::SlotEnded(Slot& slot, CURLcode code, const std::string& why) {
  const int64_t now_ms = clock_.NowMs();
  const long status = slot.stream ? slot.stream->http_status() : 0;
  const bool was_streaming = slot.streaming && slot.got_message;
  std::string error_body = slot.stream ? slot.stream->error_body() : std::string();
  ClaimLive(slot);
  slot.stream.reset();
  slot.streaming = false;
  slot.backfill.reset();
  metrics_->streaming->Set(static_cast<int64_t>(
      std::count_if(slots_.begin(), slots_.end(), [](const auto& s) { return s->streaming; })));
  if (was_streaming) {
    events_.Add(
        {.type = EventType::kDropped, .at_ms = now_ms, .connection = slot.index, .text = why});
    // Over the connection limit: reconnecting at once would only be refused again.
    if (slot.disconnect_type == "TooManyConnections") {
      ScheduleSlot(slot, slot.backoff.AfterFailure(FailureKind::kHttp), "http");
    } else {
      ScheduleSlot(slot, slot.backoff.AfterDrop(), "drop");
    }
    return;
  }
  const FailureKind kind = status == 200 ? FailureKind::kNetwork : KindOfStatus(status);
  std::string text = why;
  if (status != 0 && status != 200)
    text = "HTTP " + std::to_string(status) + ": " + Shorten(error_body);
  events_.Add({.type = EventType::kConnectFailed,
               .at_ms = now_ms,
               .connection = slot.index,
               .value = status,
               .text = text});
  ScheduleSlot(slot, slot.backoff.AfterFailure(kind), FailureKindName(kind));
  (void)code;
}

void Consumer::Engine::CheckStalls(Steady::time_point now) {
  for (auto& slot : slots_) {
    if (slot->stream && MsBetween(slot->stream->last_byte_at(), now) > options_.stall_timeout_ms) {
      metrics_->stalls->Add();
      events_.Add({.type = EventType::kStalled,
                   .at_ms = clock_.NowMs(),
                   .connection = slot->index,
                   .value = options_.stall_timeout_ms});
      SlotEnded(
          *slot, CURLE_OK,
          "stalled: nothing arrived for " + std::to_string(options_.stall_timeout_ms) + " ms");
    }
    // A backfill that never reached a live post (an idle stream): its hole goes to recovery.
    if (slot->backfill && slot->streaming && now >= slot->backfill_deadline) slot->backfill.reset();
  }
  // JobEnded may remove the job from jobs_: collect first.
  std::vector<Job*> stalled;
  for (auto& job : jobs_) {
    if (job->stream && MsBetween(job->stream->last_byte_at(), now) > options_.stall_timeout_ms) {
      stalled.push_back(job.get());
    }
  }
  for (Job* job : stalled) {
    metrics_->stalls->Add();
    JobEnded(*job, CURLE_OPERATION_TIMEDOUT);
  }
}

// ---- recovery jobs --------------------------------------------------------------------------

void Consumer::Engine::StartDueJobs(Steady::time_point now) {
  int running = 0;
  for (auto& job : jobs_) running += job->stream != nullptr;
  for (auto& job : jobs_) {
    if (running >= options_.max_recovery_jobs) break;
    if (!job->stream && now >= job->next_attempt) {
      StartJob(*job);
      running += job->stream != nullptr;
    }
  }
}

void Consumer::Engine::StartJob(Job& job) {
  ++job.attempts;
  job.splitter.Reset();
  job.completed = false;
  job.activity_count = -1;
  const TimeInterval rest{job.resume_from_ms, job.range.end_ms};
  events_.Add({.type = EventType::kRecoveryStarted,
               .at_ms = clock_.NowMs(),
               .value = job.attempts,
               .range = rest});
  CurlStreamOptions stream_options{
      .url = WithRecovery(options_.urls.front(), options_.dialect, rest),
      .credentials = &options_.credentials,
      .connect_timeout_ms = options_.connect_timeout_ms,
      .ca_file = options_.ca_file};
  Source source{.job = &job};
  Result<std::unique_ptr<CurlStream>> stream =
      CurlStream::Start(multi_, stream_options,
                        [this, source](std::string_view bytes) { return OnBytes(source, bytes); });
  if (!stream.ok()) {
    job.next_attempt =
        Steady::now() + std::chrono::milliseconds(job.backoff.AfterFailure(FailureKind::kNetwork));
    return;
  }
  job.stream = std::move(*stream);
}

void Consumer::Engine::JobEnded(Job& job, CURLcode code) {
  const int64_t now_ms = clock_.NowMs();
  const long status = job.stream ? job.stream->http_status() : 0;
  const std::string error_body = job.stream ? job.stream->error_body() : std::string();
  const std::string curl_text = job.stream ? job.stream->error_text(code) : std::string();
  job.stream.reset();
  if (job.completed) {
    // Every post of the range was received (and is in a batch before the next checkpoint).
    coverage_.AddCovered(job.range);
    metrics_->jobs_completed->Add();
    events_.Add({.type = EventType::kRecoveryCompleted,
                 .at_ms = now_ms,
                 .value = static_cast<int64_t>(job.received),
                 .range = job.range});
    if (job.activity_count >= 0 && static_cast<uint64_t>(job.activity_count) != job.received) {
      spdlog::warn(
          "recovery job received {} posts over all its attempts; the last attempt's "
          "completion message counted {}",
          job.received, job.activity_count);
    }
    std::erase_if(jobs_, [&](const auto& j) { return j.get() == &job; });
    return;
  }
  if (status == 200) {
    // Cut short: resume after what certainly arrived.
    if (job.last_post_time_ms != std::numeric_limits<int64_t>::min() &&
        job.last_post_time_ms <= job.range.end_ms) {
      job.resume_from_ms = std::clamp(job.last_post_time_ms - kRecoveryResumeMarginMs,
                                      job.resume_from_ms, job.range.end_ms);
    }
    events_.Add({.type = EventType::kRecoveryCutShort,
                 .at_ms = now_ms,
                 .range = {job.resume_from_ms, job.range.end_ms},
                 .text = curl_text});
    job.next_attempt = Steady::now() + std::chrono::milliseconds(job.backoff.AfterDrop());
    return;
  }
  if (status == 400 && error_body.find("future") == std::string::npos) {
    // The server will never serve this range (older than its window, or a request it refuses):
    // retrying cannot help. What of it is not covered otherwise is lost; say so.
    IntervalSet known = Known(/*with_pending=*/false);
    for (const TimeInterval& hole : known.HolesIn(job.range)) {
      ReportUnrecoverable(hole, "the server refused the recovery request: " + Shorten(error_body));
    }
    std::erase_if(jobs_, [&](const auto& j) { return j.get() == &job; });
    return;
  }
  const FailureKind kind = KindOfStatus(status);
  const int64_t delay = job.backoff.AfterFailure(kind);
  events_.Add({.type = EventType::kConnectFailed,
               .at_ms = now_ms,
               .value = status,
               .range = {job.resume_from_ms, job.range.end_ms},
               .text = status
                           ? "recovery: HTTP " + std::to_string(status) + ": " + Shorten(error_body)
                           : "recovery: " + curl_text});
  events_.Add({.type = EventType::kBackoff,
               .at_ms = now_ms,
               .value = delay,
               .text = FailureKindName(kind)});
  job.next_attempt = Steady::now() + std::chrono::milliseconds(delay);
}

// Time that is covered, written off, being received, or (with_pending) being filled. A
// connection that streams counts as receiving up to now until the stall timeout says otherwise
// (then only what it received before its last byte stays claimed, and the rest becomes a hole).
IntervalSet Consumer::Engine::Known(bool with_pending) const {
  IntervalSet known = coverage_.covered();
  known.Add(coverage_.lost());
  const int64_t now_ms = clock_.NowMs();
  for (const auto& slot : slots_) {
    if (slot->streaming) {
      known.Add(TimeInterval{slot->live_from_ms, std::max(now_ms, slot->last_byte_ms)});
    }
    // Until its response begins, a connection asking for backfill will cover up to whenever
    // that is: at least up to now (so a second connection reconnecting a moment later does not
    // ask for the same minutes again). If the attempt fails, the claim goes with it.
    if (with_pending && slot->backfill) {
      known.Add({slot->backfill->begin_ms, slot->streaming
                                               ? slot->backfill->end_ms
                                               : std::max(now_ms, slot->backfill->end_ms)});
    }
  }
  if (with_pending) {
    for (const auto& job : jobs_) known.Add(job->range);
  }
  return known;
}

void Consumer::Engine::PlanRecoveries(int64_t now_ms) {
  const std::optional<int64_t> origin = coverage_.origin_ms();
  if (!origin || *origin >= now_ms) return;
  const IntervalSet known = Known(/*with_pending=*/true);
  std::vector<TimeInterval> holes;
  int64_t open_ms = 0;
  for (const TimeInterval& hole : known.HolesIn({*origin, now_ms})) {
    open_ms += hole.length_ms();
    // A hole that reaches now has nothing streaming after it yet: the reconnect plans it. The
    // server must have archived everything up to the widened end before it is asked for.
    if (hole.end_ms + gap_options_.margin_ms + options_.recovery_settle_ms <= now_ms) {
      holes.push_back(hole);
    }
  }
  metrics_->gap_ms->Set(open_ms);
  if (holes.empty()) return;
  GapPlan plan = PlanGaps(holes, now_ms, /*reconnecting=*/false, gap_options_);
  for (const TimeInterval& lost : plan.unrecoverable) {
    ReportUnrecoverable(lost, "older than the server's recovery window of " +
                                  std::to_string(gap_options_.recovery_window_ms / 1000) + " s");
  }
  for (const TimeInterval& range : plan.recovery_jobs) {
    jobs_.push_back(std::make_unique<Job>(range, options_.max_message_bytes, options_.backoff));
  }
  ForgetOldHistory(now_ms);
}

// Keeps the coverage small: time well past the server's window is forgotten, but only once
// every hole in it was reported (forgotten time can never come back as a gap).
void Consumer::Engine::ForgetOldHistory(int64_t now_ms) {
  const std::optional<int64_t> origin = coverage_.origin_ms();
  const int64_t cutoff = now_ms - gap_options_.recovery_window_ms - kHistoryBeyondWindowMs;
  if (!origin || *origin >= cutoff) return;
  if (Known(/*with_pending=*/true).HolesIn({*origin, cutoff}).empty()) {
    coverage_.DropBefore(cutoff);
  }
}

void Consumer::Engine::ReportUnrecoverable(TimeInterval range, const std::string& why) {
  if (range.empty()) return;
  coverage_.AddLost(range);
  metrics_->unrecoverable->Add();
  metrics_->unrecoverable_ms->Add(static_cast<uint64_t>(range.length_ms()));
  events_.Add(
      {.type = EventType::kUnrecoverableGap, .at_ms = clock_.NowMs(), .range = range, .text = why});
}

// ---- bytes, lines, posts --------------------------------------------------------------------

bool Consumer::Engine::OnBytes(Source source, std::string_view bytes) {
  MessageSplitter& splitter = source.slot ? source.slot->splitter : source.job->splitter;
  if (source.slot) {
    Slot& slot = *source.slot;
    if (!slot.streaming) {
      slot.streaming = true;
      // The server began sending when the headers went out; measure from there.
      const int64_t since_headers =
          slot.stream && slot.stream->headers_at()
              ? std::max<int64_t>(0, MsBetween(*slot.stream->headers_at(), Steady::now()))
              : 0;
      slot.live_from_ms = clock_.NowMs() - since_headers;
      // The first connection ever marks where history starts, so that a consumer whose first
      // connection dies at once (before it claimed anything) still sees the gap after it.
      if (!coverage_.origin_ms()) {
        coverage_.AddCovered({slot.live_from_ms, slot.live_from_ms + 1});
      }
      if (slot.backfill) {
        slot.backfill->end_ms = slot.live_from_ms;
        slot.backfill_deadline =
            Steady::now() + std::chrono::milliseconds(std::max<int64_t>(
                                3 * options_.stall_timeout_ms, 4 * gap_options_.margin_ms));
      }
      events_.Add({.type = EventType::kConnected,
                   .at_ms = slot.live_from_ms,
                   .connection = slot.index,
                   .value = slot.backfill_minutes});
      metrics_->streaming->Set(static_cast<int64_t>(
          std::count_if(slots_.begin(), slots_.end(), [](const auto& s) { return s->streaming; })));
    }
    slot.last_byte_ms = clock_.NowMs();
  }
  const Status fed = splitter.Feed(bytes, [&](std::string_view line) { OnLine(source, line); });
  if (!fed.ok()) {
    spdlog::error("dropping a connection: {}", fed.ToString());
    return false;
  }
  return true;
}

void Consumer::Engine::OnLine(Source source, std::string_view line) {
  const int64_t now_ms = clock_.NowMs();
  if (source.slot && !source.slot->got_message) {
    source.slot->got_message = true;
    source.slot->backoff.AfterSuccess();
  }
  // A heartbeat: its bytes already counted as "receiving".
  if (line.empty()) {
    if (source.slot) ++source.slot->heartbeats;
    return;
  }
  // A copy of a post already seen (the other redundant connections, backfill overlap) is
  // recognised by a cheap look at its id; only new posts pay for the full parse.
  if (const uint64_t seen = classifier_.PeekPostId(line); seen != 0 && dedup_.Contains(seen)) {
    OnPost(source, seen, line, now_ms);
    return;
  }
  StreamMessage message = classifier_.Classify(line);
  switch (message.kind) {
    case MessageKind::kHeartbeat:
      if (source.slot) ++source.slot->heartbeats;
      return;
    case MessageKind::kPost:
      OnPost(source, message.post_id, line, now_ms);
      return;
    case MessageKind::kMalformed: {
      metrics_->inbound->Add();
      metrics_->malformed->Add();
      {
        std::lock_guard lock(counts_mu_);
        counts_.Inbound(now_ms);
        counts_.Malformed(now_ms);
      }
      spdlog::warn("malformed line ({} bytes): {}", line.size(), message.text);
      return;
    }
    case MessageKind::kSystem: {
      if (source.job && message.recovery_completed) {
        source.job->completed = true;
        source.job->activity_count = message.activity_count;
      }
      if (source.slot) source.slot->disconnect_type = message.disconnect_type;
      events_.Add({.type = EventType::kSystemMessage,
                   .at_ms = now_ms,
                   .connection = source.slot ? source.slot->index : -1,
                   .text = message.text});
      return;
    }
  }
}

void Consumer::Engine::OnPost(Source source, uint64_t id, std::string_view line, int64_t now_ms) {
  metrics_->inbound->Add();
  if (batch_.empty()) batch_started_ = Steady::now();
  bool is_new;
  {
    std::lock_guard lock(counts_mu_);
    counts_.Inbound(now_ms);
    is_new = dedup_.Insert(id);
    if (is_new) {
      counts_.Unique(now_ms);
    } else {
      counts_.Duplicate(now_ms);
    }
  }
  if (is_new) {
    metrics_->unique->Add();
    batch_.push_back(ReceivedPost{.id = id, .body = std::string(line), .received_ms = now_ms});
  } else {
    metrics_->duplicates->Add();
  }
  if (source.slot) {
    Slot& slot = *source.slot;
    if (slot.emergency) {
      emergency_batch_.push_back(
          ReceivedPost{.id = id, .body = std::string(line), .received_ms = now_ms});
    }
    // A post created after the connection began is live: the backfill before it is complete.
    if (slot.backfill && SnowflakeTimeMs(id) >= slot.live_from_ms + gap_options_.margin_ms) {
      coverage_.AddCovered(*slot.backfill);
      events_.Add({.type = EventType::kBackfillConfirmed,
                   .at_ms = now_ms,
                   .connection = slot.index,
                   .value = slot.backfill_minutes,
                   .range = *slot.backfill});
      slot.backfill.reset();
    }
  } else {
    Job& job = *source.job;
    ++job.received;
    job.last_post_time_ms = SnowflakeTimeMs(id);
  }
}

void Consumer::Engine::HandleDone(CURL* easy, CURLcode code) {
  for (auto& slot : slots_) {
    if (slot->stream && slot->stream->handle() == easy) {
      const std::string why =
          code == CURLE_OK ? "the server ended the response" : slot->stream->error_text(code);
      SlotEnded(*slot, code, why);
      return;
    }
  }
  for (auto& job : jobs_) {
    if (job->stream && job->stream->handle() == easy) {
      JobEnded(*job, code);
      return;
    }
  }
}

// ---- batches, counts, snapshot --------------------------------------------------------------

void Consumer::Engine::CutBatch(int64_t now_ms, bool force) {
  const Steady::time_point now = Steady::now();
  const bool posts_due =
      !batch_.empty() && (batch_.size() >= options_.batch_max_posts ||
                          MsBetween(batch_started_, now) >= options_.batch_max_delay_ms);
  const bool checkpoint_due = MsBetween(last_checkpoint_, now) >= options_.checkpoint_interval_ms;
  if (!force && !posts_due && !checkpoint_due) return;
  // Everything received so far is in this batch or an earlier one, so the coverage may now
  // claim it: the checkpoint commits with (after) those posts.
  for (auto& slot : slots_) ClaimLive(*slot);
  const uint64_t sequence = next_sequence_++;
  StoreBatch batch;
  batch.sequence = sequence;
  batch.posts = std::move(batch_);
  batch_.clear();
  batch.checkpoint = coverage_.ToCheckpoint();
  int64_t oldest = now_ms;
  for (const ReceivedPost& post : batch.posts) oldest = std::min(oldest, post.received_ms);
  {
    std::lock_guard lock(counts_mu_);
    in_flight_[batch.sequence] = oldest;
  }
  last_checkpoint_ = now;
  if (!store_worker_->Submit(std::move(batch))) {
    spdlog::error("the store worker stopped; a batch was not queued");
  }
  if (emergency_worker_ && !emergency_batch_.empty()) {
    StoreBatch raw;
    raw.sequence = sequence;
    raw.posts = std::move(emergency_batch_);
    emergency_batch_.clear();
    (void)emergency_worker_->Submit(std::move(raw));
  }
  metrics_->queued_bytes->Set(static_cast<int64_t>(store_worker_->queued_bytes()));
}

void Consumer::Engine::OnCommitted(const StoreBatch& batch, const CommitResult& result) {
  std::lock_guard lock(counts_mu_);
  for (size_t i = 0; i < batch.posts.size(); ++i) {
    if (i < result.inserted.size() && result.inserted[i]) {
      counts_.Stored(batch.posts[i].received_ms);
    } else {
      counts_.StoreDuplicate(batch.posts[i].received_ms);
    }
  }
  metrics_->stored->Add(result.inserted_count);
  in_flight_.erase(batch.sequence);
}

void Consumer::Engine::CloseMinutes(int64_t now_ms) {
  std::vector<MinuteCounts::Closed> closed;
  int64_t settled = now_ms;  // every post received before this is committed
  {
    std::lock_guard lock(counts_mu_);
    for (const ReceivedPost& post : batch_) settled = std::min(settled, post.received_ms);
    for (const auto& [sequence, oldest] : in_flight_) settled = std::min(settled, oldest);
    closed = counts_.CloseBefore(settled);
  }
  const int64_t lag_ms = now_ms - settled;
  metrics_->store_lag_ms->Set(lag_ms);
  if (lag_ms > options_.store_lag_alert_ms &&
      (!last_lag_alert_ms_ || now_ms - *last_lag_alert_ms_ >= 60000)) {
    last_lag_alert_ms_ = now_ms;
    metrics_->store_lagging->Add();
    events_.Add({.type = EventType::kStoreLagging,
                 .at_ms = now_ms,
                 .value = lag_ms,
                 .range = {settled, now_ms},
                 .text = "posts received since then are not committed yet (" + store_name_ + ")"});
  }
  for (const MinuteCounts::Closed& minute : closed) {
    const MinuteCount& c = minute.count;
    metrics_->last_inbound->Set(static_cast<int64_t>(c.inbound));
    metrics_->last_unique->Set(static_cast<int64_t>(c.unique));
    metrics_->last_stored->Set(static_cast<int64_t>(c.stored));
    const TimeInterval range{c.minute_start_ms, c.minute_start_ms + 60000};
    for (const std::string& text : minute.discrepancies) {
      metrics_->discrepancies->Add();
      events_.Add(
          {.type = EventType::kCountDiscrepancy, .at_ms = now_ms, .range = range, .text = text});
    }
    if (std::optional<VolumeAnomaly> anomaly = anomaly_.Observe(c.minute_start_ms, c.stored)) {
      metrics_->anomalies->Add();
      events_.Add({.type = EventType::kVolumeAnomaly,
                   .at_ms = now_ms,
                   .value = static_cast<int64_t>(anomaly->stored),
                   .range = range,
                   .text = "baseline median " + std::to_string(anomaly->baseline_median) +
                           ", alert below " + std::to_string(anomaly->threshold)});
    }
  }
}

void Consumer::Engine::PublishSnapshot() {
  ConsumerSnapshot s;
  {
    std::lock_guard lock(counts_mu_);
    s.totals = counts_.Totals();
    s.posts_committed = s.totals.stored;
  }
  for (const auto& slot : slots_) {
    s.connections_streaming += slot->streaming;
    s.heartbeats.push_back(slot->heartbeats);
  }
  for (const auto& job : jobs_) {
    if (job->stream) {
      ++s.recovery_jobs_running;
    } else {
      ++s.recovery_jobs_waiting;
    }
  }
  metrics_->jobs_running->Set(s.recovery_jobs_running);
  metrics_->jobs_waiting->Set(s.recovery_jobs_waiting);
  s.covered = coverage_.covered().intervals();
  s.lost = coverage_.lost().intervals();
  const int64_t now_ms = clock_.NowMs();
  if (std::optional<int64_t> origin = coverage_.origin_ms(); origin && *origin < now_ms) {
    s.gaps = Known(/*with_pending=*/false).HolesIn({*origin, now_ms});
  }
  std::lock_guard lock(snapshot_mu_);
  snapshot_ = std::move(s);
}

ConsumerSnapshot Consumer::Engine::Snapshot() const {
  std::lock_guard lock(snapshot_mu_);
  return snapshot_;
}

// ---- the loop -------------------------------------------------------------------------------

void Consumer::Engine::Run(const std::atomic<bool>& stop) {
  last_checkpoint_ = Steady::now();
  while (!stop.load(std::memory_order_relaxed)) {
    const Steady::time_point now = Steady::now();
    StartDueSlots(now);
    StartDueJobs(now);
    int running = 0;
    curl_multi_perform(multi_, &running);
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(multi_, &queued)) {
      if (message->msg == CURLMSG_DONE) HandleDone(message->easy_handle, message->data.result);
    }
    CheckStalls(Steady::now());
    const int64_t now_ms = clock_.NowMs();
    if (now >= next_plan_) {
      PlanRecoveries(now_ms);
      next_plan_ = now + std::chrono::milliseconds(kPlanIntervalMs);
    }
    CutBatch(now_ms, /*force=*/false);
    if (now >= next_close_) {
      CloseMinutes(now_ms);
      next_close_ = now + std::chrono::milliseconds(kCloseIntervalMs);
    }
    if (now >= next_snapshot_) {
      PublishSnapshot();
      next_snapshot_ = now + std::chrono::milliseconds(kSnapshotIntervalMs);
    }
    // Sleep until the next thing due: a batch to cut, an attempt to start (a reconnect at its
    // first back-off step must not wait for the poll to time out).
    const Steady::time_point after = Steady::now();
    int64_t wait_ms = kMaxPollMs;
    if (!batch_.empty()) {
      wait_ms = std::min(wait_ms, options_.batch_max_delay_ms - MsBetween(batch_started_, after));
    }
    for (const auto& slot : slots_) {
      if (!slot->stream) wait_ms = std::min(wait_ms, MsBetween(after, slot->next_attempt));
    }
    for (const auto& job : jobs_) {
      if (!job->stream) wait_ms = std::min(wait_ms, MsBetween(after, job->next_attempt));
    }
    wait_ms = std::clamp<int64_t>(wait_ms, 0, kMaxPollMs);
    curl_multi_poll(multi_, nullptr, 0, static_cast<int>(wait_ms), nullptr);
  }
  // Shutdown: what arrived is committed with the coverage it proves.
  for (auto& slot : slots_) {
    ClaimLive(*slot);
    slot->streaming = false;
    slot->stream.reset();
  }
  for (auto& job : jobs_) job->stream.reset();
  CutBatch(clock_.NowMs(), /*force=*/true);
  store_worker_->Stop();
  if (emergency_worker_) emergency_worker_->Stop();
  CloseMinutes(clock_.NowMs());
  PublishSnapshot();
}

}  // namespace sluice::consumer
