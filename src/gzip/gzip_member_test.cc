#include "gzip/gzip_member.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>
#include <vector>

#include "gzip/batch_deflater.h"
#include "gzip/gzip_test_util.h"
#include "gzip/heartbeat_block.h"

namespace sluice::gzip {
namespace {

using testing::InflateGzip;
using testing::InflateOutcome;
using testing::NumberedBatch;
using testing::SimulatedConnection;

// A stream's batches and the shared blocks its one deflater made of them.
struct DeflatedStream {
  std::vector<std::string> batches;
  std::vector<DeflatedBlock> blocks;
};

DeflatedStream DeflateBatches(int count, int lines_per_batch) {
  DeflatedStream stream;
  BatchDeflater deflater;
  for (int i = 0; i < count; ++i) {
    stream.batches.push_back(NumberedBatch(i, lines_per_batch));
    stream.blocks.emplace_back();
    EXPECT_TRUE(deflater.Deflate(stream.batches.back(), stream.blocks.back()).ok());
  }
  return stream;
}

TEST(GzipMemberTest, HeaderIsTenBytesWithMtimeZero) {
  EXPECT_EQ(GzipHeader(), std::string_view("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff", 10));
}

TEST(GzipMemberTest, JoinAtBlockKDecodesToBatchesKThroughN) {
  const DeflatedStream stream = DeflateBatches(12, 40);
  for (size_t k = 0; k < stream.blocks.size(); ++k) {
    SCOPED_TRACE("joined at block " + std::to_string(k));
    SimulatedConnection connection;
    std::string expected;
    for (size_t i = k; i < stream.blocks.size(); ++i) {
      connection.Send(stream.blocks[i]);
      expected += stream.batches[i];
    }
    connection.CloseCleanly();
    const InflateOutcome outcome = InflateGzip(connection.wire());
    EXPECT_EQ(outcome.last_code, Z_STREAM_END);
    EXPECT_EQ(outcome.unused_input, 0u);
    EXPECT_EQ(outcome.plain, expected);
  }
}

TEST(GzipMemberTest, HeartbeatsAndSystemMessageInterleaved) {
  const DeflatedStream stream = DeflateBatches(6, 25);
  const std::string system_message =
      "{\"error\":{\"message\":\"Forced disconnect: too many connections\"}}\r\n";
  const DeflatedBlock system_block = DeflateStandalone(system_message);
  SimulatedConnection connection;
  std::string expected;
  connection.Send(HeartbeatBlock());
  expected += kHeartbeatPlain;
  for (size_t i = 1; i < stream.blocks.size(); ++i) {
    connection.Send(stream.blocks[i]);
    expected += stream.batches[i];
    connection.Send(HeartbeatBlock());
    connection.Send(HeartbeatBlock());
    expected += std::string(kHeartbeatPlain) + std::string(kHeartbeatPlain);
    if (i == 3) {
      connection.Send(system_block);
      expected += system_message;
    }
  }
  connection.CloseCleanly();
  const InflateOutcome outcome = InflateGzip(connection.wire());
  EXPECT_TRUE(outcome.clean()) << "zlib code " << outcome.last_code;
  EXPECT_EQ(outcome.plain, expected);
}

TEST(GzipMemberTest, EmptyBatchBetweenBatches) {
  BatchDeflater deflater;
  std::vector<std::string> batches = {NumberedBatch(0, 5), "", "", NumberedBatch(3, 5), ""};
  SimulatedConnection connection;
  std::string expected;
  for (const std::string& batch : batches) {
    DeflatedBlock block;
    ASSERT_TRUE(deflater.Deflate(batch, block).ok());
    connection.Send(block);
    expected += batch;
  }
  connection.CloseCleanly();
  const InflateOutcome outcome = InflateGzip(connection.wire());
  EXPECT_TRUE(outcome.clean());
  EXPECT_EQ(outcome.plain, expected);
}

TEST(GzipMemberTest, MemberWithNoBlocksDecodesToNothing) {
  SimulatedConnection connection;
  connection.CloseCleanly();
  const InflateOutcome outcome = InflateGzip(connection.wire());
  EXPECT_TRUE(outcome.clean());
  EXPECT_EQ(outcome.plain, "");
}

TEST(GzipMemberTest, ManyConnectionsJoinAtDifferentBlocksOfThousand) {
  constexpr int kBlocks = 1000;
  const DeflatedStream stream = DeflateBatches(kBlocks, 3);
  std::vector<int> join_at = {0, 1, 2, 499, 500, 998, 999, kBlocks};  // kBlocks: joins, gets none
  for (int k = 3; k < kBlocks; k += 37) join_at.push_back(k);
  std::vector<SimulatedConnection> connections(join_at.size());
  // Fan out the way the server does: each block goes to every connection joined by then.
  for (int i = 0; i < kBlocks; ++i) {
    for (size_t c = 0; c < connections.size(); ++c) {
      if (join_at[c] <= i) connections[c].Send(stream.blocks[i]);
    }
  }
  for (size_t c = 0; c < connections.size(); ++c) {
    SCOPED_TRACE("joined at block " + std::to_string(join_at[c]));
    connections[c].CloseCleanly();
    std::string expected;
    for (int i = join_at[c]; i < kBlocks; ++i) expected += stream.batches[i];
    const InflateOutcome outcome = InflateGzip(connections[c].wire());
    EXPECT_TRUE(outcome.clean());
    EXPECT_TRUE(outcome.plain == expected);
  }
}

// A client tells a clean close from a cut by whether zlib reached Z_STREAM_END: without the
// trailer it never does, however much of the data it decoded.
TEST(GzipMemberTest, TruncatedMemberNeverReachesStreamEnd) {
  const DeflatedStream stream = DeflateBatches(4, 10);
  SimulatedConnection connection;
  std::string expected;
  for (size_t i = 0; i < stream.blocks.size(); ++i) {
    connection.Send(stream.blocks[i]);
    expected += stream.batches[i];
  }
  const std::string cut = connection.wire();
  const InflateOutcome outcome = InflateGzip(cut);
  EXPECT_NE(outcome.last_code, Z_STREAM_END);
  EXPECT_EQ(outcome.plain, expected) << "every block before the cut still decodes";

  connection.CloseCleanly();
  for (size_t missing = 1; missing <= kGzipTrailerSize; ++missing) {
    SCOPED_TRACE("last " + std::to_string(missing) + " trailer bytes missing");
    const std::string wire = connection.wire();
    EXPECT_NE(InflateGzip(std::string_view(wire).substr(0, wire.size() - missing)).last_code,
              Z_STREAM_END);
  }
}

// The trailer's CRC covers exactly the blocks the member was told about: a block written but not
// added (or added but not written) is caught by the client.
TEST(GzipMemberTest, BlockMissingFromWireFailsCrcCheck) {
  const DeflatedStream stream = DeflateBatches(3, 10);
  std::string wire(GzipHeader());
  GzipMember member;
  for (size_t i = 0; i < stream.blocks.size(); ++i) {
    if (i != 1) wire += stream.blocks[i].bytes;
    member.Add(stream.blocks[i]);
  }
  wire += member.Trailer();
  EXPECT_EQ(InflateGzip(wire).last_code, Z_DATA_ERROR);
}

TEST(GzipMemberTest, TrailerIsFinalBlockCrcAndIsizeLittleEndian) {
  GzipMember member;
  member.Add(DeflatedBlock{.bytes = "", .crc32 = 0x11223344, .plain_length = 5});
  const uint32_t crc = member.crc32();
  const std::string trailer = member.Trailer();
  ASSERT_EQ(trailer.size(), kGzipTrailerSize);
  EXPECT_EQ(trailer.substr(0, 2), std::string("\x03\x00", 2));
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(static_cast<uint8_t>(trailer[2 + i]), static_cast<uint8_t>(crc >> (8 * i)));
  }
  EXPECT_EQ(trailer.substr(6), std::string("\x05\x00\x00\x00", 4));
}

TEST(GzipMemberTest, IsizeIsLengthModulo2To32) {
  GzipMember member;
  // Lengths only: a connection open for days passes 4 GiB.
  member.Add(DeflatedBlock{.bytes = "", .crc32 = 0, .plain_length = (uint64_t{1} << 32) - 1});
  member.Add(DeflatedBlock{.bytes = "", .crc32 = 0, .plain_length = 3});
  EXPECT_EQ(member.plain_length(), (uint64_t{1} << 32) + 2);
  EXPECT_EQ(member.Trailer().substr(6), std::string("\x02\x00\x00\x00", 4));
}

}  // namespace
}  // namespace sluice::gzip
