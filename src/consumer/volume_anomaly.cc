#include "consumer/volume_anomaly.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <vector>

namespace sluice::consumer {

namespace {

constexpr double kMadToSigma = 1.4826;

double Median(std::vector<double>& values) {
  const size_t mid = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + mid, values.end());
  const double upper = values[mid];
  if (values.size() % 2 == 1) return upper;
  const double lower = *std::max_element(values.begin(), values.begin() + mid);
  return (lower + upper) / 2;
}

}  // namespace

VolumeAnomalyDetector::VolumeAnomalyDetector(VolumeAnomalyOptions options) : options_(options) {
  assert(options.baseline_minutes >= 1);
}

std::optional<VolumeAnomaly> VolumeAnomalyDetector::Observe(int64_t minute_start_ms,
                                                            uint64_t stored) {
  std::optional<VolumeAnomaly> anomaly;
  const double value = static_cast<double>(stored);
  if (!window_.empty() && window_.size() >= options_.min_baseline_minutes) {
    // At most baseline_minutes values, once a minute: copying is cheaper than keeping a sorted
    // structure in step.
    std::vector<double> values(window_.begin(), window_.end());
    const double median = Median(values);
    for (double& v : values) v = std::abs(v - median);
    const double mad = Median(values);
    const double robust_threshold = median - options_.mad_k * kMadToSigma * mad;
    const double ratio_threshold = median * (1.0 - options_.min_drop_ratio);
    const double threshold = std::min(robust_threshold, ratio_threshold);
    if (median >= options_.min_volume && value < threshold) {
      anomaly = VolumeAnomaly{minute_start_ms, stored, median, threshold};
    }
  }
  window_.push_back(value);
  if (window_.size() > options_.baseline_minutes) window_.pop_front();
  return anomaly;
}

}  // namespace sluice::consumer
