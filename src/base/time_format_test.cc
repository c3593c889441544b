#include "base/time_format.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

TEST(UtcHourStartTest, RoundsDownToTheHour) {
  constexpr int64_t kT = 1795428000000;  // 2026-11-23T10:00:00Z
  EXPECT_EQ(UtcHourStartMs(kT), kT);
  EXPECT_EQ(UtcHourStartMs(kT + 1), kT);
  EXPECT_EQ(UtcHourStartMs(kT + 3'599'999), kT);
  EXPECT_EQ(UtcHourStartMs(kT + 3'600'000), kT + 3'600'000);
  EXPECT_EQ(UtcHourStartMs(kT - 1), kT - 3'600'000);
}

TEST(UtcHourStartTest, RoundsDownBefore1970Too) {
  EXPECT_EQ(UtcHourStartMs(0), 0);
  EXPECT_EQ(UtcHourStartMs(-1), -3'600'000);
  EXPECT_EQ(UtcHourStartMs(-3'600'000), -3'600'000);
}

}  // namespace
}  // namespace sluice
