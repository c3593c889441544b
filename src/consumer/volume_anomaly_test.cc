#include "consumer/volume_anomaly.h"

#include <gtest/gtest.h>

#include <random>

namespace sluice::consumer {
namespace {

constexpr int64_t kMinute = 60000;

// Feeds `n` minutes of noisy volume around `level` (±10 %), returning the next minute's start.
int64_t FeedNoisy(VolumeAnomalyDetector& detector, int64_t start, int n, double level,
                  int* alerts) {
  std::mt19937 rng(42);
  std::uniform_real_distribution<double> noise(0.9, 1.1);
  for (int i = 0; i < n; ++i, start += kMinute) {
    if (detector.Observe(start, static_cast<uint64_t>(level * noise(rng)))) ++*alerts;
  }
  return start;
}

TEST(VolumeAnomalyTest, SteadyVolumeNoAlert) {
  VolumeAnomalyDetector detector;
  int alerts = 0;
  FeedNoisy(detector, 0, 300, 6000, &alerts);
  EXPECT_EQ(alerts, 0);
}

TEST(VolumeAnomalyTest, PerfectlyFlatVolumeWithSmallDipNoAlert) {
  VolumeAnomalyDetector detector;
  for (int i = 0; i < 60; ++i) EXPECT_FALSE(detector.Observe(i * kMinute, 1000));
  // MAD is 0, so only the ratio test keeps a dip of 1 % from alerting.
  EXPECT_FALSE(detector.Observe(60 * kMinute, 990));
}

TEST(VolumeAnomalyTest, SuddenDropAlerts) {
  VolumeAnomalyDetector detector;
  int alerts = 0;
  const int64_t next = FeedNoisy(detector, 0, 60, 6000, &alerts);
  ASSERT_EQ(alerts, 0);
  const std::optional<VolumeAnomaly> anomaly = detector.Observe(next, 1200);
  ASSERT_TRUE(anomaly.has_value());
  EXPECT_EQ(anomaly->minute_start_ms, next);
  EXPECT_EQ(anomaly->stored, 1200u);
  EXPECT_NEAR(anomaly->baseline_median, 6000, 600);
  EXPECT_LE(anomaly->threshold, anomaly->baseline_median * 0.5);
  EXPECT_GT(anomaly->threshold, 1200);
}

TEST(VolumeAnomalyTest, ZeroMinuteAlerts) {
  VolumeAnomalyDetector detector;
  int alerts = 0;
  const int64_t next = FeedNoisy(detector, 0, 30, 500, &alerts);
  EXPECT_TRUE(detector.Observe(next, 0).has_value());
}

TEST(VolumeAnomalyTest, ModerateDipWithinNoiseNoAlert) {
  VolumeAnomalyDetector detector;
  int alerts = 0;
  const int64_t next = FeedNoisy(detector, 0, 60, 6000, &alerts);
  EXPECT_FALSE(detector.Observe(next, 4000).has_value());  // −33 %: under the 50 % drop ratio
}

TEST(VolumeAnomalyTest, LowVolumeNoAlert) {
  VolumeAnomalyDetector detector;
  int alerts = 0;
  const int64_t next = FeedNoisy(detector, 0, 60, 50, &alerts);
  EXPECT_FALSE(detector.Observe(next, 0).has_value());
  EXPECT_EQ(alerts, 0);
}

TEST(VolumeAnomalyTest, NoAlertBeforeEnoughHistory) {
  VolumeAnomalyDetector detector;
  for (int i = 0; i < 9; ++i) EXPECT_FALSE(detector.Observe(i * kMinute, 5000));
  EXPECT_FALSE(detector.Observe(9 * kMinute, 0).has_value());
  EXPECT_TRUE(detector.Observe(10 * kMinute, 0).has_value());
}

TEST(VolumeAnomalyTest, VeryNoisyBaselineNeedsABiggerDrop) {
  VolumeAnomalyDetector detector;
  // Alternating 1000 / 5000: median 3000, MAD 2000, so the robust bound is far below zero.
  for (int i = 0; i < 60; ++i) EXPECT_FALSE(detector.Observe(i * kMinute, i % 2 ? 5000 : 1000));
  EXPECT_FALSE(detector.Observe(60 * kMinute, 500).has_value());
}

TEST(VolumeAnomalyTest, LastingDropBecomesTheNewNormal) {
  VolumeAnomalyDetector detector;
  int alerts = 0;
  int64_t next = FeedNoisy(detector, 0, 60, 6000, &alerts);
  int drop_alerts = 0;
  next = FeedNoisy(detector, next, 60, 1000, &drop_alerts);
  EXPECT_GT(drop_alerts, 0);
  EXPECT_LT(drop_alerts, 40);
  int later_alerts = 0;
  FeedNoisy(detector, next, 60, 1000, &later_alerts);
  EXPECT_EQ(later_alerts, 0);
}

}  // namespace
}  // namespace sluice::consumer
