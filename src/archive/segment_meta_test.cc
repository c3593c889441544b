#include "archive/segment_meta.h"

#include <gtest/gtest.h>

#include "archive/file_names.h"
#include "archive/segment_header.h"

namespace sluice::archive {
namespace {

SegmentMeta SampleMeta() {
  return SegmentMeta{.first_seq = 42,
                     .record_count = 3,
                     .first_time_ms = 1000,
                     .last_time_ms = 2000,
                     .data_size = 4096,
                     .last_record_offset = 3000};
}

TEST(SegmentMetaTest, EncodeThenDecodeRoundTrips) {
  const std::string bytes = EncodeSegmentMeta(SampleMeta());
  ASSERT_EQ(bytes.size(), kMetaSize);
  auto decoded = DecodeSegmentMeta(bytes);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, SampleMeta());
  EXPECT_EQ(decoded->end_seq(), 45u);
}

TEST(SegmentMetaTest, EveryFlippedBitIsCorruption) {
  const std::string good = EncodeSegmentMeta(SampleMeta());
  for (size_t bit = 0; bit < good.size() * 8; ++bit) {
    std::string bad = good;
    bad[bit / 8] ^= static_cast<char>(1 << (bit % 8));
    auto decoded = DecodeSegmentMeta(bad);
    ASSERT_FALSE(decoded.ok()) << bit;
    EXPECT_EQ(decoded.status().code(), StatusCode::kCorruption);
  }
  EXPECT_FALSE(DecodeSegmentMeta(good.substr(1)).ok());
}

TEST(SegmentHeaderTest, ChecksCrcAndFirstSequence) {
  const std::string header = EncodeSegmentHeader(42);
  ASSERT_EQ(header.size(), kSegmentHeaderSize);
  EXPECT_TRUE(CheckSegmentHeader(header, 42).ok());
  EXPECT_EQ(CheckSegmentHeader(header, 43).code(), StatusCode::kCorruption);
  EXPECT_EQ(CheckSegmentHeader(header.substr(0, 10), 42).code(), StatusCode::kCorruption);
  for (size_t i = 0; i < header.size(); ++i) {
    std::string bad = header;
    bad[i] ^= 0x10;
    EXPECT_EQ(CheckSegmentHeader(bad, 42).code(), StatusCode::kCorruption) << i;
  }
}

TEST(FileNamesTest, SegmentNamesSortAsSequencesAndParseBack) {
  EXPECT_EQ(SegmentFileName(42), "00000000000000000042.seg");
  EXPECT_EQ(MetaFileName(42), "00000000000000000042.meta");
  EXPECT_EQ(ParseSegmentFileName(SegmentFileName(18446744073709551615u)), 18446744073709551615u);
  EXPECT_EQ(ParseSegmentFileName("00000000000000000042.seg"), 42u);
  EXPECT_FALSE(ParseSegmentFileName("00000000000000000042.seg.tmp"));
  EXPECT_FALSE(ParseSegmentFileName("00000000000000000042.seg.corrupt-0"));
  EXPECT_FALSE(ParseSegmentFileName("0000000000000000004x.seg"));
  EXPECT_FALSE(ParseSegmentFileName("42.seg"));
  EXPECT_FALSE(ParseSegmentFileName("LOCK"));
}

}  // namespace
}  // namespace sluice::archive
