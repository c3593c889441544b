// Archive replay throughput (backfill and recovery, src/stream/replay_job.h) without the
// network: an hour of generated posts (bench/support/generated_archive.h, ~60 posts/s, about
// 620 MB) in a temp dir, read from the page cache.
//
//   BM_SegmentFilesPread       baseline: every segment file read front to back with 1 MiB
//                              preads, nothing parsed (items: records, bytes: file bytes)
//   BM_ReaderAllRecords        archive::Reader, every record returned (crc checked)
//   BM_ReplayPartition         ReplayJob steps over the hour for Decahose partition 1, plain
//                              or gzip (items: posts delivered; records_per_s: records read)
//   BM_ReplayFirstStep         Open + the first step from a time in the middle of the hour:
//                              the server's part of a backfill's time to first byte
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "archive/archive.h"
#include "base/clock.h"
#include "stream/replay_job.h"
#include "stream/stream_registry.h"
#include "support/generated_archive.h"

namespace sluice::bench {
namespace {

constexpr int64_t kStartMs = 1767261600000;  // 2026-01-01T10:00:00Z
constexpr int64_t kHourMs = 3'600'000;
constexpr double kPostsPerSecond = 60;

// The archive, its index and a Decahose stream, made once for all benchmarks.
struct Fixture {
  std::filesystem::path dir;
  GeneratedArchive made;
  std::unique_ptr<archive::Writer> writer;  // only to hold the index of the archive
  ServerConfig config;
  MetricsRegistry metrics;
  std::unique_ptr<StreamRegistry> registry;
  Stream* stream = nullptr;
  ManualClock clock{kStartMs + 2 * kHourMs};
  std::string error;

  Fixture() {
    std::string pattern = (std::filesystem::temp_directory_path() / "sluice-replay-bench-XXXXXX");
    if (::mkdtemp(pattern.data()) == nullptr) {
      error = "mkdtemp failed";
      return;
    }
    dir = pattern;
    Result<GeneratedArchive> written = WriteGeneratedArchive(
        dir / "archive", {{kStartMs, kStartMs + kHourMs + 10'000, kPostsPerSecond}});
    if (!written.ok()) {
      error = written.status().ToString();
      return;
    }
    made = *written;
    archive::WriterOptions options;
    options.dir = dir / "archive";
    auto opened = archive::Writer::Open(options, clock, nullptr, nullptr);
    if (!opened.ok()) {
      error = opened.status().ToString();
      return;
    }
    writer = std::move(*opened);
    config.accounts = {
        AccountConfig{"bench", {}, {StreamConfig{"decahose", StreamKind::kDecahose}}, {}}};
    registry = std::make_unique<StreamRegistry>(config, metrics);
    stream = registry->FindStream("bench", "decahose");
  }
  ~Fixture() {
    writer.reset();
    std::error_code ignored;
    if (!dir.empty()) std::filesystem::remove_all(dir, ignored);
  }
  Fixture(const Fixture&) = delete;  // owns the directory
  Fixture& operator=(const Fixture&) = delete;
};

Fixture& Shared() {
  static Fixture fixture;
  return fixture;
}

void BM_SegmentFilesPread(benchmark::State& state) {
  Fixture& f = Shared();
  if (!f.error.empty()) return state.SkipWithError(f.error.c_str());
  std::vector<std::filesystem::path> segments;
  for (const auto& e : std::filesystem::directory_iterator(f.dir / "archive")) {
    if (e.path().extension() == ".seg") segments.push_back(e.path());
  }
  std::vector<char> buffer(1 << 20);
  uint64_t bytes = 0;
  for (auto _ : state) {
    for (const auto& path : segments) {
      const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
      off_t at = 0;
      for (ssize_t n; (n = ::pread(fd, buffer.data(), buffer.size(), at)) > 0; at += n) {
        bytes += static_cast<uint64_t>(n);
      }
      ::close(fd);
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * f.made.records));
}

void BM_ReaderAllRecords(benchmark::State& state) {
  Fixture& f = Shared();
  if (!f.error.empty()) return state.SkipWithError(f.error.c_str());
  uint64_t records = 0, bytes = 0;
  for (auto _ : state) {
    auto reader = archive::Reader::Open(f.dir / "archive");
    if (!reader.ok()) return state.SkipWithError(reader.status().ToString().c_str());
    archive::RecordView view;
    while (true) {
      Result<bool> more = (*reader)->Next(view);
      if (!more.ok()) return state.SkipWithError(more.status().ToString().c_str());
      if (!*more) break;
      ++records;
      bytes += view.bytes.size() + 32;
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.SetItemsProcessed(static_cast<int64_t>(records));
}

void BM_ReplayPartition(benchmark::State& state) {
  Fixture& f = Shared();
  if (!f.error.empty()) return state.SkipWithError(f.error.c_str());
  const bool gzip = state.range(0) != 0;
  uint64_t posts = 0, plain_bytes = 0, steps = 0, records = 0;
  for (auto _ : state) {
    ReplayJob job(f.dir / "archive", f.writer->index(), *f.stream, 0, kStartMs, kStartMs + kHourMs,
                  gzip);
    uint64_t begin = 0;
    while (true) {
      ReplayStep step = job.Step(f.made.next_seq);
      ++steps;
      if (!step.status.ok()) return state.SkipWithError(step.status.ToString().c_str());
      if (begin == 0 && step.chunk) begin = step.chunk->cover_begin;
      if (step.chunk) {
        posts += step.chunk->posts;
        plain_bytes += step.chunk->plain.size();
      }
      if (step.reached_end || step.reached_limit) {
        records += step.position - begin;
        break;
      }
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(posts));
  state.SetBytesProcessed(static_cast<int64_t>(plain_bytes));
  state.counters["records_per_s"] =
      benchmark::Counter(static_cast<double>(records), benchmark::Counter::kIsRate);
  state.counters["records_per_post"] =
      static_cast<double>(records) / static_cast<double>(posts ? posts : 1);
  state.counters["steps_per_iteration"] =
      static_cast<double>(steps) / static_cast<double>(state.iterations());
}

void BM_ReplayFirstStep(benchmark::State& state) {
  Fixture& f = Shared();
  if (!f.error.empty()) return state.SkipWithError(f.error.c_str());
  int64_t start = kStartMs + kHourMs / 2;
  uint64_t posts = 0;
  for (auto _ : state) {
    ReplayJob job(f.dir / "archive", f.writer->index(), *f.stream, 0, start, std::nullopt,
                  /*gzip=*/false);
    ReplayStep step = job.Step(f.made.next_seq);
    if (!step.status.ok()) return state.SkipWithError(step.status.ToString().c_str());
    if (step.chunk) posts += step.chunk->posts;
    start += 1013;  // a different start each time, within the hour's second half
    if (start > kStartMs + kHourMs) start -= kHourMs / 2;
  }
  state.counters["posts_per_step"] =
      static_cast<double>(posts) / static_cast<double>(state.iterations());
}

BENCHMARK(BM_SegmentFilesPread)->Unit(benchmark::kMillisecond)->MinTime(0.5)->UseRealTime();
BENCHMARK(BM_ReaderAllRecords)->Unit(benchmark::kMillisecond)->MinTime(0.5)->UseRealTime();
BENCHMARK(BM_ReplayPartition)
    ->ArgName("gzip")
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->MinTime(0.5)
    ->UseRealTime();
BENCHMARK(BM_ReplayFirstStep)->Unit(benchmark::kMicrosecond)->MinTime(0.5)->UseRealTime();

}  // namespace
}  // namespace sluice::bench

BENCHMARK_MAIN();
