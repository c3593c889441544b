#include "consumer/backoff.h"

#include <gtest/gtest.h>

#include <vector>

namespace sluice::consumer {
namespace {

std::vector<int64_t> Failures(Backoff& backoff, FailureKind kind, int n) {
  std::vector<int64_t> delays;
  for (int i = 0; i < n; ++i) delays.push_back(backoff.AfterFailure(kind));
  return delays;
}

TEST(BackoffTest, NetworkFailuresGrowLinearlyTo16Seconds) {
  Backoff backoff;
  std::vector<int64_t> expected;
  for (int i = 1; i <= 64; ++i) expected.push_back(250 * i);
  expected.push_back(16000);
  expected.push_back(16000);
  EXPECT_EQ(Failures(backoff, FailureKind::kNetwork, 66), expected);
}

TEST(BackoffTest, HttpFailuresDoubleFrom5To320Seconds) {
  Backoff backoff;
  EXPECT_EQ(
      Failures(backoff, FailureKind::kHttp, 9),
      (std::vector<int64_t>{5000, 10000, 20000, 40000, 80000, 160000, 320000, 320000, 320000}));
}

TEST(BackoffTest, RateLimitedDoublesFrom60SecondsToOurCap) {
  Backoff backoff;
  EXPECT_EQ(Failures(backoff, FailureKind::kRateLimited, 7),
            (std::vector<int64_t>{60000, 120000, 240000, 480000, 960000, 960000, 960000}));
}

TEST(BackoffTest, FirstDropAfterSuccessReconnectsAtOnce) {
  Backoff backoff;
  backoff.AfterSuccess();
  EXPECT_EQ(backoff.AfterDrop(), 0);
  // The reconnect failed: the network schedule starts.
  EXPECT_EQ(backoff.AfterFailure(FailureKind::kNetwork), 250);
  EXPECT_EQ(backoff.AfterFailure(FailureKind::kNetwork), 500);
}

TEST(BackoffTest, RepeatedDropsWithoutSuccessCountAsNetworkFailures) {
  Backoff backoff;
  backoff.AfterSuccess();
  EXPECT_EQ(backoff.AfterDrop(), 0);
  EXPECT_EQ(backoff.AfterDrop(), 250);
  EXPECT_EQ(backoff.AfterDrop(), 500);
  EXPECT_EQ(backoff.AfterFailure(FailureKind::kNetwork), 750);
}

TEST(BackoffTest, SuccessStartsTheScheduleOver) {
  Backoff backoff;
  Failures(backoff, FailureKind::kHttp, 4);
  backoff.AfterSuccess();
  EXPECT_EQ(backoff.AfterDrop(), 0);
  EXPECT_EQ(backoff.AfterFailure(FailureKind::kHttp), 5000);
}

TEST(BackoffTest, AnotherKindStartsItsOwnScheduleFromTheStart) {
  Backoff backoff;
  Failures(backoff, FailureKind::kNetwork, 10);
  EXPECT_EQ(backoff.AfterFailure(FailureKind::kHttp), 5000);
  EXPECT_EQ(backoff.AfterFailure(FailureKind::kHttp), 10000);
  EXPECT_EQ(backoff.AfterFailure(FailureKind::kRateLimited), 60000);
  EXPECT_EQ(backoff.AfterFailure(FailureKind::kNetwork), 250);
  EXPECT_EQ(backoff.consecutive_failures(), 1);
}

TEST(BackoffTest, CustomScheduleIsUsed) {
  Backoff backoff(BackoffSchedule{.network_step_ms = 10,
                                  .network_max_ms = 25,
                                  .http_initial_ms = 1,
                                  .http_max_ms = 3,
                                  .rate_limit_initial_ms = 7,
                                  .rate_limit_max_ms = 7});
  EXPECT_EQ(Failures(backoff, FailureKind::kNetwork, 4), (std::vector<int64_t>{10, 20, 25, 25}));
  EXPECT_EQ(Failures(backoff, FailureKind::kHttp, 4), (std::vector<int64_t>{1, 2, 3, 3}));
  EXPECT_EQ(Failures(backoff, FailureKind::kRateLimited, 2), (std::vector<int64_t>{7, 7}));
}

TEST(BackoffTest, VeryLongOutageDoesNotOverflow) {
  Backoff backoff;
  int64_t last = 0;
  for (int i = 0; i < 100000; ++i) last = backoff.AfterFailure(FailureKind::kHttp);
  EXPECT_EQ(last, 320000);
}

}  // namespace
}  // namespace sluice::consumer
