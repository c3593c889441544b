// `sluice consume` as a process (issue 5, scenario d): killed with SIGKILL and started again ten
// (simulated) minutes later on the same store, it recovers its own downtime from the coverage
// checkpoint, and the store ends up holding exactly the stream.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <fstream>
#include <thread>

#include "consumer/store_uri.h"
#include "support/consumer_scenario.h"
#include "support/replay_support.h"

namespace sluice::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

bool Contains(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

// Polls /status until `pred` holds three times in a row.
bool WaitStatus(const ConsumerProcess& p, const std::function<bool(const std::string&)>& pred) {
  const auto deadline = std::chrono::steady_clock::now() + seconds(90);
  int in_a_row = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    in_a_row = pred(p.Status()) ? in_a_row + 1 : 0;
    if (in_a_row >= 3) return true;
    std::this_thread::sleep_for(milliseconds(250));
  }
  return false;
}

// The "heartbeats":[…] of a /status body.
std::vector<uint64_t> Heartbeats(const std::string& status) {
  std::vector<uint64_t> counts;
  const std::string key = "\"heartbeats\":[";
  size_t at = status.find(key);
  if (at == std::string::npos) return counts;
  at += key.size();
  while (at < status.size() && status[at] != ']') {
    size_t used = 0;
    counts.push_back(std::stoull(status.substr(at), &used));
    at += used;
    if (at < status.size() && status[at] == ',') ++at;
  }
  return counts;
}

bool Settled(const std::string& status) {
  return Contains(status, "\"connections_streaming\":2") &&
         Contains(status, "\"recovery_jobs_running\":0") &&
         Contains(status, "\"recovery_jobs_waiting\":0") && Contains(status, "\"gaps\":[]") &&
         !Contains(status, "\"covered\":[]");
}

TEST(ConsumerProcessTest, KilledAndRestartedTenMinutesLaterRecoversItsDowntime) {
  auto s = ConsumerScenario::Start({.generator_rate = 200});
  ASSERT_TRUE(s);
  const std::string db = (s->dir() / "consumed.db").string();
  const std::string url = s->ProxiedUrl();
  const std::vector<std::string> args = {
      "--url", url, "--url", url, "--store", "sqlite:" + db, "--stall-timeout-ms", "1000"};
  const std::filesystem::path log = s->dir() / "consume.log";
  std::unique_ptr<ConsumerProcess> p = ConsumerProcess::Start(args, s->driver().now_ms(), log);
  ASSERT_TRUE(p);
  s->driver().SetConsumer([&p](int64_t ms) { p->AdvanceClock(ms); });
  ASSERT_TRUE(WaitStatus(*p, [](const std::string& st) {
    return Contains(st, "\"connections_streaming\":2");
  })) << p->Log();
  s->driver().Run(100, milliseconds(10));
  std::this_thread::sleep_for(milliseconds(800));
  s->driver().Pause();
  const int killed = p->Signal(SIGKILL);
  ASSERT_TRUE(WIFSIGNALED(killed) && WTERMSIG(killed) == SIGKILL);
  s->driver().SetConsumer(nullptr);

  s->driver().Advance(10 * 60000, 10000);
  p = ConsumerProcess::Start(args, s->driver().now_ms(), log);
  ASSERT_TRUE(p);
  s->driver().SetConsumer([&p](int64_t ms) { p->AdvanceClock(ms); });
  s->driver().Run(100, milliseconds(10));
  ASSERT_TRUE(WaitStatus(*p, Settled)) << p->Status() << "\n" << p->Log();
  s->driver().Pause();
  const int64_t frozen = s->driver().now_ms();
  ASSERT_TRUE(s->WaitServerIdle(frozen));
  // Then three more heartbeats on each connection: everything before them has arrived.
  const std::vector<uint64_t> before = Heartbeats(p->Status());
  ASSERT_EQ(before.size(), 2u) << p->Status();
  ASSERT_TRUE(WaitStatus(*p,
                         [&](const std::string& status) {
                           const std::vector<uint64_t> now = Heartbeats(status);
                           return Settled(status) && now.size() == 2 && now[0] >= before[0] + 3 &&
                                  now[1] >= before[1] + 3;
                         }))
      << "caught up with the frozen clock\n"
      << p->Log();
  // `--status` prints the running consumer's summary.
  const std::string status_command =
      std::string(SLUICE_PATH) +
      " consume --status --metrics-listen 127.0.0.1:" + std::to_string(p->metrics_port()) + " 2>&1";
  std::string table;
  if (FILE* out = popen(status_command.c_str(), "r")) {
    char buffer[4096];
    while (size_t n = fread(buffer, 1, sizeof buffer, out)) table.append(buffer, n);
    EXPECT_EQ(pclose(out), 0) << table;
  }
  EXPECT_TRUE(Contains(table, "connections streaming       2 of 2")) << table;
  EXPECT_TRUE(Contains(table, "gaps (0)")) << table;
  const int stopped = p->Signal(SIGTERM);
  ASSERT_TRUE(WIFEXITED(stopped) && WEXITSTATUS(stopped) == 0) << p->Log();
  EXPECT_TRUE(Contains(p->Log(), "recovery_completed")) << "the downtime came by recovery";

  ASSERT_GT(AdvanceClock(s->server().port(), 1), 0);
  const std::vector<uint64_t> truth = Sorted(s->GroundTruth(kClockStartMs - 60000, frozen + 1));
  Result<std::unique_ptr<consumer::PostStore>> store = consumer::OpenStore("sqlite:" + db);
  ASSERT_TRUE(store.ok());
  const std::vector<uint64_t> stored = IdsIn(**store);
  EXPECT_TRUE(Repeated(stored).empty());
  ASSERT_FALSE(truth.empty());
  EXPECT_EQ(Sorted(stored), truth) << "store == ground truth after kill -9 and restart";
}

}  // namespace
}  // namespace sluice::testing

namespace sluice::testing {
namespace {

struct CommandResult {
  int exit_code = -1;
  std::string output;
};

CommandResult RunSluice(const std::string& args) {
  CommandResult result;
  FILE* out = popen((std::string(SLUICE_PATH) + " " + args + " 2>&1").c_str(), "r");
  if (!out) return result;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, out)) result.output.append(buffer, n);
  const int status = pclose(out);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

TEST(ConsumeCommandTest, UsageErrorsAreSpecificAndExitWithTwo) {
  const std::filesystem::path dir = MakeTempDir("sluice-consume-cli");
  struct Case {
    std::string args;
    std::string says;
  };
  std::ofstream(dir / "bad.toml") << "[consume]\nurls = [\"http://127.0.0.1:1/x\"]\nstor = \"x\"\n";
  std::ofstream(dir / "creds.toml") << "user = \"u\"\npasword = \"p\"\n";
  const std::vector<Case> cases = {
      {"consume --store sqlite:" + (dir / "a.db").string(), "give at least one --url"},
      {"consume --url http://127.0.0.1:1/x", "give --store"},
      {"consume --url http://127.0.0.1:1/x --store mysql:db", "--store"},
      {"consume --url http://127.0.0.1:1/x --store sqlite:" + (dir / "a.db").string() +
           " --dialect v3",
       "--dialect is enterprise or v2, not v3"},
      {"consume --config " + (dir / "bad.toml").string(), "stor"},
      {"consume --url http://127.0.0.1:1/x --store sqlite:" + (dir / "a.db").string() +
           " --credentials-file " + (dir / "creds.toml").string(),
       "pasword"},
      {"consume --url ftp://127.0.0.1/x --store sqlite:" + (dir / "a.db").string(),
       "not an http(s) URL"},
      {"consume --status", "--status needs the running consumer's --metrics-listen"},
      {"reconcile --from sqlite:" + (dir / "a.db").string() + " --to sqlite:" +
           (dir / "b.db").string() + " --start 2026-11-23T10:00:00Z --end 2026-11-23T09:00:00Z",
       "--start must be before --end"},
  };
  for (const Case& c : cases) {
    const CommandResult r = RunSluice(c.args);
    EXPECT_EQ(r.exit_code, 2) << c.args << "\n" << r.output;
    EXPECT_NE(r.output.find(c.says), std::string::npos) << c.args << "\n" << r.output;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sluice::testing
