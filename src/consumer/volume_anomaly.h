// VolumeAnomalyDetector: flags a minute whose stored volume dropped abnormally against a
// trailing baseline (SPEC §7: "abnormal drops in stored volume").
//
// The baseline is the median and the MAD (median absolute deviation) of the last
// `baseline_minutes` closed minutes. Median and MAD rather than mean and standard deviation:
// one outage minute or one burst must not move the baseline, and stream volume is not normal
// (bursty, heavy-tailed). A minute is anomalous only when all of these hold:
//   stored < median − k · 1.4826 · MAD   (1.4826·MAD estimates σ for normal data: a robust
//                                        "k sigmas below")
//   stored < median · (1 − min_drop_ratio)   (a steady stream has MAD ≈ 0, where the first
//                                        test alone would fire on a dip of a single post)
//   median ≥ min_volume                  (at a few posts a minute, silence is normal)
// and at least `min_baseline_minutes` minutes were seen. Anomalous minutes join the baseline too:
// a lasting lower volume becomes the new normal after about half the window, instead of
// alerting forever (the alert is for the drop, the discrepancy counters cover lost posts).
//
// Thread safety: none; owned by one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>

namespace sluice::consumer {

struct VolumeAnomalyOptions {
  size_t baseline_minutes = 60;
  size_t min_baseline_minutes = 10;  // no alert before this many minutes were observed
  double mad_k = 4.0;
  double min_drop_ratio = 0.5;
  double min_volume = 100.0;  // median stored posts per minute below which nothing is flagged
};

struct VolumeAnomaly {
  int64_t minute_start_ms = 0;
  uint64_t stored = 0;
  double baseline_median = 0;
  double threshold = 0;  // the minute was anomalous because stored < threshold
};

class VolumeAnomalyDetector {
 public:
  // REQUIRES: baseline_minutes ≥ 1.
  explicit VolumeAnomalyDetector(VolumeAnomalyOptions options = {});

  // One closed minute, in order, once each, including minutes with nothing stored (see
  // MinuteCounts::CloseBefore). Returns the anomaly when this minute is one.
  std::optional<VolumeAnomaly> Observe(int64_t minute_start_ms, uint64_t stored);

 private:
  const VolumeAnomalyOptions options_;
  std::deque<double> window_;  // the last baseline_minutes observations, oldest first
};

}  // namespace sluice::consumer
