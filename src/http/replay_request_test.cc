#include "http/replay_request.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

constexpr int64_t kNow = 1795428000000;  // 2026-11-23T10:00:00Z
constexpr int64_t kMinute = 60'000;

StreamConfig Decahose() {
  StreamConfig s;
  s.label = "firehose";
  s.kind = StreamKind::kDecahose;
  return s;
}

Result<ReplayRequest> Parse(const QueryParams& query, const StreamConfig& stream = Decahose(),
                            archive::ArchiveBounds bounds = {}) {
  return ParseReplayRequest(query, stream, kNow, bounds);
}

std::string ErrorOf(const QueryParams& query, const StreamConfig& stream = Decahose(),
                    archive::ArchiveBounds bounds = {}) {
  Result<ReplayRequest> r = Parse(query, stream, bounds);
  EXPECT_FALSE(r.ok());
  return r.ok() ? "" : r.status().message();
}

TEST(ReplayRequestTest, NoParametersIsRealtime) {
  Result<ReplayRequest> r = Parse({{"partition", "1"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->kind, ReplayRequest::Kind::kNone);
}

TEST(ReplayRequestTest, BackfillMinutesOneToFive) {
  for (int n = 1; n <= 5; ++n) {
    Result<ReplayRequest> r = Parse({{"backfillMinutes", std::to_string(n)}});
    ASSERT_TRUE(r.ok()) << n;
    EXPECT_EQ(r->kind, ReplayRequest::Kind::kBackfill);
    EXPECT_EQ(r->backfill_minutes, n);
  }
}

TEST(ReplayRequestTest, BadBackfillMinutesNamesTheParameter) {
  for (std::string bad : {"0", "6", "-1", "01", "1.0", "one", "", " 1", "99999999999999999999"}) {
    EXPECT_EQ(ErrorOf({{"backfillMinutes", bad}}),
              "Invalid backfillMinutes '" + bad + "': must be an integer from 1 to 5.");
  }
}

TEST(ReplayRequestTest, BackfillOffForTheStream) {
  StreamConfig s = Decahose();
  s.backfill = false;
  EXPECT_EQ(ErrorOf({{"backfillMinutes", "2"}}, s),
            "backfillMinutes is not available: backfill is not enabled for stream 'firehose'.");
}

TEST(ReplayRequestTest, BackfillAndRecoveryAtOnce) {
  EXPECT_EQ(ErrorOf({{"backfillMinutes", "2"}, {"endTime", "2026-11-23T09:00:00Z"}}),
            "backfillMinutes cannot be combined with startTime or endTime: reconnect with "
            "backfillMinutes, or ask for a recovery with startTime and endTime.");
}

TEST(ReplayRequestTest, RecoveryRangeDefaultsEndToNow) {
  Result<ReplayRequest> r = Parse({{"startTime", "2026-11-23T09:00:00Z"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->kind, ReplayRequest::Kind::kRecovery);
  EXPECT_EQ(r->start_ms, kNow - 60 * kMinute);
  EXPECT_EQ(r->end_ms, kNow);
}

TEST(ReplayRequestTest, FractionalSecondsAndExplicitEnd) {
  Result<ReplayRequest> r =
      Parse({{"startTime", "2026-11-23T09:00:00.250Z"}, {"endTime", "2026-11-23T09:30:00Z"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->start_ms, kNow - 60 * kMinute + 250);
  EXPECT_EQ(r->end_ms, kNow - 30 * kMinute);
}

TEST(ReplayRequestTest, EndTimeAlone) {
  EXPECT_EQ(ErrorOf({{"endTime", "2026-11-23T09:00:00Z"}}),
            "endTime requires startTime: a recovery request names the start of its range.");
}

TEST(ReplayRequestTest, UnparseableTimesNameTheParameter) {
  EXPECT_EQ(ErrorOf({{"startTime", "2026-11-23"}}),
            "Invalid startTime: '2026-11-23' is not a UTC time of the form YYYY-MM-DDTHH:mm:ssZ "
            "(bad time of day).");
  EXPECT_EQ(ErrorOf({{"startTime", "2026-11-23T09:00:00Z"}, {"endTime", "2026-11-23T25:00:00Z"}}),
            "Invalid endTime: '2026-11-23T25:00:00Z' is not a UTC time of the form "
            "YYYY-MM-DDTHH:mm:ssZ (no such date or time).");
}

TEST(ReplayRequestTest, EndTimeInTheFuture) {
  EXPECT_EQ(ErrorOf({{"startTime", "2026-11-23T09:00:00Z"}, {"endTime", "2026-11-23T10:00:01Z"}}),
            "endTime 2026-11-23T10:00:01.000Z is in the future (now 2026-11-23T10:00:00.000Z).");
}

TEST(ReplayRequestTest, StartMustBeBeforeEnd) {
  EXPECT_EQ(ErrorOf({{"startTime", "2026-11-23T09:00:00Z"}, {"endTime", "2026-11-23T09:00:00Z"}}),
            "startTime 2026-11-23T09:00:00.000Z must be before endTime 2026-11-23T09:00:00.000Z.");
  EXPECT_FALSE(Parse({{"startTime", "2026-11-23T10:00:00Z"}}).ok()) << "start = now = end";
}

TEST(ReplayRequestTest, WindowPerKindAndConfigured) {
  // Decahose: 5 days by default.
  EXPECT_TRUE(Parse({{"startTime", "2026-11-18T10:00:00Z"}}).ok());
  EXPECT_EQ(ErrorOf({{"startTime", "2026-11-18T09:59:59.999Z"}}),
            "startTime 2026-11-18T09:59:59.999Z is outside the recovery window of stream "
            "'firehose': it must be within the last 5 days (no earlier than "
            "2026-11-18T10:00:00.000Z).");
  StreamConfig powertrack;
  powertrack.label = "prod";
  EXPECT_TRUE(Parse({{"startTime", "2026-11-22T10:00:00Z"}}, powertrack).ok());
  EXPECT_NE(
      ErrorOf({{"startTime", "2026-11-22T09:59:00Z"}}, powertrack).find("within the last 24 hours"),
      std::string::npos);
  StreamConfig short_window = Decahose();
  short_window.recovery_window_ms = 90 * kMinute;
  EXPECT_NE(ErrorOf({{"startTime", "2026-11-23T08:00:00Z"}}, short_window)
                .find("within the last 90 minutes"),
            std::string::npos);
}

TEST(ReplayRequestTest, RangeDeletedByRetentionIsRefusedNotClamped) {
  archive::ArchiveBounds bounds{};
  bounds.deleted_through_ms = kNow - 30 * kMinute;
  EXPECT_EQ(ErrorOf({{"startTime", "2026-11-23T09:15:00Z"}}, Decahose(), bounds),
            "startTime 2026-11-23T09:15:00.000Z is in a range the archive no longer holds: "
            "retention deleted posts up to 2026-11-23T09:30:00.000Z; ask for a later startTime.");
  EXPECT_TRUE(Parse({{"startTime", "2026-11-23T09:30:00.001Z"}}, Decahose(), bounds).ok());
}

}  // namespace
}  // namespace sluice
