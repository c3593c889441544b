#include "http/usage_request.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

constexpr int64_t kH0 = int64_t{1795392000000};  // 2026-11-23T00:00:00Z
constexpr int64_t kNow = kH0 + 13 * kHourMs + 30 * kMinuteMs + 5;

UsageQuery MustParse(const QueryParams& params, int64_t now_ms = kNow) {
  auto parsed = ParseUsageQuery(params, now_ms);
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
  return parsed.ok() ? *parsed : UsageQuery{};
}

std::string ErrorOf(const QueryParams& params) {
  auto parsed = ParseUsageQuery(params, kNow);
  EXPECT_FALSE(parsed.ok());
  if (parsed.ok()) return "";
  EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
  return parsed.status().message();
}

TEST(FormatUsageDateTest, WritesTwelveDigits) {
  EXPECT_EQ(FormatUsageDate(kH0), "202611230000");
  EXPECT_EQ(FormatUsageDate(kNow), "202611231330");
  EXPECT_EQ(FormatUsageDate(0), "197001010000");
}

TEST(ParseUsageQueryTest, DefaultsToTheDayEndingWithTheCurrentHour) {
  EXPECT_EQ(MustParse({}), (UsageQuery{kH0 - 10 * kHourMs, kH0 + 14 * kHourMs}));
}

TEST(ParseUsageQueryTest, DefaultToDateOnAnHourBoundaryIncludesThatHour) {
  EXPECT_EQ(MustParse({}, kH0), (UsageQuery{kH0 - 23 * kHourMs, kH0 + kHourMs}));
}

TEST(ParseUsageQueryTest, ToDateAloneMeansTheDayBeforeIt) {
  EXPECT_EQ(MustParse({{"toDate", "202611230000"}}), (UsageQuery{kH0 - 24 * kHourMs, kH0}));
}

TEST(ParseUsageQueryTest, FromDateAloneRunsToTheEndOfTheCurrentHour) {
  EXPECT_EQ(MustParse({{"fromDate", "202611230000"}}), (UsageQuery{kH0, kH0 + 14 * kHourMs}));
}

TEST(ParseUsageQueryTest, DatesAreTruncatedToTheHour) {
  EXPECT_EQ(MustParse({{"fromDate", "202611230159"}, {"toDate", "202611230530"}}),
            (UsageQuery{kH0 + kHourMs, kH0 + 5 * kHourMs}));
}

TEST(ParseUsageQueryTest, FutureToDateIsAccepted) {
  EXPECT_EQ(MustParse({{"fromDate", "202612010000"}, {"toDate", "202612020000"}}),
            (UsageQuery{kH0 + 8 * kDayMs, kH0 + 9 * kDayMs}));
}

TEST(ParseUsageQueryTest, LeapDayIsADate) {
  EXPECT_EQ(MustParse({{"fromDate", "202402290000"}, {"toDate", "202403010000"}}).to_ms -
                MustParse({{"fromDate", "202402290000"}, {"toDate", "202403010000"}}).from_ms,
            kDayMs);
}

TEST(ParseUsageQueryTest, ThirtyOneDaysIsTheLongestRange) {
  EXPECT_EQ(MustParse({{"fromDate", "202611010000"}, {"toDate", "202612020000"}}).to_ms -
                MustParse({{"fromDate", "202611010000"}, {"toDate", "202612020000"}}).from_ms,
            kMaxUsageRangeMs);
}

TEST(ParseUsageQueryTest, HourBucketIsAcceptedOtherParametersIgnored) {
  EXPECT_EQ(MustParse({{"bucket", "hour"}, {"foo", "bar"}}), MustParse({}));
}

TEST(ParseUsageQueryTest, MalformedFromDate) {
  EXPECT_EQ(ErrorOf({{"fromDate", "2026-11"}}),
            "fromDate '2026-11' is not a UTC time of the form YYYYMMDDHHMM");
}

TEST(ParseUsageQueryTest, MalformedToDate) {
  EXPECT_EQ(ErrorOf({{"toDate", "20261123000"}}),
            "toDate '20261123000' is not a UTC time of the form YYYYMMDDHHMM");
  EXPECT_EQ(ErrorOf({{"toDate", "2026112300000"}}),
            "toDate '2026112300000' is not a UTC time of the form YYYYMMDDHHMM");
  EXPECT_EQ(ErrorOf({{"toDate", "2026-1123000"}}),
            "toDate '2026-1123000' is not a UTC time of the form YYYYMMDDHHMM");
}

TEST(ParseUsageQueryTest, EmptyDate) {
  EXPECT_EQ(ErrorOf({{"fromDate", ""}}), "fromDate '' is not a UTC time of the form YYYYMMDDHHMM");
}

TEST(ParseUsageQueryTest, ImpossibleDates) {
  EXPECT_EQ(ErrorOf({{"fromDate", "202602290000"}}),
            "fromDate '202602290000' is not a UTC time of the form YYYYMMDDHHMM (no such date)");
  EXPECT_EQ(ErrorOf({{"toDate", "202613010000"}}),
            "toDate '202613010000' is not a UTC time of the form YYYYMMDDHHMM (no such date)");
  EXPECT_EQ(ErrorOf({{"toDate", "202611000000"}}),
            "toDate '202611000000' is not a UTC time of the form YYYYMMDDHHMM (no such date)");
  EXPECT_EQ(ErrorOf({{"fromDate", "202611232400"}}),
            "fromDate '202611232400' is not a UTC time of the form YYYYMMDDHHMM (hour above 23)");
  EXPECT_EQ(ErrorOf({{"toDate", "202611231260"}}),
            "toDate '202611231260' is not a UTC time of the form YYYYMMDDHHMM (minute above 59)");
}

TEST(ParseUsageQueryTest, EchoedValueIsShortAndPrintable) {
  EXPECT_EQ(ErrorOf({{"fromDate", "2026\n\"\xc3\xa9"}}),
            "fromDate '2026?\"?\?' is not a UTC time of the form YYYYMMDDHHMM");
  EXPECT_EQ(
      ErrorOf({{"fromDate", std::string(100, '7')}}),
      "fromDate '" + std::string(40, '7') + "...' is not a UTC time of the form YYYYMMDDHHMM");
}

TEST(ParseUsageQueryTest, FromDateMustBeBeforeToDate) {
  EXPECT_EQ(ErrorOf({{"fromDate", "202611240000"}, {"toDate", "202611230000"}}),
            "fromDate (202611240000) must be before toDate (202611230000); both are truncated "
            "to the hour");
  // Different minutes of one hour are the same hour.
  EXPECT_EQ(ErrorOf({{"fromDate", "202611231310"}, {"toDate", "202611231350"}}),
            "fromDate (202611231300) must be before toDate (202611231300); both are truncated "
            "to the hour");
}

TEST(ParseUsageQueryTest, RangeOverThirtyOneDays) {
  EXPECT_EQ(ErrorOf({{"fromDate", "202611010000"}, {"toDate", "202612020100"}}),
            "fromDate (202611010000) to toDate (202612020100) spans 745 hours; at most 744 (31 "
            "days) at once");
  // With the default toDate too.
  EXPECT_EQ(ErrorOf({{"fromDate", "202610010000"}}),
            "fromDate (202610010000) to toDate (202611231400) spans 1286 hours; at most 744 (31 "
            "days) at once");
}

TEST(ParseUsageQueryTest, OnlyHourBuckets) {
  EXPECT_EQ(ErrorOf({{"bucket", "day"}}), "bucket 'day' is not supported (only 'hour')");
}

TEST(RenderUsageTest, SmallCase) {
  const UsageQuery query{kH0, kH0 + kDayMs};
  const std::vector<StreamUsageRows> streams = {
      {"prod", "powertrack", {{kH0 + 13 * kHourMs, 12}, {kH0 + 14 * kHourMs, 3}}},
      {"dev", "powertrack", {}},
      {"decahose", "decahose", {{kH0 + 13 * kHourMs, 5}}},
  };
  EXPECT_EQ(RenderUsage("acme", query, streams, kH0 + kDayMs + 1234),
            R"({"account":{"name":"acme"},"bucket":"hour","fromDate":"202611230000",)"
            R"("toDate":"202611240000","publishers":[{"type":"twitter","activities":20,)"
            R"("used":[{"timePeriod":"202611231300","activities":17},)"
            R"({"timePeriod":"202611231400","activities":3}],"streams":[)"
            R"({"name":"decahose","type":"decahose","activities":5,)"
            R"("used":[{"timePeriod":"202611231300","activities":5}]},)"
            R"({"name":"dev","type":"powertrack","activities":0,"used":[]},)"
            R"({"name":"prod","type":"powertrack","activities":15,)"
            R"("used":[{"timePeriod":"202611231300","activities":12},)"
            R"({"timePeriod":"202611231400","activities":3}]}]}],)"
            R"("sent":"2026-11-24T00:00:01.234Z"})");
}

TEST(RenderUsageTest, RowsOutsideTheQueryOrZeroAreLeftOut) {
  const UsageQuery query{kH0, kH0 + 2 * kHourMs};
  const std::vector<StreamUsageRows> streams = {
      {"prod",
       "powertrack",
       {{kH0 - kHourMs, 9}, {kH0, 0}, {kH0 + kHourMs, 1}, {kH0 + 2 * kHourMs, 9}}},
  };
  EXPECT_EQ(RenderUsage("acme", query, streams, kH0),
            R"({"account":{"name":"acme"},"bucket":"hour","fromDate":"202611230000",)"
            R"("toDate":"202611230200","publishers":[{"type":"twitter","activities":1,)"
            R"("used":[{"timePeriod":"202611230100","activities":1}],"streams":[)"
            R"({"name":"prod","type":"powertrack","activities":1,)"
            R"("used":[{"timePeriod":"202611230100","activities":1}]}]}],)"
            R"("sent":"2026-11-23T00:00:00.000Z"})");
}

TEST(RenderUsageTest, NoStreamsAndEscapedNames) {
  EXPECT_EQ(RenderUsage("a\"b", UsageQuery{kH0, kH0 + kHourMs}, {}, kH0),
            R"({"account":{"name":"a\"b"},"bucket":"hour","fromDate":"202611230000",)"
            R"("toDate":"202611230100","publishers":[{"type":"twitter","activities":0,)"
            R"("used":[],"streams":[]}],"sent":"2026-11-23T00:00:00.000Z"})");
}

}  // namespace
}  // namespace sluice
