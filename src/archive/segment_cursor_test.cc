#include "archive/segment_cursor.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "archive/archive_format.h"
#include "archive/archive_test_util.h"
#include "archive/file_names.h"
#include "archive/writer.h"
#include "base/clock.h"

namespace sluice::archive {
namespace {

using testing::Payload;
using testing::TempDir;

// Records of sizes 1 … 9,000 bytes (some larger than a read), one group each, in one segment.
class SegmentCursorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriterOptions options;
    options.dir = dir_.path();
    auto writer = Writer::Open(options, clock_, nullptr, nullptr);
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    for (uint64_t i = 0; i < 60; ++i) {
      payloads_.push_back(Payload(i, 1 + (i * 7919) % 9000));
      const Record record{i, payloads_.back()};
      ASSERT_TRUE((*writer)->Append({&record, 1}).ok());
      clock_.AdvanceMs(1);
    }
    auto file = fs_->NewRandomAccessFile(dir_.path() / SegmentFileName(1));
    ASSERT_TRUE(file.ok()) << file.status().ToString();
    file_ = std::move(*file);
  }

  TempDir dir_;
  ManualClock clock_{1'000'000};
  std::unique_ptr<FileSystem> fs_ = NewPosixFileSystem();
  std::unique_ptr<RandomAccessFile> file_;
  std::vector<std::string> payloads_;
};

TEST_F(SegmentCursorTest, ReadsEveryRecordWhateverTheReadSize) {
  for (const size_t chunk : {size_t{1}, size_t{100}, size_t{4096}, size_t{5000}, size_t{1} << 20}) {
    SegmentCursor cursor(file_.get(), kSegmentHeaderSize, 1, 0, chunk);
    RecordView view;
    std::string why;
    for (uint64_t i = 0; i < payloads_.size(); ++i) {
      auto step = cursor.Next(&view, &why);
      ASSERT_TRUE(step.ok());
      ASSERT_EQ(*step, SegmentCursor::Step::kRecord) << "chunk " << chunk << " record " << i;
      EXPECT_EQ(view.seq, i + 1);
      EXPECT_EQ(view.post_id, i);
      EXPECT_TRUE(view.bytes == payloads_[i]) << "chunk " << chunk << " record " << i;
    }
    auto end = cursor.Next(&view, &why);
    ASSERT_TRUE(end.ok());
    EXPECT_EQ(*end, SegmentCursor::Step::kEnd);
  }
}

bool EveryTenth(const RecordView& record, const void*) { return record.post_id % 10 == 0; }

TEST_F(SegmentCursorTest, SkipLimitReturnsAfterTheBudgetAndCountsWhatWasSkipped) {
  SegmentCursor cursor(file_.get(), kSegmentHeaderSize, 1, 0, 4096);
  cursor.set_filter(&EveryTenth, nullptr);
  RecordView view;
  std::string why;
  auto step = cursor.Next(&view, &why);  // post 0
  ASSERT_TRUE(step.ok());
  ASSERT_EQ(*step, SegmentCursor::Step::kRecord);
  EXPECT_EQ(view.post_id, 0u);
  // Posts 1 … 9 are passed over; a budget of one byte stops after the first of them.
  step = cursor.Next(&view, &why, 1);
  ASSERT_TRUE(step.ok());
  EXPECT_EQ(*step, SegmentCursor::Step::kSkipLimit);
  EXPECT_EQ(cursor.skipped_end_seq(), 3u);  // seq 2 (post 1) passed over
  EXPECT_EQ(cursor.skipped_bytes(), kRecordHeaderSize + payloads_[1].size());
  EXPECT_EQ(cursor.skipped_time_ms(), 1'000'001);
  step = cursor.Next(&view, &why);
  ASSERT_TRUE(step.ok());
  ASSERT_EQ(*step, SegmentCursor::Step::kRecord);
  EXPECT_EQ(view.post_id, 10u);
  EXPECT_TRUE(view.bytes == payloads_[10]);
  EXPECT_EQ(cursor.skipped_end_seq(), 11u);
}

TEST_F(SegmentCursorTest, StartsAtARecordBoundaryInsideTheFile) {
  uint64_t offset = kSegmentHeaderSize;
  for (size_t i = 0; i < 17; ++i) offset += kRecordHeaderSize + payloads_[i].size();
  SegmentCursor cursor(file_.get(), offset, 18, 0, 4096);
  RecordView view;
  std::string why;
  auto step = cursor.Next(&view, &why);
  ASSERT_TRUE(step.ok());
  ASSERT_EQ(*step, SegmentCursor::Step::kRecord);
  EXPECT_EQ(view.seq, 18u);
  EXPECT_TRUE(view.bytes == payloads_[17]);
  EXPECT_EQ(cursor.last_record_offset(), offset);
}

}  // namespace
}  // namespace sluice::archive
