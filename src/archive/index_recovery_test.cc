#include "archive/index_recovery.h"

#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "archive/archive_format.h"
#include "archive/archive_index.h"
#include "archive/archive_test_util.h"
#include "archive/file_names.h"
#include "archive/index_file.h"
#include "archive/retention.h"
#include "archive/writer.h"
#include "base/clock.h"

namespace sluice::archive {
namespace {

using testing::AppendFileBytes;
using testing::FaultInjectionFileSystem;
using testing::FileSizeOf;
using testing::MakeGroup;
using testing::ReadAll;
using testing::ReadFileBytes;
using testing::ResizeFile;
using testing::StoredRecord;
using testing::TempDir;
using testing::WriteFileBytes;

constexpr int64_t kStartMs = 1'700'000'000'000;
constexpr size_t kPayloadSize = 1000;

class IndexRecoveryTest : public ::testing::Test {
 protected:
  std::unique_ptr<Writer> Open(RecoveryReport* report = nullptr, FileSystem* fs = nullptr) {
    WriterOptions options;
    options.dir = dir_.path();
    options.segment_max_bytes = 300'000;
    auto writer = Writer::Open(options, clock_, fs, report);
    EXPECT_TRUE(writer.ok()) << writer.status().ToString();
    return writer.ok() ? std::move(*writer) : nullptr;
  }

  // Appends groups of 50 records, each group 1 ms after the previous: ~4 sealed segments.
  void WriteArchive(int groups = 25) {
    auto writer = Open();
    ASSERT_NE(writer, nullptr);
    for (int g = 0; g < groups; ++g) {
      ASSERT_TRUE(writer->Append(MakeGroup(g * 50, 50, kPayloadSize).records).ok());
      clock_.AdvanceMs(1);
    }
  }

  std::map<uint64_t, std::vector<IndexEntry>> AllEntries(const ArchiveIndex& index) {
    std::map<uint64_t, std::vector<IndexEntry>> entries;
    for (const IndexedSegment& segment : index.Segments()) {
      entries[segment.first_seq] = index.SegmentEntries(segment.first_seq);
    }
    return entries;
  }

  // Every surviving record is found by its time (the first of its time) and by its sequence.
  void ExpectIndexFindsEveryRecord(const ArchiveIndex& index) {
    const std::vector<StoredRecord> records = ReadAll(dir_.path());
    ASSERT_FALSE(records.empty());
    for (size_t i = 0; i < records.size(); ++i) {
      const StoredRecord& record = records[i];
      if (i == 0 || records[i - 1].archive_time_ms != record.archive_time_ms) {
        auto seq = index.SeqAtTime(record.archive_time_ms);
        ASSERT_TRUE(seq.ok()) << seq.status().ToString();
        EXPECT_EQ(*seq, record.seq);
      }
      const SeekPoint point = index.Seek(record.seq);
      EXPECT_LE(point.seq, record.seq);
      EXPECT_NE(point.segment_first_seq, 0u);
    }
    EXPECT_EQ(index.Bounds().next_seq, records.back().seq + 1);
  }

  uint64_t SealedSegment(size_t i) {
    auto writer = Open();
    EXPECT_NE(writer, nullptr);
    return writer == nullptr ? 0 : writer->index()->Segments().at(i).first_seq;
  }

  // Reopens and expects exactly one kRebuiltIndex event for segment `first_seq`.
  void ExpectRebuiltOnReopen(uint64_t first_seq,
                             const std::map<uint64_t, std::vector<IndexEntry>>& before) {
    RecoveryReport report;
    auto writer = Open(&report);
    ASSERT_NE(writer, nullptr);
    ASSERT_EQ(report.events.size(), 1u) << report.Summary();
    EXPECT_EQ(report.events[0].kind, RecoveryEvent::Kind::kRebuiltIndex);
    EXPECT_EQ(report.events[0].segment, SegmentFileName(first_seq));
    EXPECT_NE(report.Summary().find("rebuilt 1 segment index(es)"), std::string::npos);
    EXPECT_EQ(AllEntries(*writer->index()), before);
    ExpectIndexFindsEveryRecord(*writer->index());
    writer.reset();
    RecoveryReport again;  // rewritten: the next open trusts it
    writer = Open(&again);
    ASSERT_NE(writer, nullptr);
    EXPECT_TRUE(again.events.empty()) << again.Summary();
  }

  std::filesystem::path IdxPath(uint64_t first_seq) {
    return dir_.path() / IndexFileName(first_seq);
  }

  TempDir dir_;
  ManualClock clock_{kStartMs};
};

TEST_F(IndexRecoveryTest, IndexIsLoadedFromIdxFilesOnReopen) {
  WriteArchive();
  std::map<uint64_t, std::vector<IndexEntry>> before;
  {
    auto writer = Open();
    ASSERT_NE(writer, nullptr);
    before = AllEntries(*writer->index());
  }
  ASSERT_GE(before.size(), 3u);
  RecoveryReport report;
  auto writer = Open(&report);
  ASSERT_NE(writer, nullptr);
  EXPECT_TRUE(report.events.empty()) << report.Summary();
  EXPECT_EQ(report.segments_scanned, 1u);  // only the open last segment
  EXPECT_EQ(AllEntries(*writer->index()), before);
  for (const IndexedSegment& segment : writer->index()->Segments()) {
    EXPECT_EQ(std::filesystem::exists(IdxPath(segment.first_seq)), segment.sealed);
  }
  ExpectIndexFindsEveryRecord(*writer->index());
}

TEST_F(IndexRecoveryTest, MissingIdxIsRebuilt) {
  WriteArchive();
  const uint64_t second = SealedSegment(1);
  std::map<uint64_t, std::vector<IndexEntry>> before = AllEntries(*Open()->index());
  std::filesystem::remove(IdxPath(second));
  ExpectRebuiltOnReopen(second, before);
  EXPECT_TRUE(std::filesystem::exists(IdxPath(second)));
}

TEST_F(IndexRecoveryTest, TruncatedIdxIsRebuilt) {
  WriteArchive();
  const uint64_t first = SealedSegment(0);
  std::map<uint64_t, std::vector<IndexEntry>> before = AllEntries(*Open()->index());
  ResizeFile(IdxPath(first), FileSizeOf(IdxPath(first)) - 5);
  ExpectRebuiltOnReopen(first, before);
}

TEST_F(IndexRecoveryTest, IdxWithBadCrcIsRebuilt) {
  WriteArchive();
  const uint64_t first = SealedSegment(0);
  std::map<uint64_t, std::vector<IndexEntry>> before = AllEntries(*Open()->index());
  std::string bytes = ReadFileBytes(IdxPath(first));
  bytes[kIndexHeaderSize + kIndexEntrySize + 3] ^= 1;  // the second entry's sequence
  WriteFileBytes(IdxPath(first), bytes);
  ExpectRebuiltOnReopen(first, before);
}

TEST_F(IndexRecoveryTest, IdxNotMatchingMetaIsRebuilt) {
  WriteArchive();
  const uint64_t first = SealedSegment(0);
  const uint64_t second = SealedSegment(1);
  std::map<uint64_t, std::vector<IndexEntry>> before = AllEntries(*Open()->index());
  // Well-formed and checksummed, but another segment's.
  WriteFileBytes(IdxPath(second), ReadFileBytes(IdxPath(first)));
  ExpectRebuiltOnReopen(second, before);
}

TEST_F(IndexRecoveryTest, IdxOfOtherRecordCountIsRebuilt) {
  WriteArchive();
  const uint64_t first = SealedSegment(0);
  std::map<uint64_t, std::vector<IndexEntry>> before = AllEntries(*Open()->index());
  SegmentMeta meta;
  {
    auto read = ReadSegmentMeta(NewPosixFileSystem().get(), dir_.path(), first);
    ASSERT_TRUE(read.ok());
    meta = *read;
  }
  SegmentMeta wrong = meta;
  --wrong.record_count;
  WriteFileBytes(IdxPath(first), EncodeSegmentIndex(wrong, before[first]));
  ExpectRebuiltOnReopen(first, before);
}

TEST_F(IndexRecoveryTest, TornTailLeavesIndexRightForEverySurvivingRecord) {
  WriteArchive(18);  // the last segment has room for the next group: no roll before it
  FaultInjectionFileSystem fs;
  {
    auto writer = Open(nullptr, &fs);
    ASSERT_NE(writer, nullptr);
    // A crash in the middle of a group's write: half of its 60 records reach the file.
    fs.FailNextWrite(30 * (kRecordHeaderSize + kPayloadSize) + 100);
    EXPECT_FALSE(writer->Append(MakeGroup(5000, 60, kPayloadSize).records).ok());
  }
  RecoveryReport report;
  auto writer = Open(&report);
  ASSERT_NE(writer, nullptr);
  ASSERT_EQ(report.events.size(), 1u) << report.Summary();
  EXPECT_EQ(report.events[0].kind, RecoveryEvent::Kind::kTruncatedTornPayload);
  EXPECT_EQ(writer->next_seq(), 18u * 50 + 30 + 1);
  ExpectIndexFindsEveryRecord(*writer->index());
  // The torn group's time finds its first surviving record, and appending continues indexed.
  EXPECT_EQ(*writer->index()->SeqAtTime(clock_.NowMs()), 901u);
  clock_.AdvanceMs(1);
  ASSERT_TRUE(writer->Append(MakeGroup(9000, 100, kPayloadSize).records).ok());
  ExpectIndexFindsEveryRecord(*writer->index());
}

TEST_F(IndexRecoveryTest, OrphanMetaAndIdxAreRemoved) {
  WriteArchive();
  const uint64_t first = SealedSegment(0);
  // What a crash in the middle of retention leaves: the segment gone, its sidecars not yet.
  std::filesystem::remove(dir_.path() / SegmentFileName(first));
  RecoveryReport report;
  auto writer = Open(&report);
  ASSERT_NE(writer, nullptr);
  ASSERT_EQ(report.events.size(), 2u) << report.Summary();
  for (const RecoveryEvent& event : report.events) {
    EXPECT_EQ(event.kind, RecoveryEvent::Kind::kRemovedOrphanFile);
  }
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / MetaFileName(first)));
  EXPECT_FALSE(std::filesystem::exists(IdxPath(first)));
  EXPECT_NE(writer->index()->Bounds().first_seq, first);
}

TEST_F(IndexRecoveryTest, StaleIdxOfOpenSegmentIsRemoved) {
  WriteArchive();
  auto writer = Open();
  ASSERT_NE(writer, nullptr);
  const IndexedSegment last = writer->index()->Segments().back();
  writer.reset();
  WriteFileBytes(IdxPath(last.first_seq), "stale");
  writer = Open();
  ASSERT_NE(writer, nullptr);
  EXPECT_FALSE(std::filesystem::exists(IdxPath(last.first_seq)));
}

TEST_F(IndexRecoveryTest, DamageInsideSealedSegmentGivesPartialIndex) {
  WriteArchive();
  const uint64_t first = SealedSegment(0);
  std::filesystem::remove(IdxPath(first));
  // A payload byte of record 100: recovery trusts the meta (it checks only the ends).
  const std::filesystem::path segment = dir_.path() / SegmentFileName(first);
  std::string bytes = ReadFileBytes(segment);
  bytes[kSegmentHeaderSize + 99 * (kRecordHeaderSize + kPayloadSize) + kRecordHeaderSize] ^= 1;
  WriteFileBytes(segment, bytes);
  RecoveryReport report;
  auto writer = Open(&report);
  ASSERT_NE(writer, nullptr);
  ASSERT_EQ(report.events.size(), 1u) << report.Summary();
  EXPECT_EQ(report.events[0].kind, RecoveryEvent::Kind::kRebuiltIndex);
  EXPECT_NE(report.events[0].detail.find("partial"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(IdxPath(first)));  // tried again next time
  // Before the damage and in later segments, time lookups still work.
  EXPECT_EQ(*writer->index()->SeqAtTime(kStartMs + 1), 51u);
  EXPECT_EQ(*writer->index()->SeqAtTime(kStartMs + 20), 1001u);
}

TEST_F(IndexRecoveryTest, DamagedRetentionFileIsRewrittenConservatively) {
  WriteArchive();
  WriteFileBytes(dir_.path() / std::string(kRetentionFileName), "not a retention file");
  RecoveryReport report;
  auto writer = Open(&report);
  ASSERT_NE(writer, nullptr);
  ASSERT_EQ(report.events.size(), 1u) << report.Summary();
  EXPECT_EQ(report.events[0].kind, RecoveryEvent::Kind::kRebuiltRetentionState);
  // Nothing was deleted: the oldest record left is the first one.
  EXPECT_EQ(writer->index()->Bounds().deleted_through_ms, 0);
  auto stored = ReadDeletedThrough(NewPosixFileSystem().get(), dir_.path());
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(*stored, 0);
}

}  // namespace
}  // namespace sluice::archive
