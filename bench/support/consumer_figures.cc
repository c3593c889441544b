#include "support/consumer_figures.h"

#include <libpq-fe.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "base/clock.h"
#include "consumer/consumer.h"
#include "support/measured_store.h"
#include "support/proc_stats.h"
#include "support/stream_feeder.h"

namespace sluice::bench {
namespace {

using consumer::Consumer;
using consumer::ConsumerEvent;
using consumer::ConsumerOptions;
using consumer::EventType;
using Steady = std::chrono::steady_clock;

// About the size of the coverage checkpoint the consumer commits with each batch.
const std::string kCheckpoint(96, 'c');
constexpr auto kHeartbeatInterval = std::chrono::milliseconds(100);
// The network back-off's first step in the default schedule: the trials' offsets stay below it.
const int64_t kFirstStepMs = consumer::BackoffSchedule{}.network_step_ms;

double Seconds(Steady::duration d) { return std::chrono::duration<double>(d).count(); }
double Ms(Steady::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// Wall time that advances with the steady clock, so the consumer's event times (ms of this
// clock) and the benchmark's steady time points can be compared.
class SteadyWallClock final : public Clock {
 public:
  SteadyWallClock() : base_ms_(SystemClock().NowMs() - SteadyMs(Steady::now())) {}
  int64_t NowMs() const override {
    return base_ms_ + static_cast<int64_t>(SteadyMs(Steady::now()));
  }
  double ToMs(Steady::time_point t) const { return static_cast<double>(base_ms_) + SteadyMs(t); }

 private:
  static double SteadyMs(Steady::time_point t) { return Ms(t.time_since_epoch()); }
  const int64_t base_ms_;
};

std::string StreamUrl(uint16_t port) {
  return "http://127.0.0.1:" + std::to_string(port) +
         "/stream/powertrack/accounts/bench/publishers/twitter/prod.json";
}

Result<std::unique_ptr<Consumer>> StartConsumer(uint16_t port, int connections,
                                                consumer::PostStore& store, const Clock& clock) {
  ConsumerOptions options;
  options.urls.assign(static_cast<size_t>(connections), StreamUrl(port));
  Result<std::unique_ptr<Consumer>> made = Consumer::Create(options, store, nullptr, clock);
  if (!made.ok()) return made.status();
  SLUICE_RETURN_IF_ERROR((*made)->Start());
  return made;
}

// Polls `done` every millisecond until it holds or `timeout` passes.
template <typename Predicate>
bool WaitUntil(Predicate done, std::chrono::milliseconds timeout) {
  const Steady::time_point deadline = Steady::now() + timeout;
  while (!done()) {
    if (Steady::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

double ProcessCpu(pid_t pid) {
  Result<double> seconds = ProcessCpuSeconds(pid);
  return seconds.ok() ? *seconds : 0;
}

// /proc/self/task/TID/schedstat: seconds on a CPU and waiting on a run queue (ready, not
// running: CPU contention), since the thread started.
struct SchedTimes {
  double on_cpu = 0;
  double runnable = 0;
};
SchedTimes ThreadSchedTimes(pid_t tid) {
  std::ifstream in("/proc/self/task/" + std::to_string(tid) + "/schedstat");
  unsigned long long on_cpu_ns = 0, runnable_ns = 0;
  in >> on_cpu_ns >> runnable_ns;
  return {static_cast<double>(on_cpu_ns) / 1e9, static_cast<double>(runnable_ns) / 1e9};
}

size_t CountEvents(const Consumer& c, EventType type) { return c.events().OfType(type).size(); }

}  // namespace

Result<Sample> RunStoreBaseline(const PostFeed& feed, consumer::PostStore& store,
                                size_t batch_posts) {
  const SystemClock clock;
  std::vector<consumer::ReceivedPost> batch;
  Steady::duration in_commit{};
  SchedTimes in_commit_sched;
  uint64_t inserted = 0;
  const pid_t tid = ::gettid();
  for (size_t first = 0; first < feed.posts.size(); first += batch_posts) {
    batch.clear();
    const int64_t now_ms = clock.NowMs();
    const size_t end = std::min(feed.posts.size(), first + batch_posts);
    for (size_t i = first; i < end; ++i) {
      batch.push_back({feed.posts[i].id, std::string(feed.post(i)), now_ms});
    }
    const SchedTimes sched_start = ThreadSchedTimes(tid);
    const Steady::time_point start = Steady::now();
    Result<consumer::CommitResult> result =
        store.Commit(consumer::CommitBatch{.posts = batch, .checkpoint = kCheckpoint});
    in_commit += Steady::now() - start;
    const SchedTimes sched_end = ThreadSchedTimes(tid);
    in_commit_sched.on_cpu += sched_end.on_cpu - sched_start.on_cpu;
    in_commit_sched.runnable += sched_end.runnable - sched_start.runnable;
    if (!result.ok()) return result.status();
    inserted += result->inserted_count;
  }
  if (inserted != feed.posts.size()) {
    return Status::Internal("the store took " + std::to_string(inserted) + " of " +
                            std::to_string(feed.posts.size()) + " posts");
  }
  Sample s;
  s.Add("posts", static_cast<double>(inserted));
  s.Add("seconds", Seconds(in_commit));
  s.Add("posts_per_s", static_cast<double>(inserted) / Seconds(in_commit));
  s.Add("MB_per_s", static_cast<double>(feed.post_bytes) / 1e6 / Seconds(in_commit));
  s.Add("batch_posts", static_cast<double>(batch_posts));
  // Shares of the time in Commit: on a CPU, waiting for one, blocked (fsync, I/O, the server).
  const double seconds = Seconds(in_commit);
  s.Add("on_cpu", in_commit_sched.on_cpu / seconds);
  s.Add("runnable", in_commit_sched.runnable / seconds);
  s.Add("blocked",
        std::max(0.0, seconds - in_commit_sched.on_cpu - in_commit_sched.runnable) / seconds);
  return s;
}

Result<Sample> RunConsumerThroughput(const PostFeed& feed, consumer::PostStore& store,
                                     int connections, std::chrono::seconds timeout) {
  Result<std::unique_ptr<StreamFeeder>> feeder = StreamFeeder::Start(feed, kHeartbeatInterval);
  if (!feeder.ok()) return feeder.status();
  MeasuredStore measured(store, feed.posts.size());
  const SteadyWallClock clock;
  const pid_t pid = ::getpid();
  std::set<pid_t> threads_before;
  for (const ThreadCpu& t : ThreadCpuSeconds(pid)) threads_before.insert(t.tid);
  const double process_cpu_start = ProcessCpu(pid);
  const double machine_start = MachineBusySeconds();
  const double feeder_cpu_start = (*feeder)->cpu_seconds();

  const Steady::time_point start = Steady::now();
  Result<std::unique_ptr<Consumer>> consumer =
      StartConsumer((*feeder)->port(), connections, measured, clock);
  if (!consumer.ok()) return consumer.status();
  const std::optional<Steady::time_point> done = measured.WaitForTarget(start + timeout);
  const Steady::time_point end = done.value_or(Steady::now());
  const double elapsed = Seconds(end - start);

  // The consumer's threads are the ones it started: its store worker (the committer) and its
  // engine (curl, splitting, de-duplication, batching).
  // Each splits into on a CPU, runnable (waiting for one) and blocked (the rest: I/O, locks,
  // sleeping in poll or on the batch queue).
  SchedTimes engine, store_thread;
  const MeasuredStore::Stats stats = measured.stats();
  for (const ThreadCpu& t : ThreadCpuSeconds(pid)) {
    if (threads_before.count(t.tid)) continue;
    const SchedTimes times = ThreadSchedTimes(t.tid);
    SchedTimes& sum = t.tid == stats.committer_tid ? store_thread : engine;
    sum.on_cpu += times.on_cpu;
    sum.runnable += times.runnable;
  }
  const double process_cpu = ProcessCpu(pid) - process_cpu_start;
  const double machine_busy = MachineBusySeconds() - machine_start;
  const double feeder_cpu = (*feeder)->cpu_seconds() - feeder_cpu_start;
  (*consumer)->Stop();
  const consumer::ConsumerSnapshot snapshot = (*consumer)->Snapshot();
  if (!done) {
    return Status::Internal("the store had " + std::to_string(stats.inserted) + " of " +
                            std::to_string(feed.posts.size()) + " posts after " +
                            std::to_string(timeout.count()) + " s");
  }
  Sample s;
  s.Add("posts", static_cast<double>(feed.posts.size()));
  s.Add("connections", connections);
  s.Add("seconds", elapsed);
  s.Add("posts_per_s", static_cast<double>(feed.posts.size()) / elapsed);
  s.Add("inbound_MB_per_s",
        static_cast<double>(connections) * static_cast<double>(feed.body.size()) / 1e6 / elapsed);
  s.Add("commits", static_cast<double>(stats.commits));
  s.Add("posts_per_commit", static_cast<double>(stats.inserted) /
                                static_cast<double>(std::max<uint64_t>(1, stats.commits)));
  s.Add("store_busy", stats.commit_seconds / elapsed);
  s.Add("store_commit_cpu_cores", stats.commit_cpu_seconds / elapsed);
  s.Add("store_thread_cores", store_thread.on_cpu / elapsed);
  s.Add("store_thread_runnable", store_thread.runnable / elapsed);
  s.Add("store_thread_blocked",
        std::max(0.0, elapsed - store_thread.on_cpu - store_thread.runnable) / elapsed);
  s.Add("engine_thread_cores", engine.on_cpu / elapsed);
  s.Add("engine_thread_runnable", engine.runnable / elapsed);
  s.Add("engine_thread_blocked",
        std::max(0.0, elapsed - engine.on_cpu - engine.runnable) / elapsed);
  s.Add("feeder_cores", feeder_cpu / elapsed);
  s.Add("process_cores", process_cpu / elapsed);
  s.Add("machine_busy_cores", machine_busy / elapsed);
  s.Add("other_cpu_cores", std::max(0.0, machine_busy - process_cpu) / elapsed);
  s.Add("inbound_posts", static_cast<double>(snapshot.totals.inbound));
  s.Add("duplicates", static_cast<double>(snapshot.totals.duplicates));
  s.Add("committed_after_stop", static_cast<double>(snapshot.posts_committed));
  return s;
}

Result<std::vector<Sample>> RunReconnect(const PostFeed& feed, consumer::PostStore& store,
                                         int connections, int trials) {
  Result<std::unique_ptr<StreamFeeder>> started = StreamFeeder::Start(feed, kHeartbeatInterval);
  if (!started.ok()) return started.status();
  StreamFeeder& feeder = **started;
  const SteadyWallClock clock;
  Result<std::unique_ptr<Consumer>> made = StartConsumer(feeder.port(), connections, store, clock);
  if (!made.ok()) return made.status();
  Consumer& c = **made;
  const size_t k = static_cast<size_t>(connections);
  if (!WaitUntil([&] { return CountEvents(c, EventType::kConnected) >= k; },
                 std::chrono::seconds(5))) {
    return Status::Internal("the consumer did not connect to the feeder");
  }
  std::vector<Sample> samples;
  for (int trial = 0; trial < trials; ++trial) {
    // Every connection streams (heartbeats at least) before the feeder goes.
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const size_t failed_before = CountEvents(c, EventType::kConnectFailed);
    const size_t connected_before = CountEvents(c, EventType::kConnected);
    const size_t backoffs_before = CountEvents(c, EventType::kBackoff);
    const size_t requests_before = feeder.requests().size();
    const Steady::time_point away = Steady::now();
    feeder.GoAway();
    if (!WaitUntil([&] { return CountEvents(c, EventType::kConnectFailed) >= failed_before + k; },
                   std::chrono::seconds(2))) {
      return Status::Internal("trial " + std::to_string(trial) +
                              ": the consumer did not try to reconnect at once");
    }
    const Steady::time_point refused = Steady::now();
    const auto offset = std::chrono::milliseconds(trial * kFirstStepMs / trials);
    std::this_thread::sleep_until(refused + offset);
    Result<Steady::time_point> back = feeder.ComeBack();
    if (!back.ok()) return back.status();
    if (!WaitUntil([&] { return CountEvents(c, EventType::kConnected) >= connected_before + k; },
                   std::chrono::seconds(3))) {
      return Status::Internal("trial " + std::to_string(trial) +
                              ": the consumer did not reconnect within 3 s");
    }
    const std::vector<ConsumerEvent> connected = c.events().OfType(EventType::kConnected);
    int64_t first_ms = INT64_MAX, last_ms = INT64_MIN;
    for (size_t i = connected_before; i < connected.size(); ++i) {
      first_ms = std::min(first_ms, connected[i].at_ms);
      last_ms = std::max(last_ms, connected[i].at_ms);
    }
    int64_t backoff_ms = 0;
    const std::vector<ConsumerEvent> backoffs = c.events().OfType(EventType::kBackoff);
    for (size_t i = backoffs_before; i < backoffs.size(); ++i) {
      backoff_ms = std::max(backoff_ms, backoffs[i].value);
    }
    const std::vector<StreamFeeder::Request> requests = feeder.requests();
    const double back_ms = clock.ToMs(*back);
    Sample s;
    s.Add("offset_ms", static_cast<double>(offset.count()));
    s.Add("away_to_refused_ms", Ms(refused - away));
    s.Add("reconnect_ms", static_cast<double>(last_ms) - back_ms);
    s.Add("first_connection_ms", static_cast<double>(first_ms) - back_ms);
    if (requests.size() > requests_before) {
      s.Add("accept_ms", Ms(requests[requests_before].accepted_at - *back));
      s.Add("request_ms", Ms(requests[requests_before].head_read_at - *back));
    }
    s.Add("backoff_max_ms", static_cast<double>(backoff_ms));
    samples.push_back(std::move(s));
  }
  c.Stop();
  return samples;
}

Status ResetPostgres(const std::string& conninfo) {
  std::unique_ptr<PGconn, decltype(&PQfinish)> connection(PQconnectdb(conninfo.c_str()), &PQfinish);
  if (PQstatus(connection.get()) != CONNECTION_OK) {
    return Status::IoError(std::string("postgres: ") + PQerrorMessage(connection.get()));
  }
  // "table does not exist, skipping" is expected the first time.
  PQsetNoticeProcessor(
      connection.get(), [](void*, const char*) {}, nullptr);
  std::unique_ptr<PGresult, decltype(&PQclear)> result(
      PQexec(connection.get(), "DROP TABLE IF EXISTS posts, consumer_checkpoint"), &PQclear);
  if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
    return Status::IoError(std::string("postgres: drop tables: ") +
                           PQerrorMessage(connection.get()));
  }
  return Status::Ok();
}

}  // namespace sluice::bench
