// Archive append throughput: groups of 256 posts of ~2.5 KB, the shape ingest hands the
// archive, in both sync modes, into a temp directory under /tmp. The server's target is
// 150,000 posts/s through archive and fan-out on 2 cores (SPEC, ARCHITECTURE).
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <filesystem>
#include <string>
#include <vector>

#include "archive/archive.h"
#include "archive/record_codec.h"
#include "base/clock.h"

namespace sluice::archive {
namespace {

constexpr size_t kGroupSize = 256;
constexpr size_t kPostBytes = 2500;

// Post-like bytes, different per post so that nothing downstream can cheat on repetition.
std::vector<std::string> MakePayloads() {
  std::vector<std::string> payloads;
  uint64_t state = 0x9E3779B97F4A7C15u;
  for (size_t i = 0; i < kGroupSize; ++i) {
    std::string payload =
        "{\"id_str\":\"" + std::to_string(1'600'000'000'000'000'000u + i) + "\",\"text\":\"";
    while (payload.size() < kPostBytes - 2) {
      state = state * 6364136223846793005u + 1442695040888963407u;
      payload.push_back(static_cast<char>('a' + (state >> 59) % 26));
      if ((state >> 40) % 7 == 0) payload.push_back(' ');
    }
    payload.resize(kPostBytes - 2);
    payload += "\"}";
    payloads.push_back(std::move(payload));
  }
  return payloads;
}

class ScopedTempDir {
 public:
  ScopedTempDir() {
    std::string pattern = "/tmp/sluice-archive-bench-XXXXXX";
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ScopedTempDir(const ScopedTempDir&) = delete;  // owns the directory
  ScopedTempDir& operator=(const ScopedTempDir&) = delete;
  ~ScopedTempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

void BM_ArchiveAppend(benchmark::State& state, SyncMode mode) {
  const std::vector<std::string> payloads = MakePayloads();
  std::vector<Record> group;
  for (size_t i = 0; i < kGroupSize; ++i) group.push_back({i, payloads[i]});
  ScopedTempDir dir;
  SystemClock clock;
  WriterOptions options;
  options.dir = dir.path();
  options.sync_mode = mode;
  options.sync_interval_ms = 100;
  auto writer = Writer::Open(options, clock, nullptr, nullptr);
  if (!writer.ok()) {
    state.SkipWithError(writer.status().ToString().c_str());
    return;
  }
  for (auto _ : state) {
    auto result = (*writer)->Append(group);
    if (!result.ok()) {
      state.SkipWithError(result.status().ToString().c_str());
      break;
    }
  }
  if (Status synced = (*writer)->Sync(); !synced.ok()) state.SkipWithError("final sync failed");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kGroupSize));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kGroupSize * kPostBytes));
}
BENCHMARK_CAPTURE(BM_ArchiveAppend, interval_100ms, SyncMode::kInterval)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime()
    ->MinTime(3.0);
BENCHMARK_CAPTURE(BM_ArchiveAppend, always, SyncMode::kAlways)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime()
    ->MinTime(3.0);

// The CPU part of Append alone (framing, memcpy, crc32): the ceiling without any I/O.
void BM_ArchiveEncodeGroup(benchmark::State& state) {
  const std::vector<std::string> payloads = MakePayloads();
  std::vector<char> buffer(kGroupSize * EncodedRecordSize(kPostBytes));
  uint64_t seq = 1;
  for (auto _ : state) {
    size_t offset = 0;
    for (const std::string& payload : payloads) {
      EncodeRecord(buffer.data() + offset, seq, 1'700'000'000'000, seq, payload);
      ++seq;
      offset += EncodedRecordSize(payload.size());
    }
    benchmark::DoNotOptimize(buffer.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kGroupSize));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kGroupSize * kPostBytes));
}
BENCHMARK(BM_ArchiveEncodeGroup)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace sluice::archive

BENCHMARK_MAIN();
