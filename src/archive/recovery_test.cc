// One test per failure mode of docs/archive-format.md ("Recovery"), each checking what the
// document promises: where the segment is cut, what is reported, what is quarantined.
#include <gtest/gtest.h>

#include <string>

#include "archive/archive_format.h"
#include "archive/archive_test_util.h"
#include "archive/coding.h"
#include "archive/file_names.h"
#include "archive/record_codec.h"
#include "archive/segment_header.h"
#include "archive/segment_list.h"
#include "archive/writer.h"
#include "base/clock.h"

namespace sluice::archive {
namespace {

using testing::FileSizeOf;
using testing::MakeGroup;
using testing::ReadAll;
using testing::ReadFileBytes;
using testing::TempDir;
using testing::WriteFileBytes;

constexpr size_t kPayloadSize = 100;
constexpr uint64_t kRecordSize = kRecordHeaderSize + kPayloadSize;

// File offset of record `index` (0-based) of a segment of kPayloadSize records.
constexpr uint64_t RecordOffset(uint64_t index) { return kSegmentHeaderSize + index * kRecordSize; }

class RecoveryTest : public ::testing::Test {
 protected:
  // Writes `count` records, one group each, with the clock advancing 1 ms per record.
  void WriteRecords(uint64_t first_id, size_t count) {
    auto writer = Open(nullptr);
    ASSERT_NE(writer, nullptr);
    for (size_t i = 0; i < count; ++i) {
      ASSERT_TRUE(writer->Append(MakeGroup(first_id + i, 1, kPayloadSize).records).ok());
      clock_.AdvanceMs(1);
    }
  }

  std::unique_ptr<Writer> Open(RecoveryReport* report) {
    WriterOptions options;
    options.dir = dir_.path();
    options.segment_max_bytes = segment_max_bytes_;
    auto writer = Writer::Open(options, clock_, nullptr, report);
    EXPECT_TRUE(writer.ok()) << writer.status().ToString();
    return writer.ok() ? std::move(*writer) : nullptr;
  }

  std::filesystem::path Segment(uint64_t first_seq) const {
    return dir_.path() / SegmentFileName(first_seq);
  }

  // Reopens, expecting exactly one recovery event, and returns it with the report.
  RecoveryEvent ReopenExpectingOneEvent(RecoveryReport* report) {
    auto writer = Open(report);
    EXPECT_NE(writer, nullptr);
    EXPECT_EQ(report->events.size(), 1u) << report->Summary();
    return report->events.empty() ? RecoveryEvent{} : report->events[0];
  }

  TempDir dir_;
  ManualClock clock_{1'000'000};
  uint64_t segment_max_bytes_ = uint64_t{256} << 20;
};

TEST_F(RecoveryTest, CleanArchiveReportsNothing) {
  WriteRecords(1, 3);
  RecoveryReport report;
  auto writer = Open(&report);
  ASSERT_NE(writer, nullptr);
  EXPECT_TRUE(report.events.empty());
  EXPECT_EQ(report.Summary(), "archive recovery: 1 segments (1 scanned), next seq 4; clean");
}

TEST_F(RecoveryTest, TornHeaderAtTailIsTruncated) {
  WriteRecords(1, 3);
  std::string torn(kRecordSize, '\0');
  EncodeRecord(torn.data(), 4, 2'000'000, 4, testing::Payload(4, kPayloadSize));
  testing::AppendFileBytes(Segment(1), torn.substr(0, 10));

  RecoveryReport report;
  const RecoveryEvent event = ReopenExpectingOneEvent(&report);
  EXPECT_EQ(event.kind, RecoveryEvent::Kind::kTruncatedTornHeader);
  EXPECT_EQ(event.segment, SegmentFileName(1));
  EXPECT_EQ(event.offset, RecordOffset(3));
  EXPECT_EQ(event.bytes, 10u);
  EXPECT_EQ(event.records_after, 0u);
  EXPECT_TRUE(event.quarantine_file.empty());
  EXPECT_FALSE(report.LostData());
  EXPECT_EQ(FileSizeOf(Segment(1)), RecordOffset(3));
  EXPECT_EQ(report.next_seq, 4u);
  EXPECT_EQ(ReadAll(dir_.path()).size(), 3u);
}

TEST_F(RecoveryTest, TornPayloadAtTailIsTruncated) {
  WriteRecords(1, 4);
  testing::ResizeFile(Segment(1), RecordOffset(4) - 30);  // the last record lost its end

  RecoveryReport report;
  const RecoveryEvent event = ReopenExpectingOneEvent(&report);
  EXPECT_EQ(event.kind, RecoveryEvent::Kind::kTruncatedTornPayload);
  EXPECT_EQ(event.offset, RecordOffset(3));
  EXPECT_EQ(event.bytes, kRecordSize - 30);
  EXPECT_FALSE(report.LostData());
  EXPECT_EQ(FileSizeOf(Segment(1)), RecordOffset(3));
  EXPECT_EQ(report.next_seq, 4u);
}

TEST_F(RecoveryTest, ZeroFilledTailIsTruncated) {
  WriteRecords(1, 3);
  testing::AppendFileBytes(Segment(1), std::string(4096, '\0'));  // pre-allocated space

  RecoveryReport report;
  const RecoveryEvent event = ReopenExpectingOneEvent(&report);
  EXPECT_EQ(event.kind, RecoveryEvent::Kind::kTruncatedZeroTail);
  EXPECT_EQ(event.offset, RecordOffset(3));
  EXPECT_EQ(event.bytes, 4096u);
  EXPECT_FALSE(report.LostData());
  EXPECT_EQ(FileSizeOf(Segment(1)), RecordOffset(3));
  EXPECT_EQ(report.next_seq, 4u);
}

TEST_F(RecoveryTest, ChecksumMismatchMidSegment) {
  WriteRecords(1, 5);
  const std::string original = ReadFileBytes(Segment(1));
  std::string damaged = original;
  damaged[RecordOffset(1) + kRecordHeaderSize + 7] ^= 0x20;  // one bit of record 2's payload
  WriteFileBytes(Segment(1), damaged);

  RecoveryReport report;
  const RecoveryEvent event = ReopenExpectingOneEvent(&report);
  EXPECT_EQ(event.kind, RecoveryEvent::Kind::kQuarantinedCorruptTail);
  EXPECT_EQ(event.segment, SegmentFileName(1));
  EXPECT_EQ(event.offset, RecordOffset(1));
  EXPECT_EQ(event.bytes, 4 * kRecordSize);
  EXPECT_EQ(event.records_after, 3u);  // records 3, 4 and 5 were intact
  EXPECT_NE(event.detail.find("checksum"), std::string::npos) << event.detail;
  EXPECT_TRUE(report.LostData());
  EXPECT_NE(report.Summary().find("QUARANTINED 1 corrupt region(s) (528 bytes, 3 intact"),
            std::string::npos)
      << report.Summary();

  // Nothing silently dropped: the cut bytes are beside the segment, exactly.
  EXPECT_EQ(event.quarantine_file,
            SegmentFileName(1) + ".corrupt-" + std::to_string(RecordOffset(1)));
  EXPECT_EQ(ReadFileBytes(dir_.path() / event.quarantine_file), damaged.substr(RecordOffset(1)));
  EXPECT_EQ(FileSizeOf(Segment(1)), RecordOffset(1));
  EXPECT_EQ(report.next_seq, 2u);
  EXPECT_EQ(ReadAll(dir_.path()).size(), 1u);

  // A second open finds a clean archive, and appends continue the sequence.
  RecoveryReport again;
  auto writer = Open(&again);
  ASSERT_NE(writer, nullptr);
  EXPECT_TRUE(again.events.empty()) << again.Summary();
  auto appended = writer->Append(MakeGroup(9, 1, kPayloadSize).records);
  ASSERT_TRUE(appended.ok());
  EXPECT_EQ(appended->first_seq, 2u);
}

TEST_F(RecoveryTest, ChecksumMismatchInLastRecordIsQuarantined) {
  // A bad crc is not a torn write: even at the very end, the bytes are kept aside.
  WriteRecords(1, 3);
  std::string damaged = ReadFileBytes(Segment(1));
  damaged[RecordOffset(2) + kRecordHeaderSize] ^= 1;
  WriteFileBytes(Segment(1), damaged);

  RecoveryReport report;
  const RecoveryEvent event = ReopenExpectingOneEvent(&report);
  EXPECT_EQ(event.kind, RecoveryEvent::Kind::kQuarantinedCorruptTail);
  EXPECT_EQ(event.offset, RecordOffset(2));
  EXPECT_EQ(event.bytes, kRecordSize);
  EXPECT_EQ(event.records_after, 0u);
  EXPECT_EQ(report.next_seq, 3u);
}

TEST_F(RecoveryTest, DamagedLengthWithIntactRecordsAfterIsQuarantined) {
  // A length pointing past the end looks like a torn tail, but intact records follow it.
  WriteRecords(1, 5);
  std::string damaged = ReadFileBytes(Segment(1));
  EncodeFixed32(damaged.data() + RecordOffset(1) + kRecordLengthOffset, 10'000);
  WriteFileBytes(Segment(1), damaged);

  RecoveryReport report;
  const RecoveryEvent event = ReopenExpectingOneEvent(&report);
  EXPECT_EQ(event.kind, RecoveryEvent::Kind::kQuarantinedCorruptTail);
  EXPECT_EQ(event.offset, RecordOffset(1));
  EXPECT_EQ(event.bytes, 4 * kRecordSize);
  EXPECT_EQ(event.records_after, 3u);
  EXPECT_EQ(report.next_seq, 2u);
}

TEST_F(RecoveryTest, ImplausibleHeaderPointingPastEndIsQuarantined) {
  // A length past the end of the file is a torn write only if the header could be the next
  // record's: this one carries another sequence.
  WriteRecords(1, 3);
  std::string header(kRecordHeaderSize, '\0');
  EncodeFixed32(header.data() + kRecordLengthOffset, 1000);
  EncodeFixed64(header.data() + kRecordSeqOffset, 77);
  testing::AppendFileBytes(Segment(1), header + "some bytes");

  RecoveryReport report;
  const RecoveryEvent event = ReopenExpectingOneEvent(&report);
  EXPECT_EQ(event.kind, RecoveryEvent::Kind::kQuarantinedCorruptTail);
  EXPECT_EQ(event.offset, RecordOffset(3));
  EXPECT_EQ(event.bytes, kRecordHeaderSize + 10);
  EXPECT_NE(event.detail.find("sequence 77"), std::string::npos) << event.detail;
  EXPECT_EQ(report.next_seq, 4u);
}

TEST_F(RecoveryTest, HeaderCorruptLastSegmentIsQuarantinedWhole) {
  segment_max_bytes_ = RecordOffset(2);  // two records a segment
  WriteRecords(1, 3);                    // segments 1 (sealed) and 3
  const uint64_t size = FileSizeOf(Segment(3));
  std::string damaged = ReadFileBytes(Segment(3));
  damaged[0] = 'X';  // the magic
  WriteFileBytes(Segment(3), damaged);

  RecoveryReport report;
  {
    const RecoveryEvent event = ReopenExpectingOneEvent(&report);
    EXPECT_EQ(event.kind, RecoveryEvent::Kind::kQuarantinedSegment);
    EXPECT_EQ(event.segment, SegmentFileName(3));
    EXPECT_EQ(event.offset, 0u);
    EXPECT_EQ(event.bytes, size);
    EXPECT_EQ(event.records_after, 1u);
    EXPECT_EQ(event.quarantine_file, SegmentFileName(3) + ".corrupt-0");
    EXPECT_NE(event.detail.find("magic"), std::string::npos) << event.detail;
    EXPECT_EQ(ReadFileBytes(dir_.path() / event.quarantine_file), damaged);
    EXPECT_FALSE(std::filesystem::exists(Segment(3)));
    EXPECT_EQ(report.next_seq, 3u);
  }
  // The next append starts a fresh segment 3 beside the quarantined one.
  auto writer = Open(nullptr);
  ASSERT_NE(writer, nullptr);
  auto appended = writer->Append(MakeGroup(7, 1, kPayloadSize).records);
  ASSERT_TRUE(appended.ok());
  EXPECT_EQ(appended->first_seq, 3u);
  EXPECT_EQ(ReadAll(dir_.path()).size(), 3u);
}

TEST_F(RecoveryTest, HeaderCorruptSealedSegmentLeavesSequenceGap) {
  segment_max_bytes_ = RecordOffset(2);
  WriteRecords(1, 6);  // segments 1, 3 (sealed) and 5
  std::string damaged = ReadFileBytes(Segment(3));
  damaged[kSegmentHeaderFirstSeqOffset] ^= 1;
  WriteFileBytes(Segment(3), damaged);

  RecoveryReport report;
  const RecoveryEvent event = ReopenExpectingOneEvent(&report);
  EXPECT_EQ(event.kind, RecoveryEvent::Kind::kQuarantinedSegment);
  EXPECT_EQ(event.records_after, 2u);
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / MetaFileName(3)));
  EXPECT_EQ(report.segments, 2u);
  EXPECT_EQ(report.next_seq, 7u);
  const auto records = ReadAll(dir_.path());
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[1].seq, 2u);
  EXPECT_EQ(records[2].seq, 5u);  // 3 and 4 are in the quarantine file
}

TEST_F(RecoveryTest, DamagedLastRecordOfSealedSegmentIsQuarantinedAndResealed) {
  segment_max_bytes_ = RecordOffset(2);
  WriteRecords(1, 4);  // segments 1 (sealed) and 3
  std::string damaged = ReadFileBytes(Segment(1));
  damaged[RecordOffset(1) + kRecordHeaderSize + 1] ^= 1;
  WriteFileBytes(Segment(1), damaged);

  RecoveryReport report;
  auto writer = Open(&report);
  ASSERT_NE(writer, nullptr);
  ASSERT_EQ(report.events.size(), 2u) << report.Summary();
  EXPECT_EQ(report.events[0].kind, RecoveryEvent::Kind::kQuarantinedCorruptTail);
  EXPECT_EQ(report.events[0].offset, RecordOffset(1));
  EXPECT_EQ(report.events[1].kind, RecoveryEvent::Kind::kRebuiltMeta);
  auto segments = ListSegments(dir_.path());
  ASSERT_TRUE(segments.ok());
  ASSERT_EQ(segments->size(), 2u);
  EXPECT_TRUE((*segments)[0].sealed);
  EXPECT_EQ((*segments)[0].last_seq, 1u);
  EXPECT_EQ(writer->next_seq(), 5u);
}

TEST_F(RecoveryTest, StaleTempFilesAreRemoved) {
  WriteRecords(1, 2);
  WriteFileBytes(dir_.path() / TempFileName(SegmentFileName(3)), "half a header");
  WriteFileBytes(dir_.path() / TempFileName(MetaFileName(1)), "half a meta");

  RecoveryReport report;
  auto writer = Open(&report);
  ASSERT_NE(writer, nullptr);
  ASSERT_EQ(report.events.size(), 2u);
  EXPECT_EQ(report.events[0].kind, RecoveryEvent::Kind::kRemovedTempFile);
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / TempFileName(SegmentFileName(3))));
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / TempFileName(MetaFileName(1))));
  EXPECT_EQ(writer->next_seq(), 3u);
}

TEST_F(RecoveryTest, SegmentsGoingBackInTimeAreRefused) {
  segment_max_bytes_ = RecordOffset(2);
  WriteRecords(1, 3);  // segments 1 (sealed) and 3
  // Replace segment 3 by a well-formed one whose record is older than segment 1's: no crash
  // does that, so recovery must not guess which side is right.
  std::string segment = EncodeSegmentHeader(3);
  std::string record(kRecordSize, '\0');
  EncodeRecord(record.data(), 3, /*archive_time_ms=*/5, 3, testing::Payload(3, kPayloadSize));
  WriteFileBytes(Segment(3), segment + record);

  WriterOptions options;
  options.dir = dir_.path();
  auto writer = Writer::Open(options, clock_, nullptr, nullptr);
  ASSERT_FALSE(writer.ok());
  EXPECT_EQ(writer.status().code(), StatusCode::kCorruption);
  EXPECT_NE(writer.status().message().find("archive time"), std::string::npos);
}

}  // namespace
}  // namespace sluice::archive
