// server_bench: the end-to-end figures of bench/RESULTS.md, measured against the real sluiced
// (Release build) on 127.0.0.1 with load clients implemented here (bench/support). Prints one
// JSON object per line on stdout: every run, then the median of the runs, of each figure;
// progress and errors go to stderr. bench/run-all turns them into tables.
//
//   server_bench [--only ingest,fanout,gzip,idle,recovery,ttfb,ingest_recovery,rules_api,
//                        ingest_rules] [--runs 3]
//                [--window-ms 3000] [--warmup-ms 1000] [--sluiced PATH]
//                [--ingest-rate 1000000] [--ingest-target-rate 165000]
//                [--fanout-connections 1000] [--fanout-rate 14000]
//                [--fanout-saturated-rate 30000]
//                [--gzip-connections 100] [--gzip-rate 20000] [--idle-connections 10000]
//                [--replay-sparse-rate 100] [--replay-dense-rate 10000]
//                [--ttfb-connections 50] [--recovery-jobs 2]
//                [--rules 250000] [--rules-batch 5000] [--rules-streams 4] [--rules-runs 1]
//                [--rules-distinct 0]
//
// The first line (figure "config") echoes the settings. Figures (JSON "figure" names):
//   ingest, ingest_at_target   generator → archive → 8 gzip connections of the demo's streams,
//                              the generator unbounded (back-pressure only) or at the target
//                              + 10 % (a server that sustains it ingests at least the target)
//   fanout, fanout_saturated   1,000 plain connections of one Decahose partition, at a rate they
//                              keep up with, and at one beyond what the server can deliver
//   fanout_writev_baseline     the bare writev loop to 1,000 sockets, read by the same client
//   delivery_cpu_plain/_gzip   server CPU per delivered post, 100 plain or gzip connections
//   idle_memory                RSS per idle connection, 10,000 connections
//   replay_archive             the archive the replay figures share (built once, first): an hour
//                              of generated posts, the last 5 minutes at the dense rate
//   archive_read               baseline: its segment files read with 1 MiB preads
//   recovery                   one recovery of that hour, one plain Decahose partition client
//   backfill_ttfb              time to first post of backfillMinutes=5, generator at the dense
//                              rate (all runs right after the build: the five minutes must
//                              start in the dense part)
//   ingest_with_recovery       the ingest figure with 2 recoveries of the hour running beside
//   rules_corpus               the rule set of the rules figures (support/rule_corpus.h), made once
//   rules_api                  time to add it to one empty PowerTrack stream through the Rules
//                              API, --rules-batch rules a POST, one POST after the other
//   ingest_with_rules          the ingest figure (generator unbounded) on a config of
//                              --rules-streams PowerTrack streams each holding the rule set (added
//                              through the API once, before the runs, by a server that then
//                              stopped), two gzip connections on each stream; with
//                              --rules-distinct 1, each stream gets its own rule set (seeds 1…)
// The rules figures run in the first --rules-runs runs only: loading a million rules costs more
// than a window, and run-all has a time budget.
#include <signal.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/figures.h"
#include "support/replay_figures.h"
#include "support/report.h"
#include "support/rule_corpus.h"
#include "support/rules_figures.h"
#include "support/temp_dir.h"

namespace sluice::bench {
namespace {

struct Options {
  BenchEnv env;
  std::set<std::string> only = {"ingest", "fanout",          "gzip",      "idle",        "recovery",
                                "ttfb",   "ingest_recovery", "rules_api", "ingest_rules"};
  int runs = 3;
  double ingest_rate = 1000000;        // the configuration's maximum: back-pressure limits it
  double ingest_target_rate = 165000;  // the target (150,000) + 10 %
  int fanout_connections = 1000;
  // Posts of 2.9 KB, 5 % of them in the partition: 14,000/s offer 2 GB/s to 1,000 connections,
  // 30,000/s offer 4.3 GB/s, more than this machine's loopback carries.
  double fanout_rate = 14000;
  double fanout_saturated_rate = 30000;
  int gzip_connections = 100;
  double gzip_rate = 20000;
  int idle_connections = 10000;
  // The replay archive: an hour at the sparse rate, its last 5 minutes at the dense rate (the
  // backfill figure's stream receives that many posts/s).
  double replay_sparse_rate = 100;
  double replay_dense_rate = 10000;
  int ttfb_connections = 50;
  int recovery_jobs = 2;
  // The rules figures: rules a stream, rules a POST, PowerTrack streams of ingest_rules.
  int rules = 250000;
  int rules_batch = 5000;
  int rules_streams = 4;
  int rules_runs = 1;
  // 0: every stream of ingest_rules holds the same rules (sluiced indexes a rule value that
  // several streams hold once); 1: each its own.
  int rules_distinct = 0;
};

constexpr uint64_t kRuleCorpusSeed = 1;

constexpr int64_t kDenseArchiveMs = 5 * 60'000;

// A whole, non-negative number (rates may be fractional); false for anything else.
bool ParseNumber(const std::string& text, double* out) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !(v >= 0) || v > 1e12) return false;
  *out = v;
  return true;
}

bool ParseOptions(int argc, char** argv, Options* o) {
  using std::chrono::milliseconds;
  // Each flag's setter; false when its value is bad.
  std::map<std::string, std::function<bool(const std::string&)>> flags;
  auto number = [&](const char* name, auto setter) {
    flags[name] = [setter](const std::string& v) {
      double d = 0;
      if (!ParseNumber(v, &d)) return false;
      setter(d);
      return true;
    };
  };
  number("--runs", [o](double v) { o->runs = static_cast<int>(v); });
  number("--window-ms", [o](double v) { o->env.window = milliseconds(static_cast<int64_t>(v)); });
  number("--warmup-ms", [o](double v) { o->env.warmup = milliseconds(static_cast<int64_t>(v)); });
  number("--ingest-rate", [o](double v) { o->ingest_rate = v; });
  number("--ingest-target-rate", [o](double v) { o->ingest_target_rate = v; });
  number("--fanout-connections", [o](double v) { o->fanout_connections = static_cast<int>(v); });
  number("--fanout-rate", [o](double v) { o->fanout_rate = v; });
  number("--fanout-saturated-rate", [o](double v) { o->fanout_saturated_rate = v; });
  number("--gzip-connections", [o](double v) { o->gzip_connections = static_cast<int>(v); });
  number("--gzip-rate", [o](double v) { o->gzip_rate = v; });
  number("--idle-connections", [o](double v) { o->idle_connections = static_cast<int>(v); });
  number("--replay-sparse-rate", [o](double v) { o->replay_sparse_rate = v; });
  number("--replay-dense-rate", [o](double v) { o->replay_dense_rate = v; });
  number("--ttfb-connections", [o](double v) { o->ttfb_connections = static_cast<int>(v); });
  number("--recovery-jobs", [o](double v) { o->recovery_jobs = static_cast<int>(v); });
  number("--rules", [o](double v) { o->rules = static_cast<int>(v); });
  number("--rules-batch", [o](double v) { o->rules_batch = static_cast<int>(v); });
  number("--rules-streams", [o](double v) { o->rules_streams = static_cast<int>(v); });
  number("--rules-runs", [o](double v) { o->rules_runs = static_cast<int>(v); });
  number("--rules-distinct", [o](double v) { o->rules_distinct = v > 0 ? 1 : 0; });
  flags["--sluiced"] = [o](const std::string& v) {
    o->env.sluiced = v;
    return !v.empty();
  };
  flags["--only"] = [o](const std::string& v) {
    o->only.clear();
    std::stringstream list(v);
    for (std::string item; std::getline(list, item, ',');) o->only.insert(item);
    return !o->only.empty();
  };
  for (int i = 1; i < argc; ++i) {
    const auto flag = flags.find(argv[i]);
    if (flag == flags.end() || i + 1 >= argc) {
      std::cerr << "server_bench: unknown flag or missing value: " << argv[i] << "\n";
      return false;
    }
    if (!flag->second(argv[i + 1])) {
      std::cerr << "server_bench: bad value for " << argv[i] << ": " << argv[i + 1] << "\n";
      return false;
    }
    ++i;
  }
  if (o->runs < 1 || o->runs > 20 || o->fanout_connections < 1 || o->gzip_connections < 1 ||
      o->idle_connections < 1 || o->ttfb_connections < 1 || o->recovery_jobs < 1 ||
      o->replay_dense_rate <= 0 || o->rules < 1 || o->rules_batch < 1 || o->rules_streams < 1 ||
      o->rules_streams > 100) {
    std::cerr << "server_bench: --runs must be 1-20, connection, rule and stream counts at "
                 "least 1 (at most 100 rules streams)\n";
    return false;
  }
  return true;
}

// Raises this process's descriptor limit to its hard limit; returns the new soft limit.
rlim_t RaiseDescriptorLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
  getrlimit(RLIMIT_NOFILE, &limit);
  return limit.rlim_cur;
}

class Reporter {
 public:
  void Run(const std::string& figure, int run, const Result<Sample>& sample) {
    if (!sample.ok()) {
      Sample error;
      error.AddText("error", sample.status().message());
      Print(figure, "error", error);
      std::cerr << "server_bench: " << figure << " run " << run << ": " << sample.status().message()
                << "\n";
      failed_ = true;
      return;
    }
    Print(figure, std::to_string(run), *sample);
    runs_[figure].push_back(*sample);
  }
  void Medians() {
    for (const auto& [figure, runs] : runs_) Print(figure, "median", Median(runs));
  }
  bool failed() const { return failed_; }

 private:
  void Print(const std::string& figure, const std::string& run, const Sample& sample) {
    std::printf("%s\n", JsonLine(figure, run, sample).c_str());
    std::fflush(stdout);
  }
  std::map<std::string, std::vector<Sample>> runs_;
  bool failed_ = false;
};

int Main(int argc, char** argv) {
  Options o;
  o.env.sluiced = SLUICED_PATH;
  if (!ParseOptions(argc, argv, &o)) return 2;
  // A reader closing first must show up as EPIPE from writev, not kill the benchmark.
  ::signal(SIGPIPE, SIG_IGN);
  const rlim_t nofile = RaiseDescriptorLimit();
  const int needed = std::max(o.idle_connections, o.fanout_connections) + 64;
  if (nofile < static_cast<rlim_t>(needed)) {
    std::cerr << "server_bench: RLIMIT_NOFILE hard limit " << nofile << " is below the " << needed
              << " descriptors needed; raise it (ulimit -Hn) or lower the connection counts\n";
    return 2;
  }
  Reporter reporter;
  Sample config;
  config.Add("runs", o.runs);
  config.Add("window_ms", static_cast<double>(o.env.window.count()));
  config.Add("warmup_ms", static_cast<double>(o.env.warmup.count()));
  config.Add("ingest_rate", o.ingest_rate);
  config.Add("ingest_target_rate", o.ingest_target_rate);
  config.Add("fanout_connections", o.fanout_connections);
  config.Add("fanout_rate", o.fanout_rate);
  config.Add("fanout_saturated_rate", o.fanout_saturated_rate);
  config.Add("gzip_connections", o.gzip_connections);
  config.Add("gzip_rate", o.gzip_rate);
  config.Add("idle_connections", o.idle_connections);
  config.Add("replay_sparse_rate", o.replay_sparse_rate);
  config.Add("replay_dense_rate", o.replay_dense_rate);
  config.Add("ttfb_connections", o.ttfb_connections);
  config.Add("recovery_jobs", o.recovery_jobs);
  config.Add("rules", o.rules);
  config.Add("rules_batch", o.rules_batch);
  config.Add("rules_streams", o.rules_streams);
  config.Add("rules_runs", o.rules_runs);
  config.Add("rules_distinct", o.rules_distinct);
  config.AddText("sluiced", o.env.sluiced);
  std::printf("%s\n", JsonLine("config", "-", config).c_str());
  std::fflush(stdout);

  // The replay figures' archive, built once (in TMPDIR) and cloned into each run's data dir.
  const bool replay =
      o.only.count("recovery") || o.only.count("ttfb") || o.only.count("ingest_recovery");
  std::optional<TempDir> replay_dir;
  std::optional<ReplayArchive> archive;
  if (replay) {
    std::cerr << "server_bench: building the replay archive\n";
    Result<TempDir> dir = TempDir::Make("sluice-replay");
    Result<ReplayArchive> built = dir.ok()
                                      ? BuildReplayArchive(dir->path(), o.replay_sparse_rate,
                                                           o.replay_dense_rate, kDenseArchiveMs)
                                      : Result<ReplayArchive>(dir.status());
    if (!built.ok()) {
      reporter.Run("replay_archive", 1, built.status());
    } else {
      replay_dir.emplace(std::move(*dir));
      archive = *built;
      Sample made;
      made.Add("records", static_cast<double>(archive->made.records));
      made.Add("MB", static_cast<double>(archive->made.bytes) / 1e6);
      made.Add("build_s", archive->made.seconds);
      made.Add("hour_start_ms", static_cast<double>(archive->start_ms));
      made.Add("dense_start_ms", static_cast<double>(archive->dense_start_ms));
      reporter.Run("replay_archive", 1, made);
    }
  }
  // Every backfill run first: its five minutes must still lie in the archive's dense part.
  for (int run = 1; archive && o.only.count("ttfb") && run <= o.runs; ++run) {
    std::cerr << "server_bench: backfill time to first post, run " << run << "\n";
    reporter.Run("backfill_ttfb", run, RunBackfillTtfb(o.env, *archive, o.ttfb_connections));
  }
  // Then every recovery run, while the archive is in the page cache (this VM's DAMON reclaims
  // pages idle for ~30 s); the baseline just before each also brings back what it lost.
  for (int run = 1; archive && o.only.count("recovery") && run <= o.runs; ++run) {
    std::cerr << "server_bench: recovery, run " << run << "\n";
    reporter.Run("archive_read", run, RunArchiveRead(*archive));
    reporter.Run("recovery", run, RunRecovery(o.env, *archive));
  }
  // The rules figures' rule set (one per stream with --rules-distinct), and the data dir of
  // ingest_rules with them on its streams.
  const bool rules_api = o.only.count("rules_api") > 0;
  const bool ingest_rules = o.only.count("ingest_rules") > 0;
  std::vector<RuleCorpus> corpora;
  std::optional<RulesDataDir> rules_dir;
  if (rules_api || ingest_rules) {
    const int count = ingest_rules && o.rules_distinct ? o.rules_streams : 1;
    std::cerr << "server_bench: making " << count << " × " << o.rules << " rules\n";
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < count; ++i) {
      corpora.push_back(RuleCorpus::Make(static_cast<size_t>(o.rules), kRuleCorpusSeed + i));
    }
    Sample made;
    made.Add("rules", static_cast<double>(corpora[0].rules.size()));
    made.Add("sets", count);
    made.Add("make_s",
             std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    made.AddText("mix", corpora[0].MixSummary());
    reporter.Run("rules_corpus", 1, made);
  }
  const RulesUpload upload{corpora.empty() ? nullptr : &corpora[0],
                           static_cast<size_t>(o.rules_batch)};
  if (ingest_rules) {
    std::cerr << "server_bench: adding the rules to " << o.rules_streams << " streams\n";
    std::vector<const RuleCorpus*> per_stream;
    for (int i = 0; i < o.rules_streams; ++i) per_stream.push_back(&corpora[i % corpora.size()]);
    Result<RulesDataDir> prepared = PrepareRulesDataDir(o.env, per_stream);
    if (prepared.ok()) {
      rules_dir.emplace(std::move(*prepared));
    } else {
      reporter.Run("ingest_with_rules", 1, prepared.status());
    }
  }
  for (int run = 1; run <= o.runs; ++run) {
    // Runs of different figures interleave, so a drift of the machine affects all alike.
    std::cerr << "server_bench: run " << run << " of " << o.runs << "\n";
    if (archive && o.only.count("ingest_recovery")) {
      reporter.Run("ingest_with_recovery", run,
                   RunIngestWithRecovery(o.env, *archive, o.ingest_rate, o.recovery_jobs));
    }
    if (o.only.count("ingest")) {
      reporter.Run("ingest", run, RunIngest(o.env, o.ingest_rate));
      reporter.Run("ingest_at_target", run, RunIngest(o.env, o.ingest_target_rate));
    }
    if (rules_dir && run <= o.rules_runs) {
      reporter.Run("ingest_with_rules", run, RunIngestWithRules(o.env, *rules_dir, o.ingest_rate));
    }
    if (rules_api && run <= o.rules_runs) {
      reporter.Run("rules_api", run, RunRulesApi(o.env, upload));
    }
    if (run == o.rules_runs) rules_dir.reset();  // its million rules' logs
    if (o.only.count("fanout")) {
      reporter.Run("fanout_writev_baseline", run, RunWritevBaseline(o.env, o.fanout_connections));
      reporter.Run("fanout", run, RunFanout(o.env, o.fanout_connections, o.fanout_rate));
      reporter.Run("fanout_saturated", run,
                   RunFanout(o.env, o.fanout_connections, o.fanout_saturated_rate));
    }
    if (o.only.count("gzip")) {
      reporter.Run("delivery_cpu_plain", run,
                   RunDeliveryCpu(o.env, o.gzip_connections, o.gzip_rate, /*gzip=*/false));
      reporter.Run("delivery_cpu_gzip", run,
                   RunDeliveryCpu(o.env, o.gzip_connections, o.gzip_rate, /*gzip=*/true));
    }
    if (o.only.count("idle")) {
      reporter.Run("idle_memory", run, RunIdle(o.env, o.idle_connections));
    }
  }
  reporter.Medians();
  return reporter.failed() ? 1 : 0;
}

}  // namespace
}  // namespace sluice::bench

int main(int argc, char** argv) { return sluice::bench::Main(argc, argv); }
