// Metrics: counters, gauges and histograms that render in the Prometheus text format.
//
// Thread safety: every metric is lock-free to update from any thread. Registration (the
// Add* calls) is done at start-up, before other threads use the registry; Render may then be
// called from any thread at any time.
//
// Ownership: the registry owns its metrics; pointers it hands out stay valid for its lifetime.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace sluice {

class Counter {
 public:
  void Add(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

class Gauge {
 public:
  void Set(int64_t v) { value_.store(v, std::memory_order_relaxed); }
  void Add(int64_t d) { value_.fetch_add(d, std::memory_order_relaxed); }
  int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

// Cumulative histogram with fixed upper bounds (seconds, bytes, …: the caller's unit).
class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void Observe(double v);
  const std::vector<double>& bounds() const { return bounds_; }
  // Counts per bucket (not cumulative), the last one being +Inf.
  std::vector<uint64_t> BucketCounts() const;
  double sum() const;
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_micro_{0};  // sum * 1e6, kept integral so it can be atomic
};

// Labels as `key="value",…` text, already escaped; empty for none.
std::string PrometheusLabels(const std::vector<std::pair<std::string, std::string>>& labels);

class MetricsRegistry {
 public:
  MetricsRegistry() = default;
  MetricsRegistry(const MetricsRegistry&) = delete;  // metrics are referenced by pointer
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // Same (name, labels) twice returns the same metric. `help` is taken from the first call.
  Counter* AddCounter(const std::string& name, const std::string& help,
                      const std::string& labels = "");
  Gauge* AddGauge(const std::string& name, const std::string& help, const std::string& labels = "");
  Histogram* AddHistogram(const std::string& name, const std::string& help,
                          std::vector<double> upper_bounds, const std::string& labels = "");

  std::string Render() const;

 private:
  enum class Type { kCounter, kGauge, kHistogram };
  struct Family {
    Type type;
    std::string help;
    std::map<std::string, std::unique_ptr<Counter>> counters;
    std::map<std::string, std::unique_ptr<Gauge>> gauges;
    std::map<std::string, std::unique_ptr<Histogram>> histograms;
  };
  mutable std::mutex mu_;  // guards the maps, never held on an update path
  std::map<std::string, Family> families_;
};

}  // namespace sluice
