#include "ingest/generator_source.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "ingest/generator.h"
#include "ingest/post_pacer.h"

namespace sluice {
namespace {

// A typical generated post, to size a batch's buffer in one allocation.
constexpr size_t kReservedBytesPerPost = 3 << 10;

}  // namespace

GeneratorSource::GeneratorSource(uint64_t seed, double posts_per_second, const Clock& clock,
                                 IngestSink& sink)
    : seed_(seed),
      posts_per_second_(posts_per_second),
      batch_cap_(std::clamp<uint64_t>(
          static_cast<uint64_t>(std::ceil(posts_per_second * 2 * kBatchIntervalMs / 1000.0)), 1,
          kMaxBatchPosts)),
      clock_(clock),
      sink_(sink) {}

GeneratorSource::~GeneratorSource() { Stop(); }

void GeneratorSource::Start() {
  // The schedule starts now, not once the thread has built its generator.
  const int64_t start_ms = clock_.NowMs();
  thread_ = std::jthread([this, start_ms](std::stop_token stop) { Run(stop, start_ms); });
}

void GeneratorSource::Stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();  // also wakes wake_ through the stop token
  thread_.join();
}

Status GeneratorSource::status() const {
  std::lock_guard lock(mutex_);
  return status_;
}

void GeneratorSource::Run(std::stop_token stop, int64_t start_ms) {
  // Built here, not in the constructor: the world takes tens of ms and belongs to this thread.
  PostGenerator generator(seed_);
  PostPacer pacer(posts_per_second_, start_ms);
  while (!stop.stop_requested()) {
    const int64_t now_ms = clock_.NowMs();
    const uint64_t count = std::min(pacer.DueCount(now_ms), batch_cap_);
    if (count > 0) {
      IngestBatch batch;
      batch.data.reserve(count * kReservedBytesPerPost);
      batch.posts.reserve(count);
      // On schedule, posts carry their scheduled times. Far behind schedule (back-pressure from
      // the archive, or a rate the machine cannot reach) they carry at most kMaxLagMs-old times:
      // otherwise ids would drift ever further into the past, a thousand to a millisecond, and
      // the samples (functions of an id's millisecond) would come in bursts.
      const int64_t floor_ms = now_ms - kMaxLagMs;
      for (uint64_t i = 0; i < count; ++i) {
        generator.Generate(std::max(pacer.Take(), floor_ms), batch);
      }
      posts_generated_.fetch_add(count, std::memory_order_relaxed);
      Status submitted = sink_.Submit(std::move(batch));
      if (!submitted.ok()) {
        std::lock_guard lock(mutex_);
        status_ = std::move(submitted);
        return;
      }
      // Behind schedule (the sink was slow): the next batch at once, not after a pause.
      if (pacer.DueCount(clock_.NowMs()) >= batch_cap_) continue;
    }
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, stop, std::chrono::milliseconds(kBatchIntervalMs), [] { return false; });
  }
}

}  // namespace sluice
