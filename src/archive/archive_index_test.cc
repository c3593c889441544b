#include "archive/archive_index.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "archive/archive_format.h"
#include "archive/archive_test_util.h"
#include "archive/writer.h"
#include "base/clock.h"

namespace sluice::archive {
namespace {

using testing::MakeGroup;
using testing::ReadAll;
using testing::StoredRecord;
using testing::TempDir;

constexpr int64_t kStartMs = 1'700'000'000'000;
constexpr size_t kPayloadSize = 1000;  // ~65 records per index stride

class ArchiveIndexTest : public ::testing::Test {
 protected:
  std::unique_ptr<Writer> OpenWriter(uint64_t segment_max_bytes = 300'000) {
    WriterOptions options;
    options.dir = dir_.path();
    options.segment_max_bytes = segment_max_bytes;
    auto writer = Writer::Open(options, clock_, nullptr, nullptr);
    EXPECT_TRUE(writer.ok()) << writer.status().ToString();
    return writer.ok() ? std::move(*writer) : nullptr;
  }

  // Appends `groups` groups of `group_size` records; each group one ms after the previous.
  void AppendGroups(Writer& writer, size_t groups, size_t group_size) {
    for (size_t g = 0; g < groups; ++g) {
      ASSERT_TRUE(writer.Append(MakeGroup(next_id_, group_size, kPayloadSize).records).ok());
      next_id_ += group_size;
      clock_.AdvanceMs(1);
    }
  }

  // The answer by brute force over what a Reader returns.
  static uint64_t ExpectedSeqAtTime(const std::vector<StoredRecord>& records, int64_t t_ms,
                                    uint64_t next_seq) {
    for (const StoredRecord& record : records) {
      if (record.archive_time_ms >= t_ms) return record.seq;
    }
    return next_seq;
  }

  uint64_t SeqAtTime(const ArchiveIndex& index, int64_t t_ms) {
    auto seq = index.SeqAtTime(t_ms);
    EXPECT_TRUE(seq.ok()) << seq.status().ToString();
    return seq.ok() ? *seq : 0;
  }

  TempDir dir_;
  ManualClock clock_{kStartMs};
  uint64_t next_id_ = 1;
};

TEST_F(ArchiveIndexTest, EmptyArchiveAnswersNextSeq) {
  auto writer = OpenWriter();
  ASSERT_NE(writer, nullptr);
  const ArchiveIndex& index = *writer->index();
  EXPECT_EQ(SeqAtTime(index, kStartMs), kFirstSequence);
  EXPECT_EQ(SeqAtTime(index, 0), kFirstSequence);
  EXPECT_EQ(index.Seek(1), (SeekPoint{0, 0, kFirstSequence}));
  const ArchiveBounds bounds = index.Bounds();
  EXPECT_TRUE(bounds.empty);
  EXPECT_EQ(bounds.first_seq, kFirstSequence);
  EXPECT_EQ(bounds.next_seq, kFirstSequence);
  EXPECT_EQ(bounds.deleted_through_ms, 0);
}

TEST_F(ArchiveIndexTest, FirstOfManyRecordsSharingATimeIsReturned) {
  auto writer = OpenWriter();
  ASSERT_NE(writer, nullptr);
  // Groups of 150 records (~150 KiB): every group spans index strides, and some span a
  // segment roll, so entries inside a group share its time.
  AppendGroups(*writer, 12, 150);
  const ArchiveIndex& index = *writer->index();
  for (int64_t g = 0; g < 12; ++g) {
    EXPECT_EQ(SeqAtTime(index, kStartMs + g), static_cast<uint64_t>(g * 150 + 1)) << g;
  }
}

TEST_F(ArchiveIndexTest, TimeBetweenGroupsFindsTheNextGroup) {
  auto writer = OpenWriter();
  ASSERT_NE(writer, nullptr);
  for (int g = 0; g < 8; ++g) {
    ASSERT_TRUE(writer->Append(MakeGroup(next_id_, 90, kPayloadSize).records).ok());
    next_id_ += 90;
    clock_.AdvanceMs(10);
  }
  const ArchiveIndex& index = *writer->index();
  for (int64_t g = 1; g < 8; ++g) {
    EXPECT_EQ(SeqAtTime(index, kStartMs + g * 10 - 5), static_cast<uint64_t>(g * 90 + 1)) << g;
  }
}

TEST_F(ArchiveIndexTest, TimeBeforeFirstRecordIsFirstSeq) {
  auto writer = OpenWriter();
  ASSERT_NE(writer, nullptr);
  AppendGroups(*writer, 5, 40);
  EXPECT_EQ(SeqAtTime(*writer->index(), kStartMs - 1), kFirstSequence);
  EXPECT_EQ(SeqAtTime(*writer->index(), std::numeric_limits<int64_t>::min()), kFirstSequence);
}

TEST_F(ArchiveIndexTest, TimeAfterLastRecordIsNextSeq) {
  auto writer = OpenWriter();
  ASSERT_NE(writer, nullptr);
  AppendGroups(*writer, 5, 40);
  EXPECT_EQ(SeqAtTime(*writer->index(), kStartMs + 5), 201u);
  EXPECT_EQ(SeqAtTime(*writer->index(), std::numeric_limits<int64_t>::max()), 201u);
}

TEST_F(ArchiveIndexTest, SeqAtTimeMatchesLinearScanOverManySegments) {
  auto writer = OpenWriter();
  ASSERT_NE(writer, nullptr);
  // Uneven groups and gaps in time, over ~12 segments.
  for (int g = 0; g < 90; ++g) {
    const size_t size = 1 + (g * 37) % 70;
    ASSERT_TRUE(writer->Append(MakeGroup(next_id_, size, kPayloadSize).records).ok());
    next_id_ += size;
    clock_.AdvanceMs(g % 3 == 0 ? 0 : 2);  // some consecutive groups share a time
  }
  const auto records = ReadAll(dir_.path());
  ASSERT_GT(writer->index()->Segments().size(), 10u);
  for (int64_t t = kStartMs - 2; t <= clock_.NowMs() + 2; ++t) {
    EXPECT_EQ(SeqAtTime(*writer->index(), t), ExpectedSeqAtTime(records, t, writer->next_seq()))
        << t - kStartMs;
  }
}

TEST_F(ArchiveIndexTest, SeekReturnsBoundaryWithinOneStrideBeforeSeq) {
  auto writer = OpenWriter();
  ASSERT_NE(writer, nullptr);
  AppendGroups(*writer, 30, 37);
  const ArchiveIndex& index = *writer->index();
  const std::vector<IndexedSegment> segments = index.Segments();
  for (uint64_t seq = 1; seq < writer->next_seq(); ++seq) {
    const SeekPoint point = index.Seek(seq);
    ASSERT_LE(point.seq, seq);
    const uint64_t record_bytes = kRecordHeaderSize + kPayloadSize;
    EXPECT_LE((seq - point.seq) * record_bytes, kIndexStrideBytes + record_bytes) << seq;
    // The point is in the segment holding seq, at the offset of record point.seq.
    const IndexedSegment* holder = nullptr;
    for (const IndexedSegment& segment : segments) {
      if (segment.first_seq <= seq && seq < segment.end_seq) holder = &segment;
    }
    ASSERT_NE(holder, nullptr);
    EXPECT_EQ(point.segment_first_seq, holder->first_seq);
    EXPECT_EQ(point.offset, kSegmentHeaderSize + (point.seq - holder->first_seq) * record_bytes);
  }
}

TEST_F(ArchiveIndexTest, SeekAtOrPastEndIsEndOfLog) {
  auto writer = OpenWriter();
  ASSERT_NE(writer, nullptr);
  AppendGroups(*writer, 3, 10);
  const IndexedSegment last = writer->index()->Segments().back();
  const SeekPoint end{last.first_seq, last.data_size, 31};
  EXPECT_EQ(writer->index()->Seek(31), end);
  EXPECT_EQ(writer->index()->Seek(1000), end);
}

TEST_F(ArchiveIndexTest, EntriesAreAtMostOneStrideApart) {
  auto writer = OpenWriter(uint64_t{4} << 20);
  ASSERT_NE(writer, nullptr);
  AppendGroups(*writer, 20, 100);
  const IndexedSegment segment = writer->index()->Segments().front();
  const std::vector<IndexEntry> entries = writer->index()->SegmentEntries(segment.first_seq);
  ASSERT_FALSE(entries.empty());
  EXPECT_EQ(entries.front(), (IndexEntry{1, kStartMs, kSegmentHeaderSize}));
  const uint64_t record_bytes = kRecordHeaderSize + kPayloadSize;
  for (size_t i = 1; i < entries.size(); ++i) {
    const uint64_t gap = entries[i].offset - entries[i - 1].offset;
    EXPECT_GE(gap, kIndexStrideBytes);
    EXPECT_LT(gap, kIndexStrideBytes + record_bytes);
  }
  EXPECT_LT(segment.data_size - entries.back().offset, kIndexStrideBytes + record_bytes);
}

TEST_F(ArchiveIndexTest, BoundsFollowAppendsAndRolls) {
  auto writer = OpenWriter();
  ASSERT_NE(writer, nullptr);
  AppendGroups(*writer, 10, 60);
  const ArchiveBounds bounds = writer->index()->Bounds();
  EXPECT_FALSE(bounds.empty);
  EXPECT_EQ(bounds.first_seq, 1u);
  EXPECT_EQ(bounds.first_time_ms, kStartMs);
  EXPECT_EQ(bounds.next_seq, 601u);
  EXPECT_EQ(bounds.last_time_ms, kStartMs + 9);
  const auto segments = writer->index()->Segments();
  ASSERT_GT(segments.size(), 1u);
  for (size_t i = 0; i + 1 < segments.size(); ++i) EXPECT_TRUE(segments[i].sealed) << i;
  EXPECT_FALSE(segments.back().sealed);
}

TEST_F(ArchiveIndexTest, QueriesFromOtherThreadsWhileWriterAppends) {
  auto writer = OpenWriter();
  ASSERT_NE(writer, nullptr);
  std::shared_ptr<const ArchiveIndex> index = writer->index();
  std::atomic<bool> done = false;
  std::atomic<int> failures = 0;
  std::thread reader([&] {
    while (!done.load()) {
      const ArchiveBounds bounds = index->Bounds();
      auto seq = index->SeqAtTime(bounds.last_time_ms);
      // Whatever was appended meanwhile, the answer is a record of that time or later.
      if (!seq.ok() || (!bounds.empty && *seq >= bounds.next_seq)) ++failures;
      const SeekPoint point = index->Seek(bounds.next_seq / 2);
      if (point.seq > bounds.next_seq / 2 && bounds.next_seq / 2 >= kFirstSequence) ++failures;
    }
  });
  AppendGroups(*writer, 200, 7);
  done = true;
  reader.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace sluice::archive
