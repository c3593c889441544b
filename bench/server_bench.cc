// server_bench: the end-to-end figures of bench/RESULTS.md, measured against the real sluiced
// (Release build) on 127.0.0.1 with load clients implemented here (bench/support). Prints one
// JSON object per line on stdout: every run, then the median of the runs, of each figure;
// progress and errors go to stderr. bench/run-all turns them into tables.
//
//   server_bench [--only ingest,fanout,gzip,idle] [--runs 3] [--window-ms 3000]
//                [--warmup-ms 1000] [--sluiced PATH]
//                [--ingest-rate 1000000] [--ingest-target-rate 165000]
//                [--fanout-connections 1000] [--fanout-rate 14000]
//                [--fanout-saturated-rate 30000]
//                [--gzip-connections 100] [--gzip-rate 20000] [--idle-connections 10000]
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
#include <signal.h>
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/figures.h"
#include "support/report.h"

namespace sluice::bench {
namespace {

struct Options {
  BenchEnv env;
  std::set<std::string> only = {"ingest", "fanout", "gzip", "idle"};
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
};

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
      o->idle_connections < 1) {
    std::cerr << "server_bench: --runs must be 1-20 and connection counts at least 1\n";
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
  config.AddText("sluiced", o.env.sluiced);
  std::printf("%s\n", JsonLine("config", "-", config).c_str());
  for (int run = 1; run <= o.runs; ++run) {
    // Runs of different figures interleave, so a drift of the machine affects all alike.
    std::cerr << "server_bench: run " << run << " of " << o.runs << "\n";
    if (o.only.count("ingest")) {
      reporter.Run("ingest", run, RunIngest(o.env, o.ingest_rate));
      reporter.Run("ingest_at_target", run, RunIngest(o.env, o.ingest_target_rate));
    }
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
