#include "archive/retention.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "archive/archive_format.h"
#include "archive/archive_test_util.h"
#include "archive/file_names.h"
#include "archive/reader.h"
#include "archive/writer.h"
#include "base/clock.h"

namespace sluice::archive {
namespace {

using testing::MakeGroup;
using testing::ReadAll;
using testing::TempDir;

constexpr int64_t kStartMs = 1'700'000'000'000;
constexpr size_t kPayloadSize = 500;
constexpr uint64_t kRecordSize = kRecordHeaderSize + kPayloadSize;
// Four records per segment.
constexpr uint64_t kSegmentBytes = kSegmentHeaderSize + 4 * kRecordSize;

class RetentionTest : public ::testing::Test {
 protected:
  std::unique_ptr<Writer> Open() {
    WriterOptions options;
    options.dir = dir_.path();
    options.segment_max_bytes = kSegmentBytes;
    auto writer = Writer::Open(options, clock_, nullptr, nullptr);
    EXPECT_TRUE(writer.ok()) << writer.status().ToString();
    return writer.ok() ? std::move(*writer) : nullptr;
  }

  // Appends `count` records one by one, 10 ms apart: segment i holds times
  // kStartMs + 40 i .. kStartMs + 40 i + 30.
  void Append(Writer& writer, size_t count) {
    for (size_t i = 0; i < count; ++i) {
      ASSERT_TRUE(writer.Append(MakeGroup(next_id_++, 1, kPayloadSize).records).ok());
      clock_.AdvanceMs(10);
    }
  }

  RetentionResult Delete(Writer& writer, int64_t cutoff_ms) {
    auto result = DeleteSegmentsOlderThan(dir_.path(), *writer.index(), cutoff_ms);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return result.ok() ? *result : RetentionResult{};
  }

  bool SegmentExists(uint64_t first_seq) {
    return std::filesystem::exists(dir_.path() / SegmentFileName(first_seq));
  }

  TempDir dir_;
  ManualClock clock_{kStartMs};
  uint64_t next_id_ = 1;
};

TEST_F(RetentionTest, DeletesOnlyWholeSealedSegmentsOlderThanCutoff) {
  auto writer = Open();
  ASSERT_NE(writer, nullptr);
  Append(*writer, 16);  // segments 1, 5, 9 (sealed) and 13
  const uint64_t before = *ArchiveDiskBytes(dir_.path());
  // Segment 5 ends at +70: a cutoff inside it keeps it whole.
  const RetentionResult result = Delete(*writer, kStartMs + 60);
  EXPECT_EQ(result.segments_deleted, 1u);
  EXPECT_FALSE(SegmentExists(1));
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / MetaFileName(1)));
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / IndexFileName(1)));
  EXPECT_TRUE(SegmentExists(5));
  EXPECT_EQ(result.bytes_deleted + result.bytes_remaining, before);
  EXPECT_EQ(result.bytes_remaining, *ArchiveDiskBytes(dir_.path()));

  const ArchiveBounds bounds = writer->index()->Bounds();
  EXPECT_EQ(bounds.first_seq, 5u);
  EXPECT_EQ(bounds.first_time_ms, kStartMs + 40);
  EXPECT_EQ(bounds.deleted_through_ms, kStartMs + 30);
  EXPECT_EQ(ReadAll(dir_.path()).front().seq, 5u);
  // A time that was deleted finds the oldest record left.
  EXPECT_EQ(*writer->index()->SeqAtTime(kStartMs), 5u);
  EXPECT_EQ(writer->index()->Seek(2).seq, 5u);
}

TEST_F(RetentionTest, NeverDeletesTheNewestSegment) {
  auto writer = Open();
  ASSERT_NE(writer, nullptr);
  Append(*writer, 8);  // segments 1 (sealed) and 5, full but open
  const RetentionResult result = Delete(*writer, kStartMs + 1'000'000);
  EXPECT_EQ(result.segments_deleted, 1u);
  EXPECT_TRUE(SegmentExists(5));
  // Sealed by the next append, the newest is 9: now 5 may go, 9 may not.
  Append(*writer, 1);
  EXPECT_EQ(Delete(*writer, kStartMs + 1'000'000).segments_deleted, 1u);
  EXPECT_TRUE(SegmentExists(9));
  EXPECT_EQ(Delete(*writer, kStartMs + 1'000'000).segments_deleted, 0u);
  EXPECT_EQ(writer->index()->Bounds().first_seq, 9u);
  EXPECT_EQ(writer->index()->Bounds().deleted_through_ms, kStartMs + 70);
}

TEST_F(RetentionTest, NothingOldEnoughChangesNothing) {
  auto writer = Open();
  ASSERT_NE(writer, nullptr);
  Append(*writer, 12);
  const RetentionResult result = Delete(*writer, kStartMs + 30);  // segment 1 ends at +30
  EXPECT_EQ(result.segments_deleted, 0u);
  EXPECT_EQ(result.bytes_deleted, 0u);
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / std::string(kRetentionFileName)));
  EXPECT_EQ(writer->index()->Bounds().deleted_through_ms, 0);
}

TEST_F(RetentionTest, DeletedThroughSurvivesReopen) {
  {
    auto writer = Open();
    ASSERT_NE(writer, nullptr);
    Append(*writer, 16);
    EXPECT_EQ(Delete(*writer, kStartMs + 80).segments_deleted, 2u);
  }
  RecoveryReport report;
  WriterOptions options;
  options.dir = dir_.path();
  options.segment_max_bytes = kSegmentBytes;
  auto writer = Writer::Open(options, clock_, nullptr, &report);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  EXPECT_TRUE(report.events.empty()) << report.Summary();
  const ArchiveBounds bounds = (*writer)->index()->Bounds();
  EXPECT_EQ(bounds.deleted_through_ms, kStartMs + 70);
  EXPECT_EQ(bounds.first_seq, 9u);
  EXPECT_EQ(bounds.next_seq, 17u);
}

TEST_F(RetentionTest, ReaderInsideDeletedSegmentReadsItToTheEnd) {
  auto writer = Open();
  ASSERT_NE(writer, nullptr);
  Append(*writer, 12);  // segments 1, 5 (sealed) and 9
  auto reader = Reader::Open(dir_.path(), *writer->index(), 2);
  ASSERT_TRUE(reader.ok());
  RecordView view;
  ASSERT_TRUE(*(*reader)->Next(view));
  EXPECT_EQ(view.seq, 2u);
  // Both segments the reader has yet to finish go, files and metas.
  EXPECT_EQ(Delete(*writer, kStartMs + 80).segments_deleted, 2u);
  ASSERT_FALSE(SegmentExists(1));
  ASSERT_FALSE(SegmentExists(5));
  std::vector<uint64_t> seqs;
  while (true) {
    auto more = (*reader)->Next(view);
    ASSERT_TRUE(more.ok()) << more.status().ToString();
    if (!*more) break;
    seqs.push_back(view.seq);
  }
  // The rest of the open segment, then past the deleted one to the oldest left.
  EXPECT_EQ(seqs, (std::vector<uint64_t>{3, 4, 9, 10, 11, 12}));
}

TEST_F(RetentionTest, ArchiveDiskBytesCountsSegmentsMetasAndIndexes) {
  auto writer = Open();
  ASSERT_NE(writer, nullptr);
  Append(*writer, 6);  // segment 1 sealed (meta, idx), segment 5 open with 2 records
  uint64_t expected = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
    const std::string name = entry.path().filename().string();
    if (name.ends_with(".seg") || name.ends_with(".meta") || name.ends_with(".idx")) {
      expected += entry.file_size();
    }
  }
  EXPECT_EQ(expected, 2 * kSegmentHeaderSize + 6 * kRecordSize + kMetaSize + kIndexHeaderSize +
                          kIndexEntrySize);
  testing::WriteFileBytes(dir_.path() / "00000000000000000001.seg.corrupt-32", "not counted");
  EXPECT_EQ(*ArchiveDiskBytes(dir_.path()), expected);
  EXPECT_EQ(ArchiveDiskBytes(dir_.path() / "nowhere").status().code(), StatusCode::kNotFound);
}

TEST_F(RetentionTest, RunsConcurrentlyWithWriterAndReader) {
  auto writer = Open();
  ASSERT_NE(writer, nullptr);
  std::shared_ptr<ArchiveIndex> index = writer->index();
  std::atomic<bool> done = false;
  std::atomic<int> failures = 0;
  std::thread retention([&] {
    while (!done.load()) {
      // Keep about the last 200 ms of archive time.
      auto result =
          DeleteSegmentsOlderThan(dir_.path(), *index, index->Bounds().last_time_ms - 200);
      if (!result.ok()) ++failures;
      std::this_thread::yield();
    }
  });
  std::thread reader_thread([&] {
    auto reader = Reader::Open(dir_.path(), *index, 0);
    if (!reader.ok()) {
      ++failures;
      return;
    }
    RecordView view;
    uint64_t last_seq = 0;
    while (!done.load() || last_seq + 1 < index->Bounds().next_seq) {
      auto more = (*reader)->Next(view);
      if (!more.ok()) {
        ADD_FAILURE() << more.status().ToString();
        ++failures;
        return;
      }
      if (!*more) continue;
      // Deleted records may be skipped, never reordered or repeated.
      if (view.seq <= last_seq) ++failures;
      last_seq = view.seq;
    }
  });
  Append(*writer, 400);
  done = true;
  retention.join();
  reader_thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(index->Bounds().deleted_through_ms, 0);
  EXPECT_EQ(ReadAll(dir_.path()).back().seq, 400u);
}

}  // namespace
}  // namespace sluice::archive
