#include "support/consumer_scenario.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

#include "base/time_format.h"
#include "consumer/store_uri.h"
#include "support/http_client.h"
#include "support/replay_support.h"

namespace sluice::testing {

// ---- ClockDriver ----------------------------------------------------------------------------

ClockDriver::ClockDriver(uint16_t server_port, int64_t start_ms, AdvanceConsumer advance_consumer)
    : server_port_(server_port),
      now_ms_(start_ms),
      advance_consumer_(std::move(advance_consumer)),
      thread_([this] { Loop(); }) {}

ClockDriver::~ClockDriver() {
  {
    std::lock_guard lock(mu_);
    quit_ = true;
    changed_.notify_all();
  }
  thread_.join();
}

void ClockDriver::SetConsumer(AdvanceConsumer advance_consumer) {
  std::lock_guard lock(mu_);
  advance_consumer_ = std::move(advance_consumer);
}

void ClockDriver::SetAfterStep(std::function<void(int64_t now_ms)> after_step) {
  std::lock_guard lock(mu_);
  after_step_ = std::move(after_step);
}

void ClockDriver::Run(int64_t step_ms, std::chrono::milliseconds every) {
  std::lock_guard lock(mu_);
  step_ms_ = step_ms;
  every_ = every;
  running_ = true;
  changed_.notify_all();
}

void ClockDriver::Pause() {
  std::unique_lock lock(mu_);
  running_ = false;
  changed_.wait(lock, [&] { return !stepping_; });
}

void ClockDriver::Step(int64_t ms) {
  const int64_t now = AdvanceClock(server_port_, ms);
  if (now > 0) now_ms_ = now;
  AdvanceConsumer advance;
  {
    std::lock_guard lock(mu_);
    advance = advance_consumer_;
  }
  if (advance) advance(ms);
}

void ClockDriver::Advance(int64_t total_ms, int64_t step_ms, std::chrono::milliseconds between) {
  for (int64_t done = 0; done < total_ms;) {
    const int64_t step = std::min(step_ms, total_ms - done);
    Step(step);
    done += step;
    std::function<void(int64_t)> after;
    {
      std::lock_guard lock(mu_);
      after = after_step_;
    }
    if (after) after(now_ms_);
    std::this_thread::sleep_for(between);
  }
}

void ClockDriver::Loop() {
  std::unique_lock lock(mu_);
  while (!quit_) {
    if (!running_) {
      changed_.wait(lock, [&] { return quit_ || running_; });
      continue;
    }
    stepping_ = true;
    const int64_t step = step_ms_;
    const auto every = every_;
    lock.unlock();
    Step(step);
    lock.lock();
    stepping_ = false;
    changed_.notify_all();
    changed_.wait_for(lock, every, [&] { return quit_ || !running_; });
  }
}

// ---- ConsumerScenario -----------------------------------------------------------------------

// A store whose commits wait while its gate is closed: a store that falls behind.
class ConsumerScenario::GatedStore final : public consumer::PostStore {
 public:
  explicit GatedStore(std::unique_ptr<consumer::PostStore> inner) : inner_(std::move(inner)) {}
  void SetOpen(bool open) {
    std::lock_guard lock(mu_);
    open_ = open;
    changed_.notify_all();
  }
  Result<consumer::CommitResult> Commit(const consumer::CommitBatch& batch) override {
    std::unique_lock lock(mu_);
    // Bounded, so a test that forgets to open it fails instead of hanging.
    changed_.wait_for(lock, std::chrono::seconds(120), [&] { return open_; });
    lock.unlock();
    return inner_->Commit(batch);
  }
  Result<std::optional<std::string>> LoadCheckpoint() override { return inner_->LoadCheckpoint(); }
  Result<std::vector<consumer::ReceivedPost>> ReadRange(int64_t from_ms, int64_t to_ms,
                                                        size_t limit) override {
    return inner_->ReadRange(from_ms, to_ms, limit);
  }
  Result<uint64_t> CountPosts() override { return inner_->CountPosts(); }
  std::string Describe() const override { return "gated " + inner_->Describe(); }

 private:
  std::unique_ptr<consumer::PostStore> inner_;
  std::mutex mu_;
  std::condition_variable changed_;
  bool open_ = true;
};

void ConsumerScenario::CloseStoreGate() { gate_->SetOpen(false); }
void ConsumerScenario::OpenStoreGate() { gate_->SetOpen(true); }

std::unique_ptr<ConsumerScenario> ConsumerScenario::Start(const ScenarioOptions& options) {
  std::unique_ptr<ConsumerScenario> s(new ConsumerScenario());
  s->options_ = options;
  s->dir_ = MakeTempDir("sluice-consume");
  TestServerOptions server_options;
  server_options.manual_clock = kClockStart;
  server_options.generator_rate = options.generator_rate;
  server_options.heartbeat_ms = 100;
  // Room for a reconnecting consumer whose dead connections the server has not noticed yet.
  server_options.connection_limit = 4;
  s->server_ = TestServer::Start(server_options);
  if (!s->server_) return nullptr;
  s->proxy_ = FaultProxy::Start(s->server_->port());
  if (!s->proxy_) {
    ADD_FAILURE() << "the fault proxy did not start";
    return nullptr;
  }
  s->consumer_clock_ = std::make_unique<ManualClock>(kClockStartMs);
  ManualClock* clock = s->consumer_clock_.get();
  s->driver_ = std::make_unique<ClockDriver>(s->server_->port(), kClockStartMs,
                                             [clock](int64_t ms) { clock->AdvanceMs(ms); });
  // Long outages are crossed in big steps: let the generator archive each step's posts at that
  // step's time, as a real firehose would have, before moving on.
  ConsumerScenario* raw = s.get();
  s->driver_->SetAfterStep([raw](int64_t now_ms) { raw->WaitGenerated(now_ms); });
  const std::string uri =
      options.store_uri.empty() ? "sqlite:" + (s->dir_ / "posts.db").string() : options.store_uri;
  Result<std::unique_ptr<consumer::PostStore>> store = consumer::OpenStore(uri);
  if (!store.ok()) {
    ADD_FAILURE() << "store " << uri << ": " << store.status().ToString();
    return nullptr;
  }
  s->store_ = std::move(*store);
  if (options.gated_store) {
    auto gated = std::make_unique<GatedStore>(std::move(s->store_));
    s->gate_ = gated.get();
    s->store_ = std::move(gated);
  }
  if (!options.emergency_store_uri.empty()) {
    Result<std::unique_ptr<consumer::PostStore>> emergency =
        consumer::OpenStore(options.emergency_store_uri);
    if (!emergency.ok()) {
      ADD_FAILURE() << "store " << options.emergency_store_uri << ": "
                    << emergency.status().ToString();
      return nullptr;
    }
    s->emergency_store_ = std::move(*emergency);
  }
  return s;
}

ConsumerScenario::~ConsumerScenario() {
  if (gate_) gate_->SetOpen(true);
  if (driver_) driver_->Pause();
  consumer_.reset();
  driver_.reset();
  proxy_.reset();
  server_.reset();
  store_.reset();
  emergency_store_.reset();
  if (!dir_.empty()) std::filesystem::remove_all(dir_);
}

std::string ConsumerScenario::ProxiedUrl() const {
  return "http://127.0.0.1:" + std::to_string(proxy_->port()) + options_.stream_target;
}

void ConsumerScenario::StartConsumer(const std::function<void(consumer::ConsumerOptions&)>& tune) {
  consumer::ConsumerOptions options;
  for (int i = 0; i < options_.connections; ++i) options.urls.push_back(ProxiedUrl());
  options.credentials.user = "alice";
  options.credentials.password = "secret";
  options.stall_timeout_ms = options_.stall_timeout_ms;
  options.connect_timeout_ms = 2000;
  if (options_.recovery_window_ms > 0)
    options.gaps.recovery_window_ms = options_.recovery_window_ms;
  // Real-time back-off at a tenth of the documented schedule: the drops here are many and the
  // schedule itself is checked by its own test.
  options.backoff = consumer::BackoffSchedule{.network_step_ms = 25,
                                              .network_max_ms = 1600,
                                              .http_initial_ms = 500,
                                              .http_max_ms = 32000,
                                              .rate_limit_initial_ms = 6000,
                                              .rate_limit_max_ms = 96000};
  if (tune) tune(options);
  consumer_clock_->SetMs(driver_->now_ms());
  Result<std::unique_ptr<consumer::Consumer>> created =
      consumer::Consumer::Create(options, *store_, emergency_store_.get(), *consumer_clock_);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  consumer_ = std::move(*created);
  const Status started = consumer_->Start();
  ASSERT_TRUE(started.ok()) << started.ToString();
}

void ConsumerScenario::StopConsumer() {
  if (consumer_) consumer_->Stop();
}

bool ConsumerScenario::WaitStreaming(int connections, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (consumer_->Snapshot().connections_streaming >= connections) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

bool ConsumerScenario::StartStreaming(const std::function<void(consumer::ConsumerOptions&)>& tune) {
  StartConsumer(tune);
  if (!consumer_ || !WaitStreaming(options_.connections)) return false;
  driver_->Run(100, std::chrono::milliseconds(10));
  return true;
}

bool ConsumerScenario::WaitStreamTime(int64_t ms) {
  const int64_t until = driver_->now_ms() + ms;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (driver_->now_ms() < until) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

bool ConsumerScenario::CutAllFor(int64_t outage_ms, int64_t step_ms) {
  driver_->Pause();
  proxy_->SetRefuse(true);
  proxy_->DropAll();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (consumer_->Snapshot().connections_streaming != 0) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  driver_->Advance(outage_ms, step_ms);
  proxy_->SetRefuse(false);
  driver_->Run(100, std::chrono::milliseconds(10));
  return true;
}

bool ConsumerScenario::WaitSettled(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int settled_in_a_row = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    const consumer::ConsumerSnapshot s = consumer_->Snapshot();
    const bool settled = s.connections_streaming == options_.connections &&
                         s.recovery_jobs_running == 0 && s.recovery_jobs_waiting == 0 &&
                         s.gaps.empty() && !s.covered.empty();
    settled_in_a_row = settled ? settled_in_a_row + 1 : 0;
    if (settled_in_a_row >= 3) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  return false;
}

namespace {

// A counter or gauge of sluiced's /metrics; -1 when absent.
int64_t ServerMetric(uint16_t port, const std::string& name) {
  const HttpResult r = HttpRequest(port, "GET", "/metrics");
  const std::string key = "\n" + name + " ";
  const size_t at = r.body.find(key);
  if (r.status != 200 || at == std::string::npos) return -1;
  return std::stoll(r.body.substr(at + key.size()));
}

}  // namespace

int64_t ConsumerScenario::PostsDue(int64_t now_ms) const {
  // The generator makes every post due by the clock, however far the clock jumped (PostPacer).
  if (options_.generator_rate <= 0) return 0;
  return static_cast<int64_t>(std::floor(static_cast<double>(now_ms - kClockStartMs) *
                                         options_.generator_rate / 1000.0)) +
         1;
}

bool ConsumerScenario::WaitGenerated(int64_t now_ms, bool and_fanned_out) {
  const int64_t due = PostsDue(now_ms);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline) {
    if (ServerMetric(server_->port(), "sluice_ingest_posts_total") >= due &&
        (!and_fanned_out || ServerMetric(server_->port(), "sluice_fanout_queued_bytes") == 0)) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ADD_FAILURE() << "sluiced did not finish generating the " << due << " posts due";
  return false;
}

bool ConsumerScenario::WaitServerIdle(int64_t frozen_ms) {
  return WaitGenerated(frozen_ms, /*and_fanned_out=*/true);
}

int64_t ConsumerScenario::FreezeAndStop() {
  driver_->Pause();
  const int64_t frozen = driver_->now_ms();
  if (!WaitServerIdle(frozen)) return -1;
  // Every post is in the connections' queues now. A connection that then delivers heartbeats
  // has delivered everything before them; the third one was certainly sent after this point.
  const std::vector<uint64_t> before = consumer_->Snapshot().heartbeats;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  bool caught_up = false;
  while (!caught_up && std::chrono::steady_clock::now() < deadline) {
    const consumer::ConsumerSnapshot s = consumer_->Snapshot();
    caught_up = s.gaps.empty() && s.recovery_jobs_running == 0 && s.recovery_jobs_waiting == 0 &&
                s.heartbeats.size() == before.size();
    for (size_t i = 0; caught_up && i < before.size(); ++i) {
      caught_up = s.heartbeats[i] >= before[i] + 3;
    }
    if (!caught_up) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  StopConsumer();
  if (!caught_up) {
    ADD_FAILURE() << "the consumer did not catch up with the frozen clock\n" << EventsText();
    return -1;
  }
  return frozen;
}

std::vector<uint64_t> ConsumerScenario::StopAndReadGroundTruth() {
  const int64_t frozen = FreezeAndStop();
  if (frozen <= 0) return {};
  // One more millisecond so the recovery's endTime may include the frozen instant.
  if (AdvanceClock(server_->port(), 1) <= 0) {
    ADD_FAILURE() << "the server's clock did not move";
    return {};
  }
  return Sorted(GroundTruth(kClockStartMs - 60000, frozen + 1));
}

std::vector<uint64_t> ConsumerScenario::GroundTruth(int64_t from_ms, int64_t to_ms) {
  const std::string sep = options_.stream_target.find('?') == std::string::npos ? "?" : "&";
  auto client = StreamClient::Open(
      server_->port(),
      options_.stream_target + sep + "startTime=" + IsoMs(from_ms) + "&endTime=" + IsoMs(to_ms),
      "alice", "secret", false);
  EXPECT_EQ(client->status(), 200) << client->error_body();
  StreamEnd end = ReadToEnd(*client, std::chrono::seconds(60));
  EXPECT_TRUE(end.ended_cleanly) << "the ground-truth recovery did not complete";
  EXPECT_EQ(ActivityCount(end.last_message), static_cast<int64_t>(end.posts.size()));
  return end.posts;
}

std::string ConsumerScenario::EventsText() const {
  std::string text;
  if (!consumer_) return text;
  for (const consumer::ConsumerEvent& e : consumer_->events().Snapshot()) {
    text += consumer::EventLog::Describe(e) + "\n";
  }
  return text;
}

// ---- ConsumerProcess ------------------------------------------------------------------------

std::unique_ptr<ConsumerProcess> ConsumerProcess::Start(const std::vector<std::string>& args,
                                                        int64_t clock_ms,
                                                        const std::filesystem::path& log_path) {
  std::unique_ptr<ConsumerProcess> p(new ConsumerProcess());
  p->log_path_ = log_path;
  // Earlier runs append to the same log: look only at what this one writes.
  std::error_code size_error;
  const uintmax_t size = std::filesystem::file_size(log_path, size_error);
  const size_t from = size_error ? 0 : static_cast<size_t>(size);
  std::vector<std::string> argv_strings = {SLUICE_PATH, "consume"};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  argv_strings.push_back("--metrics-listen");
  argv_strings.push_back("127.0.0.1:0");
  argv_strings.push_back("--manual-clock");
  argv_strings.push_back(FormatIsoMs(clock_ms));
  const pid_t pid = fork();
  if (pid == 0) {
    const int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(log, 1);
    dup2(log, 2);
    setenv("SLUICE_USER", "alice", 1);
    setenv("SLUICE_PASSWORD", "secret", 1);
    std::vector<char*> argv;
    for (std::string& arg : argv_strings) argv.push_back(arg.data());
    argv.push_back(nullptr);
    execv(SLUICE_PATH, argv.data());
    _exit(127);
  }
  p->pid_ = pid;
  const std::string marker = "sluice consume metrics on ";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string log = p->Log();
    const size_t at = log.find(marker, from);
    if (at != std::string::npos) {
      const size_t colon = log.find(':', at + marker.size());
      const size_t end = log.find('\n', colon);
      if (colon != std::string::npos && end != std::string::npos) {
        p->metrics_port_ = static_cast<uint16_t>(std::stoi(log.substr(colon + 1, end - colon - 1)));
        return p;
      }
    }
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      p->pid_ = -1;
      ADD_FAILURE() << "sluice consume exited at start:\n" << log;
      return nullptr;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ADD_FAILURE() << "sluice consume did not start:\n" << p->Log();
  return nullptr;
}

ConsumerProcess::~ConsumerProcess() {
  if (pid_ > 0) Signal(SIGKILL);
}

int ConsumerProcess::Signal(int signal) {
  if (pid_ <= 0) return -1;
  kill(pid_, signal);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return status;
}

void ConsumerProcess::AdvanceClock(int64_t ms) const {
  HttpRequest(metrics_port_, "POST", "/debug/clock?advance_ms=" + std::to_string(ms));
}

std::string ConsumerProcess::Status() const {
  const HttpResult r = HttpRequest(metrics_port_, "GET", "/status");
  return r.status == 200 ? r.body : std::string();
}

std::string ConsumerProcess::Log() const {
  std::ifstream in(log_path_);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<uint64_t> IdsIn(consumer::PostStore& store) {
  Result<std::vector<consumer::ReceivedPost>> posts = store.ReadRange(
      std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(), 100000000);
  EXPECT_TRUE(posts.ok()) << posts.status().ToString();
  std::vector<uint64_t> ids;
  if (posts.ok()) {
    for (const consumer::ReceivedPost& post : *posts) ids.push_back(post.id);
  }
  return ids;
}

std::vector<uint64_t> Sorted(std::vector<uint64_t> ids) {
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::vector<uint64_t> Repeated(std::vector<uint64_t> ids) {
  std::sort(ids.begin(), ids.end());
  std::vector<uint64_t> repeated;
  for (size_t i = 1; i < ids.size(); ++i) {
    if (ids[i] == ids[i - 1] && (repeated.empty() || repeated.back() != ids[i])) {
      repeated.push_back(ids[i]);
    }
  }
  return repeated;
}

// Freezes the clocks, stops the consumer and compares its store with the archive.
void ExpectStoreEqualsGroundTruth(ConsumerScenario& s) {
  const std::vector<uint64_t> want = s.StopAndReadGroundTruth();
  ASSERT_FALSE(want.empty()) << "the scenario produced no posts";
  const std::vector<uint64_t> stored = s.StoredIds();
  EXPECT_TRUE(Repeated(stored).empty()) << "a post is stored twice";
  const std::vector<uint64_t> have = Sorted(stored);
  std::vector<uint64_t> missing, extra;
  std::set_difference(want.begin(), want.end(), have.begin(), have.end(),
                      std::back_inserter(missing));
  std::set_difference(have.begin(), have.end(), want.begin(), want.end(),
                      std::back_inserter(extra));
  EXPECT_TRUE(missing.empty()) << missing.size() << " of " << want.size()
                               << " posts of the stream are not in the store\n"
                               << s.EventsText();
  EXPECT_TRUE(extra.empty()) << extra.size() << " stored posts are not in the stream";
  EXPECT_EQ(s.consumer().events().OfType(consumer::EventType::kCountDiscrepancy).size(), 0u)
      << "inbound, unique and stored disagree\n"
      << s.EventsText();
}

}  // namespace sluice::testing
