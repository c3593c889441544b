#include "consumer/coverage.h"

#include <gtest/gtest.h>

namespace sluice::consumer {
namespace {

using Intervals = std::vector<TimeInterval>;

Coverage Sample() {
  Coverage coverage;
  coverage.AddCovered({1000, 5000});
  coverage.AddCovered({8000, 9000});
  coverage.AddCovered({12000, 20000});
  coverage.AddLost({5000, 6000});
  return coverage;
}

TEST(CoverageTest, NothingCoveredHasNoOriginAndNoGaps) {
  Coverage coverage;
  EXPECT_FALSE(coverage.origin_ms().has_value());
  EXPECT_TRUE(coverage.Gaps(1000000).empty());
}

TEST(CoverageTest, OriginIsStartOfFirstCoveredTime) {
  Coverage coverage;
  coverage.AddCovered({5000, 6000});
  EXPECT_EQ(coverage.origin_ms(), 5000);
  coverage.AddCovered({2000, 3000});
  EXPECT_EQ(coverage.origin_ms(), 2000);
}

TEST(CoverageTest, GapsAreHolesOfCoveredAndLost) {
  const Coverage coverage = Sample();
  EXPECT_EQ(coverage.Gaps(25000), (Intervals{{6000, 8000}, {9000, 12000}, {20000, 25000}}));
  EXPECT_EQ(coverage.Gaps(20000), (Intervals{{6000, 8000}, {9000, 12000}}));
}

TEST(CoverageTest, FilledGapDisappears) {
  Coverage coverage = Sample();
  coverage.AddCovered({6000, 8000});
  EXPECT_EQ(coverage.Gaps(20000), (Intervals{{9000, 12000}}));
}

TEST(CoverageTest, CheckpointRoundTrip) {
  const Coverage coverage = Sample();
  const std::string text = coverage.ToCheckpoint();
  EXPECT_EQ(text,
            "sluice-coverage 1\n"
            "origin 1000\n"
            "covered 1000 5000\n"
            "covered 8000 9000\n"
            "covered 12000 20000\n"
            "lost 5000 6000\n"
            "end 4\n");
  const Result<Coverage> back = Coverage::FromCheckpoint(text);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, coverage);
  EXPECT_EQ(back->Gaps(25000), coverage.Gaps(25000));
}

TEST(CoverageTest, EmptyCoverageRoundTrip) {
  const Coverage coverage;
  EXPECT_EQ(coverage.ToCheckpoint(), "sluice-coverage 1\norigin none\nend 0\n");
  const Result<Coverage> back = Coverage::FromCheckpoint(coverage.ToCheckpoint());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, coverage);
}

TEST(CoverageTest, NegativeTimesRoundTrip) {
  Coverage coverage;
  coverage.AddCovered({-5000, -1000});
  const Result<Coverage> back = Coverage::FromCheckpoint(coverage.ToCheckpoint());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, coverage);
}

void ExpectCorrupt(std::string_view text, std::string_view fragment) {
  const Result<Coverage> result = Coverage::FromCheckpoint(text);
  ASSERT_FALSE(result.ok()) << text;
  EXPECT_EQ(result.status().code(), StatusCode::kCorruption);
  EXPECT_NE(result.status().message().find(fragment), std::string::npos)
      << result.status().message();
}

TEST(CoverageTest, EmptyTextIsCorrupt) { ExpectCorrupt("", "line 1: empty checkpoint"); }

TEST(CoverageTest, WrongMagicIsCorrupt) {
  ExpectCorrupt("hello 1\norigin none\nend 0\n", "line 1: not a coverage checkpoint");
}

TEST(CoverageTest, UnknownVersionIsCorrupt) {
  ExpectCorrupt("sluice-coverage 2\norigin none\nend 0\n", "line 1: unsupported version '2'");
}

TEST(CoverageTest, TruncatedCheckpointIsCorrupt) {
  const std::string text = Sample().ToCheckpoint();
  // Every proper prefix is refused: a torn line, or a missing end line.
  for (size_t cut = 0; cut < text.size(); ++cut) {
    EXPECT_FALSE(Coverage::FromCheckpoint(text.substr(0, cut)).ok()) << "cut at " << cut;
  }
  ExpectCorrupt("sluice-coverage 1\norigin 1000\ncovered 1000 5000\n", "line 4: missing end line");
  ExpectCorrupt("sluice-coverage 1\norigin 1000\ncovered 1000 50", "line 3: line has no end");
}

TEST(CoverageTest, BadNumberIsCorruptWithLine) {
  ExpectCorrupt("sluice-coverage 1\norigin 1000\ncovered 1000 5x00\nend 1\n",
                "line 3: expected 'covered BEGIN_MS END_MS'");
  ExpectCorrupt("sluice-coverage 1\norigin soon\nend 0\n", "line 2: bad origin");
}

TEST(CoverageTest, MissingOriginIsCorrupt) {
  ExpectCorrupt("sluice-coverage 1\ncovered 1 2\nend 1\n", "line 2: expected 'origin MS|none'");
}

TEST(CoverageTest, UnsortedOrOverlappingIntervalsAreCorrupt) {
  ExpectCorrupt("sluice-coverage 1\norigin 0\ncovered 10 20\ncovered 5 8\nend 2\n",
                "line 4: interval not after the previous one");
  ExpectCorrupt("sluice-coverage 1\norigin 0\ncovered 10 20\ncovered 20 30\nend 2\n",
                "line 4: interval not after the previous one");
  ExpectCorrupt("sluice-coverage 1\norigin 0\ncovered 10 10\nend 1\n", "line 3: empty interval");
}

TEST(CoverageTest, CoveredBeforeOriginIsCorrupt) {
  ExpectCorrupt("sluice-coverage 1\norigin 100\ncovered 10 20\nend 1\n",
                "line 3: covered interval before the origin");
}

TEST(CoverageTest, WrongEndCountIsCorrupt) {
  ExpectCorrupt("sluice-coverage 1\norigin 0\ncovered 10 20\nend 2\n",
                "line 4: end line counts 2 intervals, the checkpoint has 1");
}

TEST(CoverageTest, UnknownRecordAndTrailingTextAreCorrupt) {
  ExpectCorrupt("sluice-coverage 1\norigin 0\nhole 1 2\nend 0\n", "line 3: unknown record 'hole'");
  ExpectCorrupt("sluice-coverage 1\norigin none\nend 0\nextra\n", "line 4: text after the end");
  ExpectCorrupt("sluice-coverage 1\norigin 0\nlost 1 2\ncovered 3 4\nend 2\n",
                "line 4: covered interval after lost");
}

TEST(CoverageTest, DropBeforeMovesOriginSoForgottenTimeIsNoGap) {
  Coverage coverage = Sample();
  coverage.DropBefore(10000);
  EXPECT_EQ(coverage.origin_ms(), 10000);
  EXPECT_EQ(coverage.covered().intervals(), (Intervals{{12000, 20000}}));
  EXPECT_TRUE(coverage.lost().empty());
  EXPECT_EQ(coverage.Gaps(21000), (Intervals{{10000, 12000}, {20000, 21000}}));
  const Result<Coverage> back = Coverage::FromCheckpoint(coverage.ToCheckpoint());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, coverage);
}

}  // namespace
}  // namespace sluice::consumer
