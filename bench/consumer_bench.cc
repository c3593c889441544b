// consumer_bench: the consumer figures of bench/RESULTS.md (section (i)). The library behind
// `sluice consume` (src/consumer) reads K redundant connections from a StreamFeeder on 127.0.0.1
// (bench/support/stream_feeder.h: pre-generated posts written as fast as the sockets take them,
// plain chunked, no gzip), so that the consumer, not a server, is what is measured. Prints one
// JSON object per line on stdout: every run, then the median of the runs, of each figure;
// progress and errors go to stderr. bench/run-all turns them into a table.
//
//   consumer_bench [--only sqlite,discard,postgres,reconnect] [--runs 3] [--posts 150000]
//                  [--pg-posts 50000] [--connections 2] [--batch-posts 2000]
//                  [--reconnect-trials 10] [--timeout-s 30]
//
// Figures (JSON "figure" names):
//   feed                 the posts every connection receives (PostGenerator, seed 7)
//   sqlite_store         baseline: SqliteStore::Commit alone of the same posts, --batch-posts a
//                        commit (the store-only ceiling)
//   sqlite_consumer      Consumer → SqliteStore, --connections connections each carrying every
//                        post: posts/s from Start() until the last distinct post is committed
//   discard_consumer     the same into a store that keeps nothing (DiscardingStore): what the
//                        consumer's engine thread alone can do
//   postgres_store, postgres_consumer   the same with PostgresStore and --pg-posts posts, on a
//                        throwaway server (tests/support/postgres_server.h); when it cannot
//                        start, one "postgres_skipped" line says why
//   reconnect            per trial: the feeder goes away and comes back while the consumer's
//                        network back-off is at its first step (see RunReconnect)
//   reconnect_summary    median and max over the trials
// Database files go to TMPDIR and are removed after each measurement.
#include <signal.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "base/clock.h"
#include "consumer/postgres_store.h"
#include "consumer/sqlite_store.h"
#include "support/consumer_figures.h"
#include "support/post_feed.h"
#include "support/postgres_server.h"
#include "support/report.h"
#include "support/temp_dir.h"

namespace sluice::bench {
namespace {

struct Options {
  std::set<std::string> only = {"sqlite", "discard", "postgres", "reconnect"};
  int runs = 3;
  size_t posts = 150000;
  size_t pg_posts = 50000;
  int connections = 2;
  size_t batch_posts = 2000;  // the consumer's default batch_max_posts
  int reconnect_trials = 10;
  int timeout_s = 30;
};

constexpr uint64_t kFeedSeed = 7;
constexpr size_t kReconnectFeedPosts = 1000;

bool ParseOptions(int argc, char** argv, Options* o) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    char* end = nullptr;
    const long long n = std::strtoll(value.c_str(), &end, 10);
    const bool number = !value.empty() && *end == '\0' && n > 0;
    if (flag == "--only") {
      o->only.clear();
      std::stringstream list(value);
      for (std::string item; std::getline(list, item, ',');) o->only.insert(item);
    } else if (number && flag == "--runs" && n <= 20) {
      o->runs = static_cast<int>(n);
    } else if (number && flag == "--posts") {
      o->posts = static_cast<size_t>(n);
    } else if (number && flag == "--pg-posts") {
      o->pg_posts = static_cast<size_t>(n);
    } else if (number && flag == "--connections" && n <= 16) {
      o->connections = static_cast<int>(n);
    } else if (number && flag == "--batch-posts") {
      o->batch_posts = static_cast<size_t>(n);
    } else if (number && flag == "--reconnect-trials" && n <= 100) {
      o->reconnect_trials = static_cast<int>(n);
    } else if (number && flag == "--timeout-s") {
      o->timeout_s = static_cast<int>(n);
    } else {
      std::cerr << "consumer_bench: unknown flag or bad value: " << flag << " " << value << "\n";
      return false;
    }
  }
  if (argc % 2 == 0) {
    std::cerr << "consumer_bench: flags take one value each\n";
    return false;
  }
  return true;
}

class Reporter {
 public:
  void Run(const std::string& figure, int run, const Result<Sample>& sample) {
    if (!sample.ok()) {
      Error(figure, sample.status().message());
      return;
    }
    Print(figure, std::to_string(run), *sample);
    runs_[figure].push_back(*sample);
  }
  void Error(const std::string& figure, const std::string& message) {
    Sample error;
    error.AddText("error", message);
    Print(figure, "error", error);
    std::cerr << "consumer_bench: " << figure << ": " << message << "\n";
    failed_ = true;
  }
  void Print(const std::string& figure, const std::string& run, const Sample& sample) {
    std::printf("%s\n", JsonLine(figure, run, sample).c_str());
    std::fflush(stdout);
  }
  void Medians() {
    for (const auto& [figure, runs] : runs_) Print(figure, "median", Median(runs));
  }
  const std::vector<Sample>& runs(const std::string& figure) { return runs_[figure]; }
  bool failed() const { return failed_; }

 private:
  std::map<std::string, std::vector<Sample>> runs_;
  bool failed_ = false;
};

// Median and max of `key` over the trials.
void AddSpread(Sample& s, const std::vector<Sample>& trials, const std::string& key) {
  std::vector<double> v;
  for (const Sample& t : trials) v.push_back(t.Get(key));
  if (v.empty()) return;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  s.Add(key + "_median", n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2);
  s.Add(key + "_max", v.back());
}

template <typename Store>
Result<Sample> WithSqlite(const char* name, const std::function<Result<Sample>(Store&)>& run) {
  Result<TempDir> dir = TempDir::Make("sluice-consumer-bench");
  if (!dir.ok()) return dir.status();
  Result<std::unique_ptr<Store>> store = Store::Open((dir->path() / name).string());
  if (!store.ok()) return store.status();
  return run(**store);
}

Result<Sample> WithPostgres(const std::string& conninfo,
                            const std::function<Result<Sample>(consumer::PostStore&)>& run) {
  SLUICE_RETURN_IF_ERROR(ResetPostgres(conninfo));
  Result<std::unique_ptr<consumer::PostgresStore>> store = consumer::PostgresStore::Open(conninfo);
  if (!store.ok()) return store.status();
  return run(**store);
}

int Main(int argc, char** argv) {
  Options o;
  if (!ParseOptions(argc, argv, &o)) return 2;
  ::signal(SIGPIPE, SIG_IGN);
  spdlog::set_level(spdlog::level::err);  // the consumer logs every drop and reconnect
  Reporter reporter;
  Sample config;
  config.Add("runs", o.runs);
  config.Add("posts", static_cast<double>(o.posts));
  config.Add("pg_posts", static_cast<double>(o.pg_posts));
  config.Add("connections", o.connections);
  config.Add("batch_posts", static_cast<double>(o.batch_posts));
  config.Add("reconnect_trials", o.reconnect_trials);
  reporter.Print("config", "-", config);
  const auto timeout = std::chrono::seconds(o.timeout_s);
  const int64_t start_ms = SystemClock().NowMs();

  std::cerr << "consumer_bench: generating " << o.posts << " posts\n";
  auto t0 = std::chrono::steady_clock::now();
  const PostFeed feed = MakePostFeed(o.posts, kFeedSeed, start_ms);
  Sample made;
  made.Add("posts", static_cast<double>(feed.posts.size()));
  made.Add("MB", static_cast<double>(feed.body.size()) / 1e6);
  made.Add("bytes_per_post", static_cast<double>(feed.post_bytes) / feed.posts.size());
  made.Add("make_s", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  reporter.Print("feed", "-", made);

  std::unique_ptr<testing::PostgresServer> postgres;
  std::unique_ptr<PostFeed> pg_feed;
  if (o.only.count("postgres")) {
    std::cerr << "consumer_bench: starting PostgreSQL\n";
    std::string skip;
    postgres = testing::PostgresServer::Start(&skip);
    if (!postgres) {
      Sample skipped;
      skipped.AddText("reason", skip);
      reporter.Print("postgres_skipped", "-", skipped);
      std::cerr << "consumer_bench: PostgreSQL figures skipped: " << skip << "\n";
    } else {
      pg_feed = std::make_unique<PostFeed>(MakePostFeed(o.pg_posts, kFeedSeed, start_ms));
    }
  }

  for (int run = 1; run <= o.runs; ++run) {
    std::cerr << "consumer_bench: run " << run << " of " << o.runs << "\n";
    if (o.only.count("sqlite")) {
      using consumer::SqliteStore;
      reporter.Run("sqlite_store", run,
                   WithSqlite<SqliteStore>("baseline.db", [&](SqliteStore& store) {
                     return RunStoreBaseline(feed, store, o.batch_posts);
                   }));
      reporter.Run("sqlite_consumer", run,
                   WithSqlite<SqliteStore>("consumer.db", [&](SqliteStore& store) {
                     return RunConsumerThroughput(feed, store, o.connections, timeout);
                   }));
    }
    if (o.only.count("discard")) {
      DiscardingStore store;
      reporter.Run("discard_consumer", run,
                   RunConsumerThroughput(feed, store, o.connections, timeout));
    }
    if (postgres) {
      const std::string conninfo = postgres->conninfo();
      reporter.Run("postgres_store", run, WithPostgres(conninfo, [&](consumer::PostStore& store) {
                     return RunStoreBaseline(*pg_feed, store, o.batch_posts);
                   }));
      reporter.Run("postgres_consumer", run,
                   WithPostgres(conninfo, [&](consumer::PostStore& store) {
                     return RunConsumerThroughput(*pg_feed, store, o.connections, timeout);
                   }));
    }
  }
  postgres.reset();

  if (o.only.count("reconnect")) {
    std::cerr << "consumer_bench: reconnect latency, " << o.reconnect_trials << " trials\n";
    const PostFeed small = MakePostFeed(kReconnectFeedPosts, kFeedSeed, start_ms);
    Result<TempDir> dir = TempDir::Make("sluice-consumer-bench");
    Result<std::unique_ptr<consumer::SqliteStore>> store =
        dir.ok() ? consumer::SqliteStore::Open((dir->path() / "reconnect.db").string())
                 : Result<std::unique_ptr<consumer::SqliteStore>>(dir.status());
    Result<std::vector<Sample>> trials =
        store.ok() ? RunReconnect(small, **store, o.connections, o.reconnect_trials)
                   : Result<std::vector<Sample>>(store.status());
    if (!trials.ok()) {
      reporter.Error("reconnect", trials.status().message());
    } else {
      for (size_t i = 0; i < trials->size(); ++i) {
        reporter.Run("reconnect", static_cast<int>(i + 1), (*trials)[i]);
      }
      Sample summary;
      summary.Add("trials", static_cast<double>(trials->size()));
      for (const char* key : {"reconnect_ms", "first_connection_ms", "accept_ms", "request_ms",
                              "backoff_max_ms", "away_to_refused_ms"}) {
        AddSpread(summary, *trials, key);
      }
      reporter.Print("reconnect_summary", "-", summary);
    }
  }
  reporter.Medians();
  return reporter.failed() ? 1 : 0;
}

}  // namespace
}  // namespace sluice::bench

int main(int argc, char** argv) { return sluice::bench::Main(argc, argv); }
