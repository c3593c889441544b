#include "archive/reader.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "archive/archive_format.h"
#include "archive/archive_index.h"
#include "archive/archive_test_util.h"
#include "archive/file_names.h"
#include "archive/record_codec.h"
#include "archive/segment_list.h"
#include "archive/writer.h"
#include "base/clock.h"

namespace sluice::archive {
namespace {

using testing::MakeGroup;
using testing::ReadAll;
using testing::TempDir;

constexpr size_t kPayloadSize = 100;
constexpr uint64_t kRecordSize = kRecordHeaderSize + kPayloadSize;

class ReaderTest : public ::testing::Test {
 protected:
  std::unique_ptr<Writer> OpenWriter(uint64_t segment_max_bytes = uint64_t{256} << 20) {
    WriterOptions options;
    options.dir = dir_.path();
    options.segment_max_bytes = segment_max_bytes;
    auto writer = Writer::Open(options, clock_, nullptr, nullptr);
    EXPECT_TRUE(writer.ok()) << writer.status().ToString();
    return writer.ok() ? std::move(*writer) : nullptr;
  }

  std::unique_ptr<Reader> OpenReader(uint64_t from_seq = 0) {
    auto reader = Reader::Open(dir_.path(), from_seq);
    EXPECT_TRUE(reader.ok()) << reader.status().ToString();
    return reader.ok() ? std::move(*reader) : nullptr;
  }

  // Appends `count` records in groups of `group`, the clock advancing 1 ms a group.
  void Append(Writer& writer, uint64_t first_id, size_t count, size_t group = 1) {
    for (size_t i = 0; i < count; i += group) {
      const size_t n = std::min(group, count - i);
      ASSERT_TRUE(writer.Append(MakeGroup(first_id + i, n, kPayloadSize).records).ok());
      clock_.AdvanceMs(1);
    }
  }

  TempDir dir_;
  ManualClock clock_{1'000'000};
};

TEST_F(ReaderTest, MissingDirectoryIsNotFound) {
  auto reader = Reader::Open(dir_.path() / "nowhere");
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), StatusCode::kNotFound);
}

TEST_F(ReaderTest, EmptyArchiveHasNothingYet) {
  auto reader = OpenReader();
  ASSERT_NE(reader, nullptr);
  RecordView view;
  auto more = reader->Next(view);
  ASSERT_TRUE(more.ok());
  EXPECT_FALSE(*more);
  auto segments = ListSegments(dir_.path());
  ASSERT_TRUE(segments.ok());
  EXPECT_TRUE(segments->empty());
}

TEST_F(ReaderTest, ReadsWholeArchiveAcrossSegments) {
  auto writer = OpenWriter(kSegmentHeaderSize + 4 * kRecordSize);
  ASSERT_NE(writer, nullptr);
  Append(*writer, 1000, 10, 2);
  const auto records = ReadAll(dir_.path());
  ASSERT_EQ(records.size(), 10u);
  for (size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(records[i].seq, i + 1);
    EXPECT_EQ(records[i].post_id, 1000 + i);
    EXPECT_EQ(records[i].archive_time_ms, 1'000'000 + static_cast<int64_t>(i / 2));
    EXPECT_EQ(records[i].bytes, testing::Payload(1000 + i, kPayloadSize));
  }
  auto segments = ListSegments(dir_.path());
  ASSERT_TRUE(segments.ok());
  ASSERT_EQ(segments->size(), 3u);
  EXPECT_EQ((*segments)[1].first_seq, 5u);
  EXPECT_EQ((*segments)[1].last_seq, 8u);
  EXPECT_EQ((*segments)[1].first_time_ms, 1'000'002);
  EXPECT_EQ((*segments)[1].last_time_ms, 1'000'003);
  EXPECT_TRUE((*segments)[1].sealed);
  EXPECT_FALSE((*segments)[2].sealed);
}

TEST_F(ReaderTest, StartsFromSequence) {
  auto writer = OpenWriter(kSegmentHeaderSize + 4 * kRecordSize);
  ASSERT_NE(writer, nullptr);
  Append(*writer, 1, 10, 2);
  for (uint64_t from : {0u, 1u, 4u, 5u, 6u, 10u}) {
    const auto records = ReadAll(dir_.path(), from);
    const uint64_t first = std::max<uint64_t>(from, 1);
    ASSERT_EQ(records.size(), 11 - first) << from;
    EXPECT_EQ(records.front().seq, first) << from;
  }
  EXPECT_TRUE(ReadAll(dir_.path(), 11).empty());
}

TEST_F(ReaderTest, PartialTailRecordIsEndForNow) {
  {
    auto writer = OpenWriter();
    ASSERT_NE(writer, nullptr);
    Append(*writer, 1, 2);
  }
  std::string record(kRecordSize, '\0');
  EncodeRecord(record.data(), 3, 1'000'002, 3, testing::Payload(3, kPayloadSize));
  const auto segment = dir_.path() / SegmentFileName(1);
  testing::AppendFileBytes(segment, record.substr(0, 50));

  auto reader = OpenReader();
  ASSERT_NE(reader, nullptr);
  RecordView view;
  for (uint64_t seq = 1; seq <= 2; ++seq) {
    auto more = reader->Next(view);
    ASSERT_TRUE(more.ok() && *more);
    EXPECT_EQ(view.seq, seq);
  }
  auto more = reader->Next(view);
  ASSERT_TRUE(more.ok()) << more.status().ToString();
  EXPECT_FALSE(*more);

  testing::AppendFileBytes(segment, record.substr(50));
  more = reader->Next(view);
  ASSERT_TRUE(more.ok() && *more);
  EXPECT_EQ(view.seq, 3u);
  EXPECT_EQ(view.bytes, testing::Payload(3, kPayloadSize));
}

TEST_F(ReaderTest, FollowsWriterAcrossSegmentRolls) {
  auto writer = OpenWriter(kSegmentHeaderSize + 3 * kRecordSize);
  ASSERT_NE(writer, nullptr);
  auto reader = OpenReader();
  ASSERT_NE(reader, nullptr);
  RecordView view;
  uint64_t expected = 1;
  for (int round = 0; round < 5; ++round) {
    Append(*writer, expected, 2);
    for (int i = 0; i < 2; ++i) {
      auto more = reader->Next(view);
      ASSERT_TRUE(more.ok() && *more) << round;
      EXPECT_EQ(view.seq, expected++);
    }
    auto more = reader->Next(view);
    ASSERT_TRUE(more.ok());
    EXPECT_FALSE(*more);
  }
}

TEST_F(ReaderTest, ConcurrentReaderSeesEveryRecordInOrder) {
  constexpr uint64_t kRecords = 20'000;
  auto writer = OpenWriter(256 * 1024);  // many rolls while the reader follows
  ASSERT_NE(writer, nullptr);
  std::atomic<bool> failed{false};
  std::thread reader_thread([&] {
    auto reader = Reader::Open(dir_.path());
    if (!reader.ok()) {
      failed = true;
      return;
    }
    RecordView view;
    uint64_t expected = 1;
    int64_t last_time = 0;
    while (expected <= kRecords && !failed) {
      auto more = (*reader)->Next(view);
      if (!more.ok()) {
        ADD_FAILURE() << more.status().ToString();
        failed = true;
        return;
      }
      if (!*more) {
        std::this_thread::yield();
        continue;
      }
      if (view.seq != expected || view.post_id != expected || view.archive_time_ms < last_time ||
          view.bytes != testing::Payload(expected, kPayloadSize)) {
        ADD_FAILURE() << "record " << expected << " read as seq " << view.seq;
        failed = true;
        return;
      }
      last_time = view.archive_time_ms;
      ++expected;
    }
  });
  for (uint64_t id = 1; id <= kRecords && !failed; id += 7) {
    const size_t n = std::min<uint64_t>(7, kRecords - id + 1);
    if (!writer->Append(MakeGroup(id, n, kPayloadSize).records).ok()) failed = true;
    clock_.AdvanceMs(1);
  }
  reader_thread.join();
  EXPECT_FALSE(failed);
}

TEST_F(ReaderTest, DamagedRecordIsCorruption) {
  {
    auto writer = OpenWriter();
    ASSERT_NE(writer, nullptr);
    Append(*writer, 1, 4);
  }
  const auto segment = dir_.path() / SegmentFileName(1);
  std::string bytes = testing::ReadFileBytes(segment);
  bytes[kSegmentHeaderSize + 2 * kRecordSize + kRecordHeaderSize] ^= 1;
  testing::WriteFileBytes(segment, bytes);

  auto reader = OpenReader();
  ASSERT_NE(reader, nullptr);
  RecordView view;
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(*reader->Next(view));
  auto more = reader->Next(view);
  ASSERT_FALSE(more.ok());
  EXPECT_EQ(more.status().code(), StatusCode::kCorruption);
  EXPECT_NE(more.status().message().find("offset " +
                                         std::to_string(kSegmentHeaderSize + 2 * kRecordSize)),
            std::string::npos)
      << more.status().message();
}

// Reads everything from `reader` until it has nothing more.
std::vector<RecordView> Drain(Reader& reader, std::vector<std::string>* payloads = nullptr) {
  std::vector<RecordView> records;
  RecordView view;
  while (true) {
    auto more = reader.Next(view);
    EXPECT_TRUE(more.ok()) << more.status().ToString();
    if (!more.ok() || !*more) return records;
    if (payloads != nullptr) payloads->emplace_back(view.bytes);
    view.bytes = {};
    records.push_back(view);
  }
}

TEST_F(ReaderTest, OpenedWithIndexReadsExactlyFromSeq) {
  // ~5 strides per segment, several segments.
  auto writer = OpenWriter(6 * kIndexStrideBytes);
  ASSERT_NE(writer, nullptr);
  Append(*writer, 1, 12'000, 50);
  const ArchiveIndex& index = *writer->index();
  ASSERT_GT(index.Segments().size(), 3u);
  const uint64_t per_stride = kIndexStrideBytes / kRecordSize;
  std::vector<uint64_t> starts = {0, 1, per_stride, per_stride + 1, 11'999, 12'000};
  for (const IndexedSegment& segment : index.Segments()) {
    starts.push_back(segment.first_seq);
    starts.push_back(segment.end_seq - 1);
  }
  for (const uint64_t from : starts) {
    auto reader = Reader::Open(dir_.path(), index, from);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    std::vector<std::string> payloads;
    const auto records = Drain(**reader, &payloads);
    const uint64_t first = std::max<uint64_t>(from, 1);
    ASSERT_EQ(records.size(), 12'001 - first) << from;
    EXPECT_EQ(records.front().seq, first) << from;
    EXPECT_EQ(records.back().seq, 12'000u) << from;
    EXPECT_EQ(payloads.front(), testing::Payload(first, kPayloadSize)) << from;
  }
}

TEST_F(ReaderTest, OpenedWithIndexAtEndFollowsLaterAppends) {
  auto writer = OpenWriter(kSegmentHeaderSize + 4 * kRecordSize);
  ASSERT_NE(writer, nullptr);
  auto before_any = Reader::Open(dir_.path(), *writer->index(), 0);
  ASSERT_TRUE(before_any.ok());
  EXPECT_TRUE(Drain(**before_any).empty());
  Append(*writer, 1, 8);  // the last segment is full, but sealed only by the next append
  auto at_end = Reader::Open(dir_.path(), *writer->index(), 9);
  ASSERT_TRUE(at_end.ok());
  EXPECT_TRUE(Drain(**at_end).empty());
  Append(*writer, 9, 3);
  const auto records = Drain(**at_end);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records.front().seq, 9u);
  EXPECT_EQ(Drain(**before_any).size(), 11u);
}

bool EvenPostId(const RecordView& record, const void*) { return record.post_id % 2 == 0; }

TEST_F(ReaderTest, FilteredOutRecordsAreSkippedWithoutCrcCheck) {
  {
    auto writer = OpenWriter();
    ASSERT_NE(writer, nullptr);
    Append(*writer, 1, 10);
  }
  // A payload byte of record 3 (post id 3): only a reader that wants it may notice.
  const auto segment = dir_.path() / SegmentFileName(1);
  std::string bytes = testing::ReadFileBytes(segment);
  bytes[kSegmentHeaderSize + 2 * kRecordSize + kRecordHeaderSize + 5] ^= 1;
  testing::WriteFileBytes(segment, bytes);

  auto reader = OpenReader();
  ASSERT_NE(reader, nullptr);
  reader->set_filter(&EvenPostId, nullptr);
  const auto records = Drain(*reader);
  ASSERT_EQ(records.size(), 5u);
  for (size_t i = 0; i < records.size(); ++i) EXPECT_EQ(records[i].post_id, 2 * (i + 1));

  auto unfiltered = OpenReader();
  ASSERT_NE(unfiltered, nullptr);
  RecordView view;
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(*unfiltered->Next(view));
  auto more = unfiltered->Next(view);
  ASSERT_FALSE(more.ok());
  EXPECT_EQ(more.status().code(), StatusCode::kCorruption);
}

TEST_F(ReaderTest, FilteredOutRecordsStillHaveTheirSequenceChecked) {
  {
    auto writer = OpenWriter();
    ASSERT_NE(writer, nullptr);
    Append(*writer, 1, 10);
  }
  const auto segment = dir_.path() / SegmentFileName(1);
  std::string bytes = testing::ReadFileBytes(segment);
  bytes[kSegmentHeaderSize + 2 * kRecordSize + kRecordSeqOffset] ^= 0x10;  // record 3's seq
  testing::WriteFileBytes(segment, bytes);

  auto reader = OpenReader();
  ASSERT_NE(reader, nullptr);
  reader->set_filter(&EvenPostId, nullptr);
  RecordView view;
  ASSERT_TRUE(*reader->Next(view));
  EXPECT_EQ(view.post_id, 2u);
  auto more = reader->Next(view);
  ASSERT_FALSE(more.ok());
  EXPECT_EQ(more.status().code(), StatusCode::kCorruption);
  EXPECT_NE(more.status().message().find("sequence"), std::string::npos);
}

bool NoRecord(const RecordView&, const void*) { return false; }

TEST_F(ReaderTest, SkipLimitBoundsAFilteredCallAndProgressIsReported) {
  auto writer = OpenWriter(kSegmentHeaderSize + 4 * kRecordSize);  // four records a segment
  ASSERT_NE(writer, nullptr);
  Append(*writer, 1, 10);  // seq 1..10, times 1'000'000 .. 1'000'009
  auto reader = OpenReader();
  ASSERT_NE(reader, nullptr);
  reader->set_filter(&NoRecord, nullptr);
  EXPECT_EQ(reader->skipped_end_seq(), 0u);
  RecordView view;
  // Three records a call, across segment ends.
  for (uint64_t end_seq : {4u, 7u, 10u}) {
    auto more = reader->Next(view, 3 * kRecordSize);
    ASSERT_TRUE(more.ok()) << more.status().ToString();
    EXPECT_FALSE(*more);
    EXPECT_EQ(reader->skipped_end_seq(), end_seq);
    EXPECT_EQ(reader->skipped_time_ms(), 1'000'000 + static_cast<int64_t>(end_seq) - 2);
    EXPECT_EQ(reader->skipped_bytes(), (end_seq - 1) * kRecordSize);
  }
  auto more = reader->Next(view, 3 * kRecordSize);
  ASSERT_TRUE(more.ok());
  EXPECT_FALSE(*more);  // the last record, then nothing more for now
  EXPECT_EQ(reader->skipped_end_seq(), 11u);
  // A record the filter wants comes back; a smaller budget than one record still passes over
  // one record per call.
  reader->set_filter(&EvenPostId, nullptr);
  Append(*writer, 101, 2);  // post ids 101 (odd), 102
  more = reader->Next(view, 1);
  ASSERT_TRUE(more.ok());
  EXPECT_FALSE(*more);
  EXPECT_EQ(reader->skipped_end_seq(), 12u);
  more = reader->Next(view, 1);
  ASSERT_TRUE(more.ok());
  ASSERT_TRUE(*more);
  EXPECT_EQ(view.seq, 12u);
  EXPECT_EQ(view.post_id, 102u);
  EXPECT_EQ(reader->skipped_end_seq(), 12u);  // returned records are not "skipped"
}

TEST_F(ReaderTest, FilterSeesSequenceAndTimeOfEachRecord) {
  auto writer = OpenWriter();
  ASSERT_NE(writer, nullptr);
  Append(*writer, 1, 6);
  auto reader = OpenReader();
  ASSERT_NE(reader, nullptr);
  const int64_t from_time = 1'000'004;
  reader->set_filter(
      [](const RecordView& record, const void* arg) {
        return record.archive_time_ms >= *static_cast<const int64_t*>(arg) || record.seq == 2;
      },
      &from_time);
  const auto records = Drain(*reader);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].seq, 2u);
  EXPECT_EQ(records[1].seq, 5u);
  EXPECT_EQ(records[2].seq, 6u);
}

}  // namespace
}  // namespace sluice::archive
