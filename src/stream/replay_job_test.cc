#include "stream/replay_job.h"

#include <gtest/gtest.h>

#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "archive/archive_test_util.h"
#include "base/clock.h"
#include "base/snowflake.h"
#include "gzip/gzip_test_util.h"
#include "post/sample.h"
#include "stream/stream_registry.h"

namespace sluice {
namespace {

using archive::testing::TempDir;

constexpr uint64_t kNoLimit = std::numeric_limits<uint64_t>::max();
constexpr int64_t kHourMs = 3'600'000;
// 2026-01-01T10:00:00Z, the start of an hour.
constexpr int64_t kT0 = 1767261600000;

// A post id created at `ms` past the second `second_ms` whose Decahose partition is `partition`
// (1 or 2), or outside the Decahose (0). `n` makes ids of one millisecond distinct.
uint64_t IdIn(int partition, int64_t second_ms, uint64_t n) {
  const int ms = partition == 0 ? 100 : partition == 1 ? 600 : 601;
  return MakeSnowflake(second_ms + ms, 1, n);
}

std::string PostText(uint64_t id) { return "{\"id\":" + std::to_string(id) + "}"; }

class ReplayJobTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.accounts = {
        AccountConfig{"acme", {}, {StreamConfig{"decahose", StreamKind::kDecahose}}, {}}};
    registry_ = std::make_unique<StreamRegistry>(config_, metrics_);
    stream_ = registry_->FindStream("acme", "decahose");
    ASSERT_NE(stream_, nullptr);
    OpenWriter();
  }

  void OpenWriter(uint64_t segment_max_bytes = uint64_t{256} << 20) {
    archive::WriterOptions options;
    options.dir = dir_.path();
    options.segment_max_bytes = segment_max_bytes;
    auto writer = archive::Writer::Open(options, clock_, nullptr, nullptr);
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    writer_ = std::move(writer).value();
  }

  // Appends one group of posts with archive time `time_ms`; returns its first sequence.
  uint64_t Append(int64_t time_ms, const std::vector<uint64_t>& ids) {
    clock_.SetMs(time_ms);
    std::vector<std::string> texts;
    for (const uint64_t id : ids) texts.push_back(PostText(id));
    std::vector<archive::Record> records;
    for (size_t i = 0; i < ids.size(); ++i) records.push_back({ids[i], texts[i]});
    auto appended = writer_->Append(records);
    EXPECT_TRUE(appended.ok()) << appended.status().ToString();
    return appended.ok() ? appended->first_seq : 0;
  }

  std::unique_ptr<ReplayJob> Job(int channel, int64_t start_ms,
                                 std::optional<int64_t> end_ms = std::nullopt, bool gzip = false,
                                 ReplayBudget budget = {}) {
    return std::make_unique<ReplayJob>(dir_.path(), writer_->index(), *stream_, channel, start_ms,
                                       end_ms, gzip, budget);
  }

  // Steps until a step reports the end, the limit, or no progress; returns every step.
  static std::vector<ReplayStep> Drain(ReplayJob& job, uint64_t limit = kNoLimit) {
    std::vector<ReplayStep> steps;
    uint64_t position = 0;
    for (int i = 0; i < 100000; ++i) {
      ReplayStep step = job.Step(limit);
      EXPECT_TRUE(step.status.ok()) << step.status.ToString();
      const bool progressed = step.position != position || step.chunk != nullptr;
      position = step.position;
      const bool stop = !step.status.ok() || step.reached_end || step.reached_limit || !progressed;
      steps.push_back(std::move(step));
      if (stop) break;
    }
    return steps;
  }

  static std::string PlainOf(const std::vector<ReplayStep>& steps) {
    std::string all;
    for (const ReplayStep& s : steps) {
      if (s.chunk) all += s.chunk->plain;
    }
    return all;
  }

  static std::string Lines(const std::vector<uint64_t>& ids) {
    std::string all;
    for (const uint64_t id : ids) all += PostText(id) + "\r\n";
    return all;
  }

  TempDir dir_;
  ManualClock clock_{kT0};
  ServerConfig config_;
  MetricsRegistry metrics_;
  std::unique_ptr<StreamRegistry> registry_;
  Stream* stream_ = nullptr;
  std::unique_ptr<archive::Writer> writer_;
};

TEST_F(ReplayJobTest, EachPartitionGetsExactlyItsPostsInOrder) {
  std::vector<uint64_t> want[2];
  for (int second = 0; second < 20; ++second) {
    std::vector<uint64_t> ids;
    for (uint64_t n = 0; n < 6; ++n) {
      const int partition = static_cast<int>(n % 3);  // 0: not in the Decahose
      const uint64_t id = IdIn(partition, kT0 + second * 1000, n);
      ids.push_back(id);
      ASSERT_EQ(stream_->ChannelFor(id), partition - 1);
      if (partition > 0) want[partition - 1].push_back(id);
    }
    Append(kT0 + second * 1000, ids);
  }
  for (int channel = 0; channel < 2; ++channel) {
    auto job = Job(channel, kT0);
    const std::vector<ReplayStep> steps = Drain(*job);
    EXPECT_EQ(PlainOf(steps), Lines(want[channel])) << "channel " << channel;
    uint32_t posts = 0;
    for (const ReplayStep& s : steps) {
      if (!s.chunk) continue;
      posts += s.chunk->posts;
      EXPECT_EQ(s.chunk->seqs.size(), s.chunk->posts);
      EXPECT_EQ(s.chunk->first_seq, s.chunk->seqs.front());
      EXPECT_EQ(s.chunk->end_seq, s.chunk->seqs.back() + 1);
    }
    EXPECT_EQ(posts, want[channel].size());
    EXPECT_EQ(steps.back().position, writer_->next_seq());
  }
}

TEST_F(ReplayJobTest, RecordAtTheLimitIsNotConsumedAndComesWithALaterStep) {
  std::vector<uint64_t> ids;
  for (uint64_t n = 0; n < 10; ++n) ids.push_back(IdIn(1, kT0, n));
  const uint64_t first = Append(kT0 + 5, ids);
  ASSERT_EQ(first, 1u);
  auto job = Job(0, kT0);
  ReplayStep step = job->Step(5);
  ASSERT_TRUE(step.status.ok());
  ASSERT_NE(step.chunk, nullptr);
  EXPECT_EQ(step.chunk->seqs, (std::vector<uint64_t>{1, 2, 3, 4}));
  EXPECT_EQ(step.position, 5u);
  EXPECT_TRUE(step.reached_limit);
  EXPECT_FALSE(step.reached_end);
  // The same limit again: nothing more, the position stays.
  step = job->Step(5);
  EXPECT_EQ(step.chunk, nullptr);
  EXPECT_EQ(step.position, 5u);
  EXPECT_TRUE(step.reached_limit);
  // A higher limit returns the record that stopped the first step.
  step = job->Step(8);
  ASSERT_NE(step.chunk, nullptr);
  EXPECT_EQ(step.chunk->seqs, (std::vector<uint64_t>{5, 6, 7}));
  EXPECT_EQ(step.chunk->cover_begin, 5u);
  EXPECT_EQ(step.chunk->cover_end, 8u);
  step = job->Step(kNoLimit);
  ASSERT_NE(step.chunk, nullptr);
  EXPECT_EQ(step.chunk->seqs, (std::vector<uint64_t>{8, 9, 10}));
  EXPECT_EQ(step.position, 11u);
  EXPECT_FALSE(step.reached_limit);
}

TEST_F(ReplayJobTest, LimitOnARecordOfAnotherChannelStopsThere) {
  // seq 1, 2: partition 2 (not ours); 3, 4: ours.
  Append(kT0, {IdIn(2, kT0, 0), IdIn(2, kT0, 1), IdIn(1, kT0, 2), IdIn(1, kT0, 3)});
  auto job = Job(0, kT0);
  ReplayStep step = job->Step(2);
  EXPECT_EQ(step.chunk, nullptr);
  EXPECT_EQ(step.position, 2u);
  EXPECT_TRUE(step.reached_limit);
  step = job->Step(4);
  ASSERT_NE(step.chunk, nullptr);
  EXPECT_EQ(step.chunk->seqs, (std::vector<uint64_t>{3}));
  EXPECT_EQ(step.chunk->cover_begin, 2u);
  EXPECT_EQ(step.chunk->cover_end, 4u);
  EXPECT_EQ(step.position, 4u);
  EXPECT_TRUE(step.reached_limit);
}

TEST_F(ReplayJobTest, StopsAtTheFirstRecordAtOrAfterTheEndTime) {
  Append(kT0 + 10, {IdIn(1, kT0, 0), IdIn(2, kT0, 1)});
  Append(kT0 + 20, {IdIn(1, kT0, 2)});
  Append(kT0 + 30, {IdIn(2, kT0, 3), IdIn(1, kT0, 4)});  // seq 4, 5: at the end time
  Append(kT0 + 40, {IdIn(1, kT0, 5)});
  auto job = Job(0, kT0, kT0 + 30);
  ReplayStep step = job->Step(kNoLimit);
  ASSERT_TRUE(step.status.ok());
  ASSERT_NE(step.chunk, nullptr);
  EXPECT_EQ(step.chunk->seqs, (std::vector<uint64_t>{1, 3}));
  EXPECT_TRUE(step.reached_end);
  EXPECT_EQ(step.position, 4u);
  EXPECT_EQ(step.position_time_ms, kT0 + 20);
  // Done: later steps return nothing more.
  step = job->Step(kNoLimit);
  EXPECT_EQ(step.chunk, nullptr);
  EXPECT_TRUE(step.reached_end);
  EXPECT_EQ(step.position, 4u);
}

TEST_F(ReplayJobTest, EndTimeBeforeTheLimitIsReportedEvenWhenNoPostMatched) {
  Append(kT0, {IdIn(2, kT0, 0), IdIn(0, kT0, 1)});
  Append(kT0 + 50, {IdIn(1, kT0, 2)});
  auto job = Job(0, kT0, kT0 + 50);
  const ReplayStep step = job->Step(kNoLimit);
  EXPECT_EQ(step.chunk, nullptr);
  EXPECT_TRUE(step.reached_end);
  EXPECT_EQ(step.position, 3u);
}

TEST_F(ReplayJobTest, ChunksAreCutWhereTheArchiveHourChanges) {
  const int64_t hour = kT0 + kHourMs;
  Append(hour - 100, {IdIn(1, kT0, 0), IdIn(1, kT0, 1)});
  Append(hour - 50, {IdIn(2, kT0, 2)});  // not ours, still the first hour
  Append(hour + 100, {IdIn(1, hour, 3)});
  Append(hour + kHourMs + 1, {IdIn(2, hour, 4), IdIn(1, hour, 5)});
  auto job = Job(0, kT0);
  std::vector<ReplayStep> steps = Drain(*job);
  std::vector<const StreamChunk*> chunks;
  for (const ReplayStep& s : steps) {
    if (s.chunk) chunks.push_back(s.chunk.get());
  }
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[0]->hour_ms, kT0);
  EXPECT_EQ(chunks[0]->seqs, (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(chunks[1]->hour_ms, hour);
  EXPECT_EQ(chunks[1]->seqs, (std::vector<uint64_t>{4}));
  EXPECT_EQ(chunks[2]->hour_ms, hour + kHourMs);
  EXPECT_EQ(chunks[2]->seqs, (std::vector<uint64_t>{6}));
  // The covers tile the sequence without a gap or an overlap.
  EXPECT_EQ(chunks[0]->cover_begin, 1u);
  EXPECT_EQ(chunks[0]->cover_end, chunks[1]->cover_begin);
  EXPECT_EQ(chunks[1]->cover_end, chunks[2]->cover_begin);
  EXPECT_EQ(chunks[2]->cover_end, 7u);
}

TEST_F(ReplayJobTest, GzipChunkCarriesADeflatedBlockOfItsPlainBytes) {
  std::vector<uint64_t> ids;
  for (uint64_t n = 0; n < 50; ++n) ids.push_back(IdIn(1, kT0, n));
  Append(kT0, ids);
  auto job = Job(0, kT0, std::nullopt, /*gzip=*/true);
  const ReplayStep step = job->Step(kNoLimit);
  ASSERT_NE(step.chunk, nullptr);
  ASSERT_TRUE(step.chunk->deflated.has_value());
  EXPECT_EQ(step.chunk->plain, Lines(ids));
  gzip::testing::SimulatedConnection connection;
  connection.Send(*step.chunk->deflated);
  connection.CloseCleanly();
  const gzip::testing::InflateOutcome outcome = gzip::testing::InflateGzip(connection.wire());
  EXPECT_TRUE(outcome.clean()) << "zlib code " << outcome.last_code;
  EXPECT_TRUE(outcome.plain == step.chunk->plain);
  // Without gzip no block is made.
  auto plain_job = Job(0, kT0);
  const ReplayStep plain_step = plain_job->Step(kNoLimit);
  ASSERT_NE(plain_step.chunk, nullptr);
  EXPECT_FALSE(plain_step.chunk->deflated.has_value());
}

TEST_F(ReplayJobTest, SmallBudgetsGiveContiguousCoversAndBoundedSteps) {
  // Many segments, so that steps also cross segment ends.
  writer_.reset();
  OpenWriter(/*segment_max_bytes=*/2 << 10);
  std::vector<uint64_t> want;
  for (int second = 0; second < 60; ++second) {
    std::vector<uint64_t> ids;
    for (uint64_t n = 0; n < 8; ++n) {
      const uint64_t id = IdIn(static_cast<int>(n % 3), kT0 + second * 1000, n);
      ids.push_back(id);
      if (n % 3 == 1) want.push_back(id);
    }
    Append(kT0 + second * 1000, ids);
  }
  const size_t record_bytes = PostText(want[0]).size();
  ReplayBudget budget;
  budget.max_chunk_bytes = 5 * (record_bytes + 2);
  budget.max_scan_bytes = 12 * record_bytes;
  auto job = Job(0, kT0, std::nullopt, false, budget);
  const std::vector<ReplayStep> steps = Drain(*job);
  EXPECT_EQ(PlainOf(steps), Lines(want));
  uint64_t cover = 1;
  uint64_t position = 1;
  for (const ReplayStep& s : steps) {
    // A step reads at most its scan budget plus one record.
    EXPECT_LE(s.position - position, 12u);
    position = s.position;
    if (!s.chunk) continue;
    EXPECT_EQ(s.chunk->cover_begin, cover);
    EXPECT_LE(s.chunk->cover_end, s.position);
    EXPECT_LE(s.chunk->plain.size(), budget.max_chunk_bytes + record_bytes + 2);
    cover = s.chunk->cover_end;
  }
  EXPECT_GT(steps.size(), 10u);
  EXPECT_EQ(steps.back().position, writer_->next_seq());
}

TEST_F(ReplayJobTest, CoversOfConsecutiveStepsMeet) {
  std::vector<uint64_t> ids;
  for (uint64_t n = 0; n < 40; ++n) ids.push_back(IdIn(n % 2 ? 1 : 2, kT0, n));
  Append(kT0, ids);
  ReplayBudget budget;
  budget.max_chunk_bytes = 1;  // one post per step
  auto job = Job(0, kT0, std::nullopt, false, budget);
  const std::vector<ReplayStep> steps = Drain(*job);
  uint64_t expected_begin = 1;
  int chunks = 0;
  for (const ReplayStep& s : steps) {
    if (!s.chunk) continue;
    ++chunks;
    EXPECT_EQ(s.chunk->posts, 1u);
    EXPECT_EQ(s.chunk->cover_begin, expected_begin);
    expected_begin = s.chunk->cover_end;
  }
  EXPECT_EQ(chunks, 20);
}

TEST_F(ReplayJobTest, FirstChunkIsCutShortForAQuickFirstByte) {
  std::vector<uint64_t> ids;
  for (uint64_t n = 0; n < 60; ++n) ids.push_back(IdIn(1, kT0, n));
  Append(kT0, ids);
  const size_t line_bytes = PostText(ids[0]).size() + 2;
  ReplayBudget budget;
  budget.first_chunk_bytes = 10 * line_bytes;
  budget.max_chunk_bytes = 30 * line_bytes;
  auto job = Job(0, kT0, std::nullopt, false, budget);
  const std::vector<ReplayStep> steps = Drain(*job);
  ASSERT_GE(steps.size(), 3u);
  EXPECT_EQ(steps[0].chunk->posts, 10u);
  EXPECT_EQ(steps[1].chunk->posts, 30u);
  EXPECT_EQ(steps[2].chunk->posts, 20u);
  EXPECT_EQ(PlainOf(steps), Lines(ids));
}

TEST_F(ReplayJobTest, ScanBudgetBoundsAStepThatFindsNothing) {
  std::vector<uint64_t> others;
  for (uint64_t n = 0; n < 100; ++n) others.push_back(IdIn(2, kT0, n));
  Append(kT0, others);
  const uint64_t ours = IdIn(1, kT0, 100);
  Append(kT0 + 1, {ours});
  const size_t record_bytes = 32 + PostText(others[0]).size();
  ReplayBudget budget;
  budget.max_scan_bytes = 10 * record_bytes;
  auto job = Job(0, kT0, std::nullopt, false, budget);
  for (uint64_t position = 11; position <= 101; position += 10) {
    const ReplayStep step = job->Step(kNoLimit);
    EXPECT_EQ(step.chunk, nullptr);
    EXPECT_EQ(step.position, position);  // exactly the budget: ten records a step
    EXPECT_EQ(step.position_time_ms, kT0);
  }
  const ReplayStep step = job->Step(kNoLimit);
  ASSERT_NE(step.chunk, nullptr);
  EXPECT_EQ(step.chunk->plain, Lines({ours}));
  EXPECT_EQ(step.chunk->cover_begin, 101u);
  EXPECT_EQ(step.position, 102u);
}

TEST_F(ReplayJobTest, EmptyArchiveGivesNothingThenFollowsTheWriter) {
  auto job = Job(0, kT0);
  ReplayStep step = job->Step(kNoLimit);
  ASSERT_TRUE(step.status.ok()) << step.status.ToString();
  EXPECT_EQ(step.chunk, nullptr);
  EXPECT_EQ(step.position, 1u);
  EXPECT_FALSE(step.reached_limit);
  EXPECT_FALSE(step.reached_end);
  step = job->Step(1);
  EXPECT_TRUE(step.reached_limit);
  Append(kT0 + 1, {IdIn(1, kT0, 0), IdIn(2, kT0, 1)});
  step = job->Step(kNoLimit);
  ASSERT_NE(step.chunk, nullptr);
  EXPECT_EQ(step.chunk->seqs, (std::vector<uint64_t>{1}));
  EXPECT_EQ(step.position, 3u);
}

TEST_F(ReplayJobTest, StartAfterTheLastRecordReadsOnlyLaterAppends) {
  Append(kT0, {IdIn(1, kT0, 0), IdIn(1, kT0, 1)});
  auto job = Job(0, kT0 + 1000);
  ReplayStep step = job->Step(kNoLimit);
  EXPECT_EQ(step.chunk, nullptr);
  EXPECT_EQ(step.position, 3u);
  EXPECT_FALSE(step.reached_end);
  const uint64_t later = IdIn(1, kT0 + 1000, 2);
  Append(kT0 + 1000, {later});
  step = job->Step(kNoLimit);
  ASSERT_NE(step.chunk, nullptr);
  EXPECT_EQ(step.chunk->plain, Lines({later}));
}

TEST_F(ReplayJobTest, StartInsideAGroupOfEqualTimesBeginsAtItsFirstRecord) {
  Append(kT0, {IdIn(1, kT0, 0)});
  std::vector<uint64_t> group;
  for (uint64_t n = 1; n <= 200; ++n) group.push_back(IdIn(1, kT0, n));
  const uint64_t first = Append(kT0 + 7, group);  // 200 records sharing one time
  Append(kT0 + 9, {IdIn(1, kT0, 500)});
  for (const int64_t start : {kT0 + 1, kT0 + 7}) {
    auto job = Job(0, start, kT0 + 9);
    const std::vector<ReplayStep> steps = Drain(*job);
    EXPECT_EQ(PlainOf(steps), Lines(group)) << "start " << start - kT0;
    ASSERT_FALSE(steps.empty());
    ASSERT_NE(steps.front().chunk, nullptr);
    EXPECT_EQ(steps.front().chunk->first_seq, first);
    EXPECT_EQ(steps.front().chunk->cover_begin, first);
    EXPECT_TRUE(steps.back().reached_end);
  }
  auto after = Job(0, kT0 + 8);
  const std::vector<ReplayStep> steps = Drain(*after);
  EXPECT_EQ(PlainOf(steps), Lines({IdIn(1, kT0, 500)}));
}

TEST_F(ReplayJobTest, PositionTimeFollowsTheLastRecordRead) {
  Append(kT0 + 3, {IdIn(2, kT0, 0)});
  Append(kT0 + 4, {IdIn(0, kT0, 1)});
  auto job = Job(0, kT0);
  const ReplayStep step = job->Step(kNoLimit);
  EXPECT_EQ(step.chunk, nullptr);
  EXPECT_EQ(step.position, 3u);
  EXPECT_EQ(step.position_time_ms, kT0 + 4);
}

}  // namespace
}  // namespace sluice
