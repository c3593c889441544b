// Gzip fan-out: what deflating costs, and what sharing one deflated block among a stream's
// connections saves over deflating per connection (the ratio the project reports).
#include <benchmark/benchmark.h>
#include <zlib.h>

#include <array>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "gzip/gzip.h"

namespace sluice::gzip {
namespace {

constexpr size_t kBatchBytes = 64 * 1024;
// Cycling through several batches keeps one batch's bytes from being all the benchmark sees.
constexpr int kDistinctBatches = 16;

// Post-like JSON lines: the same keys every line, text drawn from a small vocabulary, ids and
// counts as digits. Real streams compress about as well (3-5x at level 1).
class JsonishTextGenerator {
 public:
  explicit JsonishTextGenerator(uint64_t seed) : random_(seed) {}

  std::string Batch(size_t bytes) {
    std::string text;
    while (text.size() < bytes) AppendPost(text);
    text.resize(bytes);
    return text;
  }

 private:
  static constexpr std::array<std::string_view, 48> kVocabulary = {
      "the",     "a",        "stream",   "server",  "launch",   "today",  "new",     "update",
      "great",   "thanks",   "everyone", "live",    "watch",    "game",   "score",   "team",
      "weather", "rain",     "sunny",    "morning", "coffee",   "code",   "release", "bug",
      "fixed",   "breaking", "news",     "market",  "stocks",   "up",     "down",    "city",
      "music",   "album",    "tour",     "tickets", "football", "goal",   "win",     "lose",
      "open",    "source",   "data",     "model",   "tonight",  "people", "love",    "check"};

  uint64_t Number(uint64_t below) { return random_() % below; }
  std::string_view Word() { return kVocabulary[Number(kVocabulary.size())]; }

  void AppendPost(std::string& out) {
    out += "{\"data\":{\"id\":\"";
    out += std::to_string(1700000000000000000ull + Number(100000000000000000ull));
    out += "\",\"author_id\":\"";
    out += std::to_string(Number(10000000000ull));
    out += "\",\"created_at\":\"2024-05-0";
    out += std::to_string(1 + Number(9));
    out += "T12:" + std::to_string(10 + Number(50)) + ":" + std::to_string(10 + Number(50));
    out += ".000Z\",\"lang\":\"en\",\"text\":\"";
    for (uint64_t words = 6 + Number(25); words > 0; --words) {
      if (Number(12) == 0) out += '#';
      out += Word();
      out += ' ';
    }
    out += "\",\"public_metrics\":{\"retweet_count\":" + std::to_string(Number(1000));
    out += ",\"like_count\":" + std::to_string(Number(100000));
    out += "}},\"matching_rules\":[{\"id\":\"" + std::to_string(Number(100000));
    out += "\",\"tag\":\"";
    out += Word();
    out += "\"}]}\r\n";
  }

  std::mt19937_64 random_;
};

std::vector<std::string> MakeBatches() {
  JsonishTextGenerator generator(2024);
  std::vector<std::string> batches;
  for (int i = 0; i < kDistinctBatches; ++i) batches.push_back(generator.Batch(kBatchBytes));
  return batches;
}

std::vector<DeflatedBlock> DeflateAll(const std::vector<std::string>& batches) {
  BatchDeflater deflater;
  std::vector<DeflatedBlock> blocks(batches.size());
  for (size_t i = 0; i < batches.size(); ++i) (void)deflater.Deflate(batches[i], blocks[i]);
  return blocks;
}

void BM_Deflate64KBatch(benchmark::State& state) {
  const std::vector<std::string> batches = MakeBatches();
  BatchDeflater deflater(static_cast<int>(state.range(0)));
  DeflatedBlock block;
  uint64_t plain = 0, deflated = 0;
  size_t next = 0;
  for (auto _ : state) {
    if (!deflater.Deflate(batches[next++ % kDistinctBatches], block).ok()) {
      state.SkipWithError("deflate failed");
      break;
    }
    plain += block.plain_length;
    deflated += block.bytes.size();
  }
  state.SetBytesProcessed(static_cast<int64_t>(plain));
  state.counters["ratio"] = static_cast<double>(plain) / static_cast<double>(deflated);
}
BENCHMARK(BM_Deflate64KBatch)->ArgName("level")->Arg(1)->Arg(6);

// What a connection pays per shared block besides the write itself.
void BM_GzipMemberAdd(benchmark::State& state) {
  const std::vector<DeflatedBlock> blocks = DeflateAll(MakeBatches());
  GzipMember member;
  size_t next = 0;
  for (auto _ : state) {
    member.Add(blocks[next++ % kDistinctBatches]);
    benchmark::DoNotOptimize(member);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_GzipMemberAdd);

// The same CRC arithmetic with zlib's combine operator computed once per block length, as a block
// could carry it: the floor for GzipMember::Add.
void BM_Crc32CombineWithPrecomputedOperator(benchmark::State& state) {
  const std::vector<DeflatedBlock> blocks = DeflateAll(MakeBatches());
  const uLong op = crc32_combine_gen(static_cast<z_off_t>(kBatchBytes));
  uLong crc = 0;
  size_t next = 0;
  for (auto _ : state) {
    crc = crc32_combine_op(crc, blocks[next++ % kDistinctBatches].crc32, op);
    benchmark::DoNotOptimize(crc);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Crc32CombineWithPrecomputedOperator);

// Reports the cost per connection per batch (seconds_per_connection) and the plain bytes
// delivered to all connections per second.
void SetFanOutCounters(benchmark::State& state, int64_t connections) {
  state.SetItemsProcessed(state.iterations() * connections);
  state.SetBytesProcessed(state.iterations() * connections * static_cast<int64_t>(kBatchBytes));
  state.counters["seconds_per_connection"] = benchmark::Counter(
      static_cast<double>(connections),
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

// Sluice's design: one deflate per batch, then per connection only CRC bookkeeping and a
// reference to the shared bytes for writev.
void BM_FanOutSharedBlocks(benchmark::State& state) {
  const int64_t connections = state.range(0);
  const std::vector<std::string> batches = MakeBatches();
  BatchDeflater deflater;
  std::vector<GzipMember> members(connections);
  std::vector<std::string_view> pending_writes(connections);
  DeflatedBlock block;
  size_t next = 0;
  for (auto _ : state) {
    (void)deflater.Deflate(batches[next++ % kDistinctBatches], block);
    for (int64_t c = 0; c < connections; ++c) {
      members[c].Add(block);
      pending_writes[c] = block.bytes;
    }
    benchmark::DoNotOptimize(pending_writes.data());
  }
  SetFanOutCounters(state, connections);
}
BENCHMARK(BM_FanOutSharedBlocks)->ArgName("connections")->Arg(100)->Unit(benchmark::kMicrosecond);

// The alternative: each connection owns a compressor (as a gzip middleware would) and deflates
// every batch itself.
void BM_FanOutDeflatePerConnection(benchmark::State& state) {
  const int64_t connections = state.range(0);
  const std::vector<std::string> batches = MakeBatches();
  std::vector<std::unique_ptr<BatchDeflater>> deflaters;
  for (int64_t c = 0; c < connections; ++c) deflaters.push_back(std::make_unique<BatchDeflater>());
  std::vector<DeflatedBlock> blocks(connections);
  size_t next = 0;
  for (auto _ : state) {
    const std::string& batch = batches[next++ % kDistinctBatches];
    for (int64_t c = 0; c < connections; ++c) (void)deflaters[c]->Deflate(batch, blocks[c]);
    benchmark::DoNotOptimize(blocks.data());
  }
  SetFanOutCounters(state, connections);
}
BENCHMARK(BM_FanOutDeflatePerConnection)
    ->ArgName("connections")
    ->Arg(100)
    ->Unit(benchmark::kMillisecond);

// The rare per-connection path: a system message, and a batch with no deflated form.
void BM_DeflateStandalone(benchmark::State& state) {
  const std::string plain = JsonishTextGenerator(7).Batch(static_cast<size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(DeflateStandalone(plain));
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_DeflateStandalone)->ArgName("bytes")->Arg(200)->Arg(kBatchBytes);

}  // namespace
}  // namespace sluice::gzip

BENCHMARK_MAIN();
