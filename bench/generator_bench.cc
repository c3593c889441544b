// The synthetic feed and the ingest parsing path: how many posts a second one core can generate,
// validate (PostParser::ParseId) and split from an NDJSON body. The server benchmark needs
// 150,000 posts/s on 2 cores end to end, so each of these must be far above that.
#include <benchmark/benchmark.h>

#include <string>

#include "ingest/generator.h"
#include "ingest/ndjson.h"
#include "post/post_parser.h"

namespace sluice {
namespace {

constexpr int64_t kStartMs = 1795394779000;  // 2026-11-23
constexpr int kSamplePosts = 20000;

// Posts from the generator, as a batch and as an NDJSON body.
struct Sample {
  IngestBatch batch;
  std::string ndjson;
};

const Sample& GetSample() {
  static const Sample* sample = [] {
    auto* s = new Sample;
    PostGenerator generator(42);
    for (int i = 0; i < kSamplePosts; ++i) generator.Generate(kStartMs + i / 4, s->batch);
    for (const IngestPostRef& post : s->batch.posts) {
      s->ndjson.append(s->batch.bytes(post));
      s->ndjson += '\n';
    }
    return s;
  }();
  return *sample;
}

void BM_Generate(benchmark::State& state) {
  PostGenerator generator(7);
  IngestBatch batch;
  int64_t now_ms = kStartMs;
  int64_t bytes = 0, posts = 0;
  for (auto _ : state) {
    // Two posts a millisecond, in batches of 1,000 as GeneratorSource makes them.
    if (batch.size() == 1000) {
      bytes += static_cast<int64_t>(batch.data.size());
      batch.data.clear();
      batch.posts.clear();
    }
    benchmark::DoNotOptimize(generator.Generate(now_ms + posts / 2, batch));
    ++posts;
  }
  bytes += static_cast<int64_t>(batch.data.size());
  state.SetItemsProcessed(posts);
  state.SetBytesProcessed(bytes);
  state.counters["bytes_per_post"] = static_cast<double>(bytes) / static_cast<double>(posts);
}
BENCHMARK(BM_Generate);

// ParseId over the sample posts. `padded`: in place, the posts' own buffer providing the padding
// as it does inside an NDJSON body; otherwise through PostParser's copy into its padded buffer.
void ParseIds(benchmark::State& state, bool padded) {
  const IngestBatch& batch = GetSample().batch;
  std::string data = batch.data;
  data.append(PostParser::kPadding, ' ');
  PostParser parser;
  size_t next = 0;
  int64_t bytes = 0;
  for (auto _ : state) {
    const IngestPostRef& ref = batch.posts[next];
    const std::string_view post(data.data() + ref.offset, ref.length);
    benchmark::DoNotOptimize(padded ? parser.ParseIdPadded(post).ok() : parser.ParseId(post).ok());
    bytes += static_cast<int64_t>(post.size());
    if (++next == batch.posts.size()) next = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(bytes);
}

void BM_ParseId(benchmark::State& state) { ParseIds(state, /*padded=*/false); }
BENCHMARK(BM_ParseId);

void BM_ParseIdPadded(benchmark::State& state) { ParseIds(state, /*padded=*/true); }
BENCHMARK(BM_ParseIdPadded);

void BM_ParseNdjson(benchmark::State& state) {
  const Sample& sample = GetSample();
  PostParser parser;
  IngestBatch batch;
  for (auto _ : state) {
    batch.data.clear();
    batch.posts.clear();
    const NdjsonResult result = ParseNdjson(sample.ndjson, parser, batch, NdjsonLimits{});
    if (result.rejected != 0) state.SkipWithError("generated posts were rejected");
    benchmark::DoNotOptimize(batch.posts.data());
  }
  state.SetItemsProcessed(state.iterations() * kSamplePosts);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(sample.ndjson.size()));
}
BENCHMARK(BM_ParseNdjson)->Unit(benchmark::kMillisecond);

void BM_BuildGenerator(benchmark::State& state) {
  for (auto _ : state) {
    PostGenerator generator(1);
    benchmark::DoNotOptimize(generator.worker());
  }
}
BENCHMARK(BM_BuildGenerator)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace sluice

BENCHMARK_MAIN();
