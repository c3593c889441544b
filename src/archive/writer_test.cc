#include "archive/writer.h"

#include <gtest/gtest.h>

#include <vector>

#include "archive/archive_format.h"
#include "archive/archive_test_util.h"
#include "archive/file_names.h"
#include "archive/segment_list.h"
#include "base/clock.h"
#include "base/metrics.h"

namespace sluice::archive {
namespace {

using testing::FaultInjectionFileSystem;
using testing::Group;
using testing::MakeGroup;
using testing::ReadAll;
using testing::TempDir;

constexpr int64_t kStartMs = 1'700'000'000'000;

class WriterTest : public ::testing::Test {
 protected:
  std::unique_ptr<Writer> OpenWriter(WriterOptions options = {}, FileSystem* fs = nullptr,
                                     RecoveryReport* report = nullptr, WriterMetrics metrics = {}) {
    options.dir = dir_.path() / "archive";
    auto writer = Writer::Open(options, clock_, fs, report, metrics);
    EXPECT_TRUE(writer.ok()) << writer.status().ToString();
    return writer.ok() ? std::move(*writer) : nullptr;
  }

  AppendResult AppendOk(Writer& writer, const Group& group) {
    auto result = writer.Append(group.records);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return result.ok() ? *result : AppendResult{};
  }

  std::filesystem::path archive_dir() const { return dir_.path() / "archive"; }

  std::vector<SegmentInfo> Segments() {
    auto segments = ListSegments(archive_dir());
    EXPECT_TRUE(segments.ok()) << segments.status().ToString();
    return segments.ok() ? *segments : std::vector<SegmentInfo>();
  }

  TempDir dir_;
  ManualClock clock_{kStartMs};
};

TEST_F(WriterTest, GroupGetsConsecutiveSequencesAndOneArchiveTime) {
  auto writer = OpenWriter();
  ASSERT_NE(writer, nullptr);
  EXPECT_EQ(writer->next_seq(), kFirstSequence);
  const AppendResult first = AppendOk(*writer, MakeGroup(100, 3, 50));
  EXPECT_EQ(first.first_seq, 1u);
  EXPECT_EQ(first.count, 3u);
  EXPECT_EQ(first.archive_time_ms, kStartMs);
  clock_.AdvanceMs(5);
  const AppendResult second = AppendOk(*writer, MakeGroup(200, 2, 60));
  EXPECT_EQ(second.first_seq, 4u);
  EXPECT_EQ(second.archive_time_ms, kStartMs + 5);
  EXPECT_EQ(writer->next_seq(), 6u);
  EXPECT_EQ(writer->last_archive_time_ms(), kStartMs + 5);

  const auto records = ReadAll(archive_dir());
  ASSERT_EQ(records.size(), 5u);
  for (size_t i = 0; i < records.size(); ++i) EXPECT_EQ(records[i].seq, i + 1);
  EXPECT_EQ(records[0].post_id, 100u);
  EXPECT_EQ(records[0].bytes, testing::Payload(100, 50));
  EXPECT_EQ(records[2].archive_time_ms, kStartMs);
  EXPECT_EQ(records[3].post_id, 200u);
  EXPECT_EQ(records[3].archive_time_ms, kStartMs + 5);
}

TEST_F(WriterTest, EmptyGroupIsNoOp) {
  auto writer = OpenWriter();
  ASSERT_NE(writer, nullptr);
  auto result = writer->Append({});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->count, 0u);
  EXPECT_EQ(result->first_seq, kFirstSequence);
  EXPECT_EQ(writer->next_seq(), kFirstSequence);
  EXPECT_TRUE(ReadAll(archive_dir()).empty());
}

TEST_F(WriterTest, TimeNeverDecreasesWhenClockGoesBack) {
  auto writer = OpenWriter();
  ASSERT_NE(writer, nullptr);
  AppendOk(*writer, MakeGroup(1, 2, 10));
  clock_.SetMs(kStartMs - 60'000);
  const AppendResult held = AppendOk(*writer, MakeGroup(3, 2, 10));
  EXPECT_EQ(held.archive_time_ms, kStartMs);
  clock_.SetMs(kStartMs + 1);
  EXPECT_EQ(AppendOk(*writer, MakeGroup(5, 1, 10)).archive_time_ms, kStartMs + 1);
  int64_t previous = 0;
  for (const auto& record : ReadAll(archive_dir())) {
    EXPECT_GE(record.archive_time_ms, previous);
    previous = record.archive_time_ms;
  }
}

TEST_F(WriterTest, ReopenContinuesSequenceAndTime) {
  {
    auto writer = OpenWriter();
    ASSERT_NE(writer, nullptr);
    AppendOk(*writer, MakeGroup(1, 4, 100));
  }
  clock_.SetMs(kStartMs - 1000);  // the clock went back across the restart
  RecoveryReport report;
  auto writer = OpenWriter({}, nullptr, &report);
  ASSERT_NE(writer, nullptr);
  EXPECT_TRUE(report.events.empty()) << report.Summary();
  EXPECT_EQ(writer->next_seq(), 5u);
  EXPECT_EQ(writer->durable_seq(), 5u);
  EXPECT_EQ(writer->last_archive_time_ms(), kStartMs);
  const AppendResult result = AppendOk(*writer, MakeGroup(5, 1, 100));
  EXPECT_EQ(result.first_seq, 5u);
  EXPECT_EQ(result.archive_time_ms, kStartMs);
  EXPECT_EQ(ReadAll(archive_dir()).size(), 5u);
}

TEST_F(WriterTest, RollsToNewSegmentBySize) {
  WriterOptions options;
  options.segment_max_bytes = kSegmentHeaderSize + 3 * (kRecordHeaderSize + 100);
  auto writer = OpenWriter(options);
  ASSERT_NE(writer, nullptr);
  AppendOk(*writer, MakeGroup(1, 2, 100));
  AppendOk(*writer, MakeGroup(3, 1, 100));  // exactly fills the segment
  AppendOk(*writer, MakeGroup(4, 1, 100));  // would exceed: new segment
  const std::vector<SegmentInfo> segments = Segments();
  ASSERT_EQ(segments.size(), 2u);
  EXPECT_EQ(segments[0].file_name, SegmentFileName(1));
  EXPECT_TRUE(segments[0].sealed);
  EXPECT_EQ(segments[0].first_seq, 1u);
  EXPECT_EQ(segments[0].last_seq, 3u);
  EXPECT_EQ(segments[0].size_bytes, options.segment_max_bytes);
  EXPECT_EQ(segments[1].file_name, SegmentFileName(4));
  EXPECT_FALSE(segments[1].sealed);
  EXPECT_EQ(segments[1].first_seq, 4u);
  EXPECT_EQ(segments[1].last_seq, 4u);
}

TEST_F(WriterTest, GroupLargerThanSegmentLimitGoesIntoOneSegment) {
  WriterOptions options;
  options.segment_max_bytes = 1000;
  auto writer = OpenWriter(options);
  ASSERT_NE(writer, nullptr);
  AppendOk(*writer, MakeGroup(1, 1, 10));
  AppendOk(*writer, MakeGroup(2, 10, 500));
  AppendOk(*writer, MakeGroup(12, 1, 10));
  const std::vector<SegmentInfo> segments = Segments();
  ASSERT_EQ(segments.size(), 3u);
  EXPECT_EQ(segments[1].first_seq, 2u);
  EXPECT_EQ(segments[1].record_count, 10u);
  EXPECT_EQ(segments[2].first_seq, 12u);
}

TEST_F(WriterTest, RollsToNewSegmentByTime) {
  WriterOptions options;
  options.segment_max_ms = 1000;
  auto writer = OpenWriter(options);
  ASSERT_NE(writer, nullptr);
  AppendOk(*writer, MakeGroup(1, 1, 10));
  clock_.AdvanceMs(999);
  AppendOk(*writer, MakeGroup(2, 1, 10));
  clock_.AdvanceMs(1);  // the first record is now segment_max_ms old
  AppendOk(*writer, MakeGroup(3, 1, 10));
  const std::vector<SegmentInfo> segments = Segments();
  ASSERT_EQ(segments.size(), 2u);
  EXPECT_EQ(segments[0].first_time_ms, kStartMs);
  EXPECT_EQ(segments[0].last_time_ms, kStartMs + 999);
  EXPECT_EQ(segments[1].first_seq, 3u);
  EXPECT_EQ(segments[1].first_time_ms, kStartMs + 1000);
}

TEST_F(WriterTest, SealedSegmentMetaIsUsedOnReopen) {
  WriterOptions options;
  options.segment_max_bytes = 2000;
  {
    auto writer = OpenWriter(options);
    ASSERT_NE(writer, nullptr);
    for (int i = 0; i < 10; ++i) {
      AppendOk(*writer, MakeGroup(i * 3, 3, 400));
      clock_.AdvanceMs(10);
    }
  }
  auto before = ListSegments(archive_dir());
  ASSERT_TRUE(before.ok());
  ASSERT_GT(before->size(), 3u);
  // Damage a payload byte in the middle of the first sealed segment: a reopen that trusts the
  // meta (and verifies only the segment's ends) does not read it.
  const auto first = archive_dir() / SegmentFileName(1);
  std::string bytes = testing::ReadFileBytes(first);
  bytes[kSegmentHeaderSize + kRecordHeaderSize + 432 + 100] ^= 1;
  testing::WriteFileBytes(first, bytes);

  RecoveryReport report;
  auto writer = OpenWriter(options, nullptr, &report);
  ASSERT_NE(writer, nullptr);
  EXPECT_EQ(report.segments, before->size());
  EXPECT_EQ(report.segments_scanned, 1u) << report.Summary();  // only the open last segment
  EXPECT_TRUE(report.events.empty()) << report.Summary();
  EXPECT_EQ(writer->next_seq(), 31u);
  EXPECT_EQ(writer->last_archive_time_ms(), kStartMs + 90);
}

TEST_F(WriterTest, MissingMetaOfSealedSegmentIsRebuilt) {
  WriterOptions options;
  options.segment_max_bytes = 2000;
  {
    auto writer = OpenWriter(options);
    ASSERT_NE(writer, nullptr);
    for (int i = 0; i < 6; ++i) AppendOk(*writer, MakeGroup(i * 3, 3, 400));
  }
  auto before = ListSegments(archive_dir());
  ASSERT_TRUE(before.ok());
  // A meta that does not match its segment (here: another segment's) is as good as missing.
  const uint64_t second = (*before)[1].first_seq;
  testing::WriteFileBytes(archive_dir() / MetaFileName(second),
                          testing::ReadFileBytes(archive_dir() / MetaFileName(1)));
  std::filesystem::remove(archive_dir() / MetaFileName(1));

  RecoveryReport report;
  auto writer = OpenWriter(options, nullptr, &report);
  ASSERT_NE(writer, nullptr);
  ASSERT_EQ(report.events.size(), 2u) << report.Summary();
  EXPECT_EQ(report.events[0].kind, RecoveryEvent::Kind::kRebuiltMeta);
  EXPECT_EQ(report.events[0].segment, SegmentFileName(1));
  EXPECT_EQ(report.events[1].kind, RecoveryEvent::Kind::kRebuiltMeta);
  EXPECT_EQ(report.events[1].segment, SegmentFileName(second));
  EXPECT_FALSE(report.LostData());
  auto after = ListSegments(archive_dir());
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), before->size());
  for (size_t i = 0; i < after->size(); ++i) {
    EXPECT_EQ((*after)[i].sealed, (*before)[i].sealed) << i;
    EXPECT_EQ((*after)[i].last_seq, (*before)[i].last_seq) << i;
  }
  EXPECT_EQ(writer->next_seq(), 19u);
}

TEST_F(WriterTest, AlwaysModeSyncsBeforeAppendReturns) {
  FaultInjectionFileSystem fs;
  Counter fsyncs, records, bytes;
  Histogram fsync_seconds({0.001, 0.01, 0.1});
  WriterOptions options;
  options.sync_mode = SyncMode::kAlways;
  auto writer = OpenWriter(options, &fs, nullptr,
                           {.bytes_archived = &bytes,
                            .records = &records,
                            .fsyncs = &fsyncs,
                            .fsync_seconds = &fsync_seconds});
  ASSERT_NE(writer, nullptr);
  for (int i = 0; i < 3; ++i) {
    AppendOk(*writer, MakeGroup(i * 2, 2, 100));
    EXPECT_EQ(writer->durable_seq(), writer->next_seq());
  }
  EXPECT_EQ(fsyncs.value(), 3u);
  EXPECT_EQ(fsync_seconds.count(), 3u);
  EXPECT_EQ(records.value(), 6u);
  EXPECT_EQ(bytes.value(), 6 * (kRecordHeaderSize + 100));
}

TEST_F(WriterTest, SyncedBytesBehindTheCacheWindowAreDroppedFromThePageCache) {
  FaultInjectionFileSystem fs;
  WriterOptions options;
  options.sync_mode = SyncMode::kAlways;
  options.page_cache_bytes = 8 * (kRecordHeaderSize + 1000);
  options.segment_max_bytes = kSegmentHeaderSize + 40 * (kRecordHeaderSize + 1000);
  auto writer = OpenWriter(options, &fs);
  ASSERT_NE(writer, nullptr);
  for (int i = 0; i < 100; ++i) AppendOk(*writer, MakeGroup(i + 1, 1, 1000));
  // Three segments (40 + 40 + 20 records): in each, every drop starts where the last ended,
  // covers at least a quarter of the window, and leaves the window's last synced bytes alone.
  const auto& drops = fs.drops();
  ASSERT_FALSE(drops.empty());
  uint64_t next_offset = 0;
  int segments = 0;
  for (const auto& drop : drops) {
    if (drop.offset == 0) ++segments, next_offset = 0;
    EXPECT_EQ(drop.offset, next_offset);
    EXPECT_GE(drop.length, options.page_cache_bytes / 4);
    EXPECT_LE(drop.offset + drop.length, drop.synced_size - options.page_cache_bytes);
    next_offset = drop.offset + drop.length;
  }
  EXPECT_EQ(segments, 3);
  // Advice only: every record still reads back.
  EXPECT_EQ(ReadAll(archive_dir()).size(), 100u);

  FaultInjectionFileSystem never;
  options.page_cache_bytes = 0;
  TempDir other;
  options.dir = other.path();
  auto keeping = Writer::Open(options, clock_, &never, nullptr, {});
  ASSERT_TRUE(keeping.ok());
  for (int i = 0; i < 100; ++i) AppendOk(**keeping, MakeGroup(i + 1, 1, 1000));
  EXPECT_TRUE(never.drops().empty());
}

TEST_F(WriterTest, IntervalModeSyncsWhenIntervalHasPassed) {
  Counter fsyncs;
  WriterOptions options;
  options.sync_mode = SyncMode::kInterval;
  options.sync_interval_ms = 100;
  auto writer = OpenWriter(options, nullptr, nullptr, {.fsyncs = &fsyncs});
  ASSERT_NE(writer, nullptr);
  AppendOk(*writer, MakeGroup(1, 1, 10));
  EXPECT_EQ(writer->durable_seq(), 1u);  // not yet synced
  clock_.AdvanceMs(99);
  ASSERT_TRUE(writer->SyncIfDue().ok());
  EXPECT_EQ(writer->durable_seq(), 1u);
  clock_.AdvanceMs(1);
  ASSERT_TRUE(writer->SyncIfDue().ok());
  EXPECT_EQ(writer->durable_seq(), 2u);
  EXPECT_EQ(fsyncs.value(), 1u);
  ASSERT_TRUE(writer->SyncIfDue().ok());  // nothing new: no fsync
  EXPECT_EQ(fsyncs.value(), 1u);

  // An Append after the interval syncs on its own.
  clock_.AdvanceMs(50);
  AppendOk(*writer, MakeGroup(2, 1, 10));
  EXPECT_EQ(writer->durable_seq(), 2u);
  clock_.AdvanceMs(50);
  AppendOk(*writer, MakeGroup(3, 1, 10));
  EXPECT_EQ(writer->durable_seq(), 4u);

  AppendOk(*writer, MakeGroup(4, 1, 10));
  ASSERT_TRUE(writer->Sync().ok());
  EXPECT_EQ(writer->durable_seq(), 5u);
  EXPECT_EQ(fsyncs.value(), 3u);
}

TEST_F(WriterTest, IntervalSyncIsNotPostponedByClockGoingBack) {
  auto writer = OpenWriter();
  ASSERT_NE(writer, nullptr);
  clock_.AdvanceMs(100);
  ASSERT_TRUE(writer->Sync().ok());
  AppendOk(*writer, MakeGroup(1, 1, 10));
  clock_.SetMs(kStartMs - 3'600'000);
  ASSERT_TRUE(writer->SyncIfDue().ok());
  EXPECT_EQ(writer->durable_seq(), writer->next_seq());
}

TEST_F(WriterTest, FailedFsyncPoisonsWriter) {
  FaultInjectionFileSystem fs;
  WriterOptions options;
  options.sync_mode = SyncMode::kAlways;
  auto writer = OpenWriter(options, &fs);
  ASSERT_NE(writer, nullptr);
  AppendOk(*writer, MakeGroup(1, 2, 10));
  fs.FailNextSync();
  auto failed = writer->Append(MakeGroup(3, 2, 10).records);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), StatusCode::kIoError);
  EXPECT_NE(failed.status().message().find("fdatasync"), std::string::npos);
  EXPECT_NE(failed.status().message().find("poisoned"), std::string::npos);
  EXPECT_TRUE(writer->poisoned());
  EXPECT_EQ(writer->durable_seq(), 3u);  // the failed group is not durable

  // Retrying must not report success: the kernel may have dropped the dirty pages.
  const int syncs = fs.syncs();
  auto later = writer->Append(MakeGroup(5, 1, 10).records);
  ASSERT_FALSE(later.ok());
  EXPECT_EQ(later.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(later.status().message().find("poisoned"), std::string::npos);
  EXPECT_NE(later.status().message().find("injected fdatasync failure"), std::string::npos);
  EXPECT_EQ(writer->Sync().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(writer->SyncIfDue().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(fs.syncs(), syncs);
  writer.reset();

  // Reopening recovers from what is on disk and appends again.
  auto reopened = OpenWriter(options, &fs);
  ASSERT_NE(reopened, nullptr);
  EXPECT_FALSE(reopened->poisoned());
  AppendOk(*reopened, MakeGroup(5, 1, 10));
}

TEST_F(WriterTest, FailedWritePoisonsWriter) {
  FaultInjectionFileSystem fs;
  auto writer = OpenWriter({}, &fs);
  ASSERT_NE(writer, nullptr);
  AppendOk(*writer, MakeGroup(1, 2, 100));
  fs.FailNextWrite(/*prefix_bytes=*/50);  // a torn group is left in the file
  auto failed = writer->Append(MakeGroup(3, 2, 100).records);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), StatusCode::kIoError);
  EXPECT_NE(failed.status().message().find("poisoned"), std::string::npos);
  EXPECT_TRUE(writer->poisoned());
  EXPECT_EQ(writer->next_seq(), 3u);
  auto later = writer->Append(MakeGroup(3, 1, 100).records);
  EXPECT_EQ(later.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(later.status().message().find("injected write failure"), std::string::npos);
  writer.reset();

  RecoveryReport report;
  auto reopened = OpenWriter({}, &fs, &report);
  ASSERT_NE(reopened, nullptr);
  ASSERT_EQ(report.events.size(), 1u) << report.Summary();
  EXPECT_EQ(report.events[0].kind, RecoveryEvent::Kind::kTruncatedTornPayload);
  EXPECT_EQ(report.events[0].bytes, 50u);
  EXPECT_EQ(reopened->next_seq(), 3u);
  AppendOk(*reopened, MakeGroup(3, 1, 100));
  EXPECT_EQ(ReadAll(archive_dir()).size(), 3u);
}

TEST_F(WriterTest, OversizedRecordIsRejectedWithoutPoisoning) {
  auto writer = OpenWriter();
  ASSERT_NE(writer, nullptr);
  const std::string huge(kMaxRecordPayloadBytes + 1, 'x');
  const Record record{1, huge};
  auto result = writer->Append(std::span<const Record>(&record, 1));
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(writer->poisoned());
  EXPECT_EQ(AppendOk(*writer, MakeGroup(1, 1, 10)).first_seq, 1u);
}

TEST_F(WriterTest, SecondWriterOnSameDirectoryIsRefused) {
  auto writer = OpenWriter();
  ASSERT_NE(writer, nullptr);
  WriterOptions options;
  options.dir = archive_dir();
  auto second = Writer::Open(options, clock_, nullptr, nullptr);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);
  writer.reset();
  EXPECT_TRUE(Writer::Open(options, clock_, nullptr, nullptr).ok());
}

TEST_F(WriterTest, BadOptionsAreInvalidArgument) {
  WriterOptions options;
  EXPECT_EQ(Writer::Open(options, clock_, nullptr, nullptr).status().code(),
            StatusCode::kInvalidArgument);
  options.dir = archive_dir();
  options.segment_max_ms = 0;
  EXPECT_EQ(Writer::Open(options, clock_, nullptr, nullptr).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(WriterTest, RaiseTimeFloorHoldsLaterAppendsAtOrAfterIt) {
  auto writer = OpenWriter();
  ASSERT_NE(writer, nullptr);
  AppendOk(*writer, MakeGroup(1, 2, 10));
  writer->RaiseTimeFloor(kStartMs + 500);
  EXPECT_EQ(writer->last_archive_time_ms(), kStartMs + 500);
  // The clock is behind the floor: the floor wins, and SeqAtTime(floor) is final.
  EXPECT_EQ(*writer->index()->SeqAtTime(kStartMs + 500), 3u);
  EXPECT_EQ(AppendOk(*writer, MakeGroup(3, 1, 10)).archive_time_ms, kStartMs + 500);
  EXPECT_EQ(*writer->index()->SeqAtTime(kStartMs + 500), 3u);
  // A lower floor changes nothing; a clock past the floor is used again.
  writer->RaiseTimeFloor(kStartMs);
  EXPECT_EQ(writer->last_archive_time_ms(), kStartMs + 500);
  clock_.SetMs(kStartMs + 600);
  EXPECT_EQ(AppendOk(*writer, MakeGroup(4, 1, 10)).archive_time_ms, kStartMs + 600);
}

TEST_F(WriterTest, IndexOutlivesWriter) {
  std::shared_ptr<ArchiveIndex> index;
  {
    auto writer = OpenWriter();
    ASSERT_NE(writer, nullptr);
    AppendOk(*writer, MakeGroup(1, 3, 10));
    index = writer->index();
  }
  EXPECT_EQ(index->Bounds().next_seq, 4u);
  EXPECT_EQ(*index->SeqAtTime(kStartMs), 1u);
}

}  // namespace
}  // namespace sluice::archive
