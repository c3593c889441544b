#include "gzip/batch_deflater.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "gzip/gzip_test_util.h"
#include "gzip/heartbeat_block.h"

namespace sluice::gzip {
namespace {

using testing::InflateGzip;
using testing::NumberedBatch;
using testing::SimulatedConnection;

// Copying or moving would leave zlib's back pointer aimed at the old z_stream.
static_assert(!std::is_copy_constructible_v<BatchDeflater>);
static_assert(!std::is_copy_assignable_v<BatchDeflater>);
static_assert(!std::is_move_constructible_v<BatchDeflater>);
static_assert(!std::is_move_assignable_v<BatchDeflater>);

uint32_t ZlibCrc32(std::string_view plain) {
  return static_cast<uint32_t>(
      crc32_z(0, reinterpret_cast<const Bytef*>(plain.data()), plain.size()));
}

// Decodes header + block + trailer and checks it yields exactly `plain`.
void ExpectBlockDecodesTo(const DeflatedBlock& block, const std::string& plain) {
  SimulatedConnection connection;
  connection.Send(block);
  connection.CloseCleanly();
  const testing::InflateOutcome outcome = InflateGzip(connection.wire());
  EXPECT_TRUE(outcome.clean()) << "zlib code " << outcome.last_code;
  EXPECT_EQ(outcome.plain.size(), plain.size());
  EXPECT_TRUE(outcome.plain == plain);
}

TEST(BatchDeflaterTest, BlockRecordsCrcAndPlainLength) {
  BatchDeflater deflater;
  const std::string plain = NumberedBatch(7, 20);
  DeflatedBlock block;
  ASSERT_TRUE(deflater.Deflate(plain, block).ok());
  EXPECT_EQ(block.crc32, ZlibCrc32(plain));
  EXPECT_EQ(block.plain_length, plain.size());
  EXPECT_LT(block.bytes.size(), plain.size());
}

TEST(BatchDeflaterTest, EmptyBatchIsAnEmptyBlock) {
  BatchDeflater deflater;
  DeflatedBlock block{.bytes = "stale", .crc32 = 1, .plain_length = 5};
  // On a fresh z_stream and after a full flush: zlib treats an empty flush differently in each.
  for (const std::string& before : {std::string(), NumberedBatch(0, 2)}) {
    ASSERT_TRUE(deflater.Deflate(before, block).ok());
    ASSERT_TRUE(deflater.Deflate("", block).ok());
    EXPECT_TRUE(block.bytes.empty());
    EXPECT_EQ(block.crc32, 0u);
    EXPECT_EQ(block.plain_length, 0u);
  }
  ExpectBlockDecodesTo(block, "");
}

TEST(BatchDeflaterTest, BlockEndsByteAlignedWithFullFlushMarker) {
  BatchDeflater deflater;
  DeflatedBlock block;
  ASSERT_TRUE(deflater.Deflate(NumberedBatch(1, 3), block).ok());
  // A full flush ends with an empty stored block, whose LEN/NLEN are these four bytes.
  ASSERT_GE(block.bytes.size(), 4u);
  EXPECT_EQ(block.bytes.substr(block.bytes.size() - 4), std::string("\x00\x00\xff\xff", 4));
}

TEST(BatchDeflaterTest, LargeCompressibleBatchOf8MB) {
  std::string plain;
  for (int batch = 0; plain.size() < (8u << 20); ++batch) plain += NumberedBatch(batch, 50);
  plain.resize(8u << 20);
  BatchDeflater deflater;
  DeflatedBlock block;
  ASSERT_TRUE(deflater.Deflate(plain, block).ok());
  EXPECT_EQ(block.plain_length, 8u << 20);
  ExpectBlockDecodesTo(block, plain);
}

// Random bytes deflate to more than their size: the output buffer must grow past deflateBound's
// estimate for the flush marker without losing bytes.
TEST(BatchDeflaterTest, LargeIncompressibleBatchOf8MB) {
  std::mt19937_64 random(42);
  std::string plain(8u << 20, '\0');
  for (char& c : plain) c = static_cast<char>(random());
  BatchDeflater deflater;
  DeflatedBlock block;
  ASSERT_TRUE(deflater.Deflate(plain, block).ok());
  EXPECT_GT(block.bytes.size(), plain.size());
  ExpectBlockDecodesTo(block, plain);
}

TEST(BatchDeflaterTest, EveryLevelProducesIndependentBlocks) {
  for (int level = Z_NO_COMPRESSION; level <= Z_BEST_COMPRESSION; ++level) {
    SCOPED_TRACE("level " + std::to_string(level));
    BatchDeflater deflater(level);
    std::vector<DeflatedBlock> blocks(4);
    for (int i = 0; i < 4; ++i) ASSERT_TRUE(deflater.Deflate(NumberedBatch(i, 30), blocks[i]).ok());
    // Repeated text across batches would be back-referenced if a flush did not cut the history;
    // decoding from block 2 alone proves it does.
    SimulatedConnection late_joiner;
    late_joiner.Send(blocks[2]);
    late_joiner.Send(blocks[3]);
    late_joiner.CloseCleanly();
    const testing::InflateOutcome outcome = InflateGzip(late_joiner.wire());
    EXPECT_TRUE(outcome.clean());
    EXPECT_EQ(outcome.plain, NumberedBatch(2, 30) + NumberedBatch(3, 30));
  }
}

TEST(BatchDeflaterTest, StandaloneBlocksOfAnySizeDecode) {
  // Sizes around the window sizes DeflateStandalone picks (512 bytes up to 32 KB, minus the
  // 262-byte lookahead) and beyond the largest.
  for (size_t size : {0, 1, 249, 250, 251, 600, 4000, 32506, 32507, 100000}) {
    SCOPED_TRACE("size " + std::to_string(size));
    std::string plain;
    while (plain.size() < size) plain += NumberedBatch(static_cast<int>(plain.size()), 3);
    plain.resize(size);
    const DeflatedBlock block = DeflateStandalone(plain);
    EXPECT_EQ(block.crc32, ZlibCrc32(plain));
    EXPECT_EQ(block.plain_length, size);
    ExpectBlockDecodesTo(block, plain);
  }
}

TEST(BatchDeflaterTest, HeartbeatBlockIsDeflatedCrLfComputedOnce) {
  const DeflatedBlock& heartbeat = HeartbeatBlock();
  EXPECT_EQ(&heartbeat, &HeartbeatBlock());
  EXPECT_EQ(heartbeat.plain_length, 2u);
  EXPECT_EQ(heartbeat.crc32, ZlibCrc32("\r\n"));
  ExpectBlockDecodesTo(heartbeat, "\r\n");
}

}  // namespace
}  // namespace sluice::gzip
