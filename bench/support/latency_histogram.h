// LatencyHistogram: delivery latencies in whole milliseconds (0 … kMaxMs, larger ones counted
// as kMaxMs), written by one thread and snapshotted by others.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <vector>

namespace sluice::bench {

class LatencyHistogram {
 public:
  static constexpr int kMaxMs = 10000;

  // Only one thread may call Add.
  void Add(int64_t ms) {
    const size_t i = static_cast<size_t>(ms < 0 ? 0 : ms > kMaxMs ? kMaxMs : ms);
    buckets_[i].store(buckets_[i].load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }
  std::vector<uint64_t> Snapshot() const {
    std::vector<uint64_t> counts(buckets_.size());
    for (size_t i = 0; i < counts.size(); ++i) {
      counts[i] = buckets_[i].load(std::memory_order_relaxed);
    }
    return counts;
  }

 private:
  std::array<std::atomic<uint64_t>, kMaxMs + 1> buckets_{};
};

// The q-quantile (0 < q < 1) in ms of what was added between two snapshots; -1 when nothing was.
inline double LatencyQuantile(const std::vector<uint64_t>& start, const std::vector<uint64_t>& end,
                              double q) {
  uint64_t total = 0;
  for (size_t i = 0; i < end.size(); ++i) total += end[i] - (i < start.size() ? start[i] : 0);
  if (total == 0) return -1;
  const auto rank = static_cast<uint64_t>(q * static_cast<double>(total - 1));
  uint64_t seen = 0;
  for (size_t i = 0; i < end.size(); ++i) {
    seen += end[i] - (i < start.size() ? start[i] : 0);
    if (seen > rank) return static_cast<double>(i);
  }
  return static_cast<double>(end.size() - 1);
}

}  // namespace sluice::bench
