#include "archive/record_codec.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "archive/archive_format.h"
#include "archive/coding.h"

namespace sluice::archive {
namespace {

constexpr int64_t kNoTime = std::numeric_limits<int64_t>::min();

std::string Encode(uint64_t seq, int64_t time_ms, uint64_t post_id, std::string_view payload) {
  std::string bytes(EncodedRecordSize(payload.size()), '\0');
  EncodeRecord(bytes.data(), seq, time_ms, post_id, payload);
  return bytes;
}

TEST(RecordCodecTest, EncodeThenParseRoundTrips) {
  const std::string bytes = Encode(7, 1'700'000'000'123, 42, "hello");
  ASSERT_EQ(bytes.size(), kRecordHeaderSize + 5);
  RecordView view;
  size_t size = 0;
  std::string why;
  ASSERT_EQ(ParseRecord(bytes, 7, kNoTime, &view, &size, &why), RecordParse::kRecord) << why;
  EXPECT_EQ(size, bytes.size());
  EXPECT_EQ(view.seq, 7u);
  EXPECT_EQ(view.archive_time_ms, 1'700'000'000'123);
  EXPECT_EQ(view.post_id, 42u);
  EXPECT_EQ(view.bytes, "hello");
}

TEST(RecordCodecTest, LayoutIsLittleEndianAsDocumented) {
  const std::string bytes = Encode(0x0102030405060708, 9, 10, "xyz");
  EXPECT_EQ(DecodeFixed32(bytes.data() + kRecordLengthOffset), 3u);
  EXPECT_EQ(static_cast<uint8_t>(bytes[kRecordSeqOffset]), 0x08);
  EXPECT_EQ(DecodeFixed64(bytes.data() + kRecordTimeOffset), 9u);
  EXPECT_EQ(DecodeFixed64(bytes.data() + kRecordPostIdOffset), 10u);
  EXPECT_EQ(bytes.substr(kRecordHeaderSize), "xyz");
}

TEST(RecordCodecTest, EveryFlippedBitIsCorruption) {
  const std::string good = Encode(1, 5, 6, "payload");
  for (size_t bit = 0; bit < good.size() * 8; ++bit) {
    std::string bad = good;
    bad[bit / 8] ^= static_cast<char>(1 << (bit % 8));
    RecordView view;
    size_t size = 0;
    std::string why;
    // A flipped length bit may also make the record look incomplete: never a good record.
    EXPECT_NE(ParseRecord(bad, 1, kNoTime, &view, &size, &why), RecordParse::kRecord) << bit;
  }
}

TEST(RecordCodecTest, ShortInputIsIncomplete) {
  const std::string bytes = Encode(1, 5, 6, "payload");
  RecordView view;
  size_t size = 0;
  std::string why;
  EXPECT_EQ(ParseRecord(std::string_view(bytes).substr(0, kRecordHeaderSize - 1), 1, kNoTime, &view,
                        &size, &why),
            RecordParse::kIncomplete);
  EXPECT_EQ(ParseRecord(std::string_view(bytes).substr(0, bytes.size() - 1), 1, kNoTime, &view,
                        &size, &why),
            RecordParse::kIncomplete);
}

TEST(RecordCodecTest, ImpossibleLengthIsCorruptionNotIncomplete) {
  std::string bytes = Encode(1, 5, 6, "payload");
  EncodeFixed32(bytes.data() + kRecordLengthOffset, kMaxRecordPayloadBytes + 1);
  RecordView view;
  size_t size = 0;
  std::string why;
  EXPECT_EQ(ParseRecord(bytes, 1, kNoTime, &view, &size, &why), RecordParse::kCorrupt);
  EXPECT_NE(why.find("length"), std::string::npos) << why;
}

TEST(RecordCodecTest, UnexpectedSequenceOrEarlierTimeIsCorruption) {
  const std::string bytes = Encode(3, 100, 6, "payload");
  RecordView view;
  size_t size = 0;
  std::string why;
  EXPECT_EQ(ParseRecord(bytes, 4, kNoTime, &view, &size, &why), RecordParse::kCorrupt);
  EXPECT_NE(why.find("sequence"), std::string::npos) << why;
  EXPECT_EQ(ParseRecord(bytes, 3, 101, &view, &size, &why), RecordParse::kCorrupt);
  EXPECT_NE(why.find("time"), std::string::npos) << why;
  EXPECT_EQ(ParseRecord(bytes, 3, 100, &view, &size, &why), RecordParse::kRecord);
}

TEST(RecordCodecTest, IncompleteRecordWithWrongSequenceIsCorruption) {
  const std::string bytes = Encode(3, 100, 6, "payload");
  const std::string_view cut = std::string_view(bytes).substr(0, kRecordHeaderSize + 2);
  RecordView view;
  size_t size = 0;
  std::string why;
  EXPECT_EQ(ParseRecord(cut, 3, kNoTime, &view, &size, &why), RecordParse::kIncomplete);
  EXPECT_EQ(ParseRecord(cut, 4, kNoTime, &view, &size, &why), RecordParse::kCorrupt);
}

}  // namespace
}  // namespace sluice::archive
