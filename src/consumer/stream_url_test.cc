#include "consumer/stream_url.h"

#include <gtest/gtest.h>

namespace sluice::consumer {
namespace {

constexpr std::string_view kPowerTrack =
    "http://127.0.0.1:8080/stream/powertrack/accounts/demo/publishers/twitter/prod.json";
constexpr std::string_view kDecahose =
    "http://127.0.0.1:8080/stream/sample10/accounts/demo/publishers/twitter/decahose.json"
    "?partition=1";
constexpr std::string_view kV2 = "http://127.0.0.1:8080/2/tweets/search/stream";
constexpr int64_t kT = 1763856000123;  // 2025-11-23T00:00:00.123Z

TEST(StreamUrlTest, EnterpriseBackfill) {
  EXPECT_EQ(WithBackfill(kPowerTrack, Dialect::kEnterprise, 2),
            std::string(kPowerTrack) + "?backfillMinutes=2");
}

TEST(StreamUrlTest, V2Backfill) {
  EXPECT_EQ(WithBackfill(kV2, Dialect::kV2, 5), std::string(kV2) + "?backfill_minutes=5");
}

TEST(StreamUrlTest, BackfillKeepsUserQuery) {
  EXPECT_EQ(WithBackfill(kDecahose, Dialect::kEnterprise, 3),
            std::string(kDecahose) + "&backfillMinutes=3");
}

TEST(StreamUrlTest, BackfillReplacesEarlierReplayParameters) {
  const std::string url =
      std::string(kDecahose) + "&backfillMinutes=5&startTime=2025-11-23T00:00:00Z&x=y&end_time=z";
  EXPECT_EQ(WithBackfill(url, Dialect::kEnterprise, 1),
            std::string(kDecahose) + "&x=y&backfillMinutes=1");
}

TEST(StreamUrlTest, ZeroMinutesRemovesBackfill) {
  EXPECT_EQ(WithBackfill(std::string(kPowerTrack) + "?backfillMinutes=5", Dialect::kEnterprise, 0),
            kPowerTrack);
  EXPECT_EQ(WithBackfill(std::string(kDecahose) + "&backfillMinutes=5", Dialect::kEnterprise, 0),
            kDecahose);
}

TEST(StreamUrlTest, EnterpriseRecoveryWithMilliseconds) {
  EXPECT_EQ(WithRecovery(kPowerTrack, Dialect::kEnterprise, {kT, kT + 3600000}),
            std::string(kPowerTrack) +
                "?startTime=2025-11-23T00:00:00.123Z&endTime=2025-11-23T01:00:00.123Z");
}

TEST(StreamUrlTest, V2RecoveryKeepsPartition) {
  const std::string url = "http://h/2/tweets/sample10/stream?partition=2&backfill_minutes=5";
  EXPECT_EQ(WithRecovery(url, Dialect::kV2, {kT, kT + 1000}),
            "http://h/2/tweets/sample10/stream?partition=2"
            "&start_time=2025-11-23T00:00:00.123Z&end_time=2025-11-23T00:00:01.123Z");
}

TEST(StreamUrlTest, RecoveryReplacesBackfill) {
  EXPECT_EQ(WithRecovery(std::string(kPowerTrack) + "?backfillMinutes=5", Dialect::kEnterprise,
                         {kT, kT + 1}),
            std::string(kPowerTrack) +
                "?startTime=2025-11-23T00:00:00.123Z&endTime=2025-11-23T00:00:00.124Z");
}

TEST(StreamUrlTest, ParameterNamesAreMatchedWholly) {
  const std::string url = std::string(kPowerTrack) + "?startTimeX=1&mystartTime=2";
  EXPECT_EQ(WithoutReplayParameters(url), url);
}

TEST(StreamUrlTest, DefaultRecoveryWindow) {
  EXPECT_EQ(DefaultRecoveryWindowMs(kPowerTrack), 24 * 3600000LL);
  EXPECT_EQ(DefaultRecoveryWindowMs(kDecahose), 5 * 24 * 3600000LL);
  EXPECT_EQ(DefaultRecoveryWindowMs("http://h/2/tweets/sample10/stream?partition=1"),
            5 * 24 * 3600000LL);
  EXPECT_EQ(DefaultRecoveryWindowMs(kV2), 24 * 3600000LL);
  EXPECT_EQ(DefaultRecoveryWindowMs(
                "http://h/stream/sample1/accounts/demo/publishers/twitter/sample.json"),
            24 * 3600000LL);
}

}  // namespace
}  // namespace sluice::consumer
