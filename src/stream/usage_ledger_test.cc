#include "stream/usage_ledger.h"

#include <gtest/gtest.h>

#include <vector>

#include "archive/archive_test_util.h"
#include "archive/coding.h"
#include "archive/crc.h"
#include "config/config_limits.h"

namespace sluice {
namespace {

using archive::testing::FaultInjectionFileSystem;
using archive::testing::ReadFileBytes;
using archive::testing::TempDir;
using archive::testing::WriteFileBytes;
using Hours = std::vector<UsageLedger::HourCount>;

constexpr int64_t kH0 = int64_t{1795392000000};  // 2026-11-23T00:00:00Z
constexpr int64_t kAll = int64_t{1} << 62;

std::vector<uint64_t> Range(uint64_t begin, uint64_t end) {
  std::vector<uint64_t> seqs;
  for (uint64_t s = begin; s < end; ++s) seqs.push_back(s);
  return seqs;
}

UsageLedger::StreamUsage* MustRegister(UsageLedger& ledger, std::string_view account,
                                       std::string_view label, int channels = 1) {
  auto stream =
      ledger.ForStream(account, label, channels == 1 ? "powertrack" : "decahose", channels);
  EXPECT_TRUE(stream.ok()) << stream.status().ToString();
  return stream.ok() ? *stream : nullptr;
}

TEST(UsageLedgerTest, RedundantConnectionsCountOnce) {
  UsageLedger ledger;
  auto* prod = MustRegister(ledger, "acme", "prod");
  const auto seqs = Range(1, 11);
  ledger.Record(prod, 0, 1, 11, seqs, kH0);  // connection A
  ledger.Record(prod, 0, 1, 11, seqs, kH0);  // connection B, same piece
  EXPECT_EQ(ledger.Query("acme", "prod", 0, kAll), (Hours{{kH0, 10}}));
}

TEST(UsageLedgerTest, BackfillAndRecoveryCountOnlyWhatWasMissed) {
  UsageLedger ledger;
  auto* prod = MustRegister(ledger, "acme", "prod");
  ledger.Record(prod, 0, 1, 101, Range(1, 101), kH0);
  ledger.Record(prod, 0, 201, 301, Range(201, 301), kH0);  // 101..200 missed by everyone
  ledger.Record(prod, 0, 50, 250, Range(50, 250), kH0);    // backfill over the gap
  ledger.Record(prod, 0, 1, 301, Range(1, 301), kH0);      // a recovery of it all
  EXPECT_EQ(ledger.Query("acme", "prod", 0, kAll), (Hours{{kH0, 300}}));
}

TEST(UsageLedgerTest, ChannelsAreIndependent) {
  // Decahose partitions carry disjoint posts over the same seq range: one partition's cover
  // says nothing about the other's posts.
  UsageLedger ledger;
  auto* decahose = MustRegister(ledger, "acme", "decahose", 2);
  ledger.Record(decahose, 0, 1, 100, std::vector<uint64_t>{2, 4}, kH0);
  ledger.Record(decahose, 1, 1, 100, std::vector<uint64_t>{3, 5}, kH0);
  ledger.Record(decahose, 1, 1, 100, std::vector<uint64_t>{3, 5}, kH0);
  EXPECT_EQ(ledger.Query("acme", "decahose", 0, kAll), (Hours{{kH0, 4}}));
}

TEST(UsageLedgerTest, StreamsAreIndependent) {
  UsageLedger ledger;
  auto* prod = MustRegister(ledger, "acme", "prod");
  auto* dev = MustRegister(ledger, "acme", "dev");
  auto* other = MustRegister(ledger, "globex", "prod");
  for (auto* stream : {prod, dev, other}) ledger.Record(stream, 0, 1, 4, Range(1, 4), kH0);
  EXPECT_EQ(ledger.Query("acme", "prod", 0, kAll), (Hours{{kH0, 3}}));
  EXPECT_EQ(ledger.Query("acme", "dev", 0, kAll), (Hours{{kH0, 3}}));
  EXPECT_EQ(ledger.Query("globex", "prod", 0, kAll), (Hours{{kH0, 3}}));
}

TEST(UsageLedgerTest, PostsCountInTheHourOfTheirArchiveTime) {
  UsageLedger ledger;
  auto* prod = MustRegister(ledger, "acme", "prod");
  ledger.Record(prod, 0, 1, 3, Range(1, 3), kH0 + 59 * kMinuteMs);  // truncated to kH0
  ledger.Record(prod, 0, 3, 6, Range(3, 6), kH0 + kHourMs);
  // A late recovery of the first hour counts there, not in the newest hour.
  ledger.Record(prod, 0, 1, 3, Range(1, 3), kH0 + kHourMs + 5);
  ledger.Record(prod, 0, 6, 7, Range(6, 7), kH0 + 3 * kHourMs);
  EXPECT_EQ(ledger.Query("acme", "prod", 0, kAll),
            (Hours{{kH0, 2}, {kH0 + kHourMs, 3}, {kH0 + 3 * kHourMs, 1}}));
}

TEST(UsageLedgerTest, QueryIsHalfOpenAndSkipsZeroHours) {
  UsageLedger ledger;
  auto* prod = MustRegister(ledger, "acme", "prod");
  for (int h = 0; h < 4; ++h) {
    ledger.Record(prod, 0, h * 10 + 1, h * 10 + 11, Range(h * 10 + 1, h * 10 + 1 + h),
                  kH0 + h * kHourMs);  // hour h has h posts; hour 0 has none
  }
  EXPECT_EQ(ledger.Query("acme", "prod", kH0, kH0 + 4 * kHourMs),
            (Hours{{kH0 + kHourMs, 1}, {kH0 + 2 * kHourMs, 2}, {kH0 + 3 * kHourMs, 3}}));
  EXPECT_EQ(ledger.Query("acme", "prod", kH0 + kHourMs, kH0 + 3 * kHourMs),
            (Hours{{kH0 + kHourMs, 1}, {kH0 + 2 * kHourMs, 2}}));
  EXPECT_EQ(ledger.Query("acme", "prod", kH0 + kHourMs + 1, kH0 + 3 * kHourMs),
            (Hours{{kH0 + 2 * kHourMs, 2}}));
  EXPECT_TRUE(ledger.Query("acme", "prod", kH0 + 3 * kHourMs, kH0 + 3 * kHourMs).empty());
  EXPECT_TRUE(ledger.Query("acme", "prod", kH0 + 4 * kHourMs, kH0).empty());
  EXPECT_TRUE(ledger.Query("acme", "nope", 0, kAll).empty());
  EXPECT_TRUE(ledger.Query("nobody", "prod", 0, kAll).empty());
}

TEST(UsageLedgerTest, QueryAccountListsStreamsByLabel) {
  UsageLedger ledger;
  auto* prod = MustRegister(ledger, "acme", "prod");
  MustRegister(ledger, "acme", "dev");
  auto* decahose = MustRegister(ledger, "acme", "decahose", 2);
  MustRegister(ledger, "globex", "prod");
  ledger.Record(prod, 0, 1, 3, Range(1, 3), kH0);
  ledger.Record(decahose, 1, 1, 3, Range(1, 2), kH0);
  const auto rows = ledger.QueryAccount("acme", 0, kAll);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].label, "decahose");
  EXPECT_EQ(rows[0].kind, "decahose");
  EXPECT_EQ(rows[0].hours, (Hours{{kH0, 1}}));
  EXPECT_EQ(rows[1].label, "dev");
  EXPECT_TRUE(rows[1].hours.empty());
  EXPECT_EQ(rows[2].label, "prod");
  EXPECT_EQ(rows[2].hours, (Hours{{kH0, 2}}));
  EXPECT_TRUE(ledger.QueryAccount("nobody", 0, kAll).empty());
}

TEST(UsageLedgerTest, OldHoursAreDroppedBeyondRetention) {
  UsageLedger ledger(UsageLedger::Options{.retained_hours = 3});
  auto* prod = MustRegister(ledger, "acme", "prod");
  auto* dev = MustRegister(ledger, "acme", "dev");
  ledger.Record(dev, 0, 1, 2, Range(1, 2), kH0);
  for (int h = 0; h < 5; ++h) {
    ledger.Record(prod, 0, h + 1, h + 2, Range(h + 1, h + 2), kH0 + h * kHourMs);
  }
  EXPECT_EQ(ledger.Query("acme", "prod", 0, kAll),
            (Hours{{kH0 + 2 * kHourMs, 1}, {kH0 + 3 * kHourMs, 1}, {kH0 + 4 * kHourMs, 1}}));
  // Another stream's old bucket is past the horizon too, though nothing trimmed it yet.
  EXPECT_TRUE(ledger.Query("acme", "dev", 0, kAll).empty());
  // A recovery of a post older than the horizon is not counted.
  ledger.Record(prod, 0, 100, 101, Range(100, 101), kH0);
  EXPECT_EQ(ledger.Query("acme", "prod", 0, kAll).size(), 3u);
}

TEST(UsageLedgerTest, ForgetDeliveriesBeforeMakesOldPostsCountAgain) {
  UsageLedger ledger;
  auto* prod = MustRegister(ledger, "acme", "prod");
  ledger.Record(prod, 0, 1, 11, Range(1, 11), kH0);
  ledger.ForgetDeliveriesBefore(6);
  ledger.Record(prod, 0, 1, 11, Range(1, 11), kH0);
  EXPECT_EQ(ledger.Query("acme", "prod", 0, kAll), (Hours{{kH0, 15}}));
}

TEST(UsageLedgerTest, ForStreamRejectsBadArguments) {
  UsageLedger ledger;
  const std::string long_name(kMaxNameChars + 1, 'a');
  EXPECT_EQ(ledger.ForStream("", "prod", "powertrack", 1).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ledger.ForStream("acme", "", "powertrack", 1).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ledger.ForStream(long_name, "prod", "powertrack", 1).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ledger.ForStream("acme", long_name, "powertrack", 1).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ledger.ForStream("acme", "prod", std::string(33, 'k'), 1).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ledger.ForStream("acme", "prod", "powertrack", 0).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ledger.ForStream("acme", "prod", "powertrack", 3).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(ledger.QueryAccount("acme", 0, kAll).empty());
}

TEST(UsageLedgerTest, ForStreamTwiceReturnsTheSameStream) {
  UsageLedger ledger;
  auto* first = MustRegister(ledger, "acme", "prod");
  ledger.Record(first, 0, 1, 3, Range(1, 3), kH0);
  MustRegister(ledger, "acme", "other");  // inserting others does not move it
  EXPECT_EQ(MustRegister(ledger, "acme", "prod"), first);
  ledger.Record(first, 0, 1, 3, Range(1, 3), kH0);
  EXPECT_EQ(ledger.Query("acme", "prod", 0, kAll), (Hours{{kH0, 2}}));
}

TEST(UsageLedgerTest, ChangedChannelCountResetsDeliveriesKeepsCounts) {
  UsageLedger ledger;
  auto* stream = MustRegister(ledger, "acme", "s", 1);
  ledger.Record(stream, 0, 1, 3, Range(1, 3), kH0);
  EXPECT_EQ(MustRegister(ledger, "acme", "s", 2), stream);
  ledger.Record(stream, 0, 1, 3, Range(1, 3), kH0);  // counted again: the set started empty
  EXPECT_EQ(ledger.Query("acme", "s", 0, kAll), (Hours{{kH0, 4}}));
}

TEST(UsageLedgerDeathTest, ChannelOutOfRangeIsFatal) {
  UsageLedger ledger;
  auto* prod = MustRegister(ledger, "acme", "prod");
  EXPECT_DEATH(ledger.Record(prod, 1, 1, 2, {}, kH0), "channel out of range");
}

TEST(UsageLedgerTest, DirtyUntilSerialized) {
  UsageLedger ledger;
  EXPECT_FALSE(ledger.dirty());
  auto* prod = MustRegister(ledger, "acme", "prod");
  EXPECT_TRUE(ledger.dirty());
  (void)ledger.Serialize();
  EXPECT_FALSE(ledger.dirty());
  ledger.Record(prod, 0, 1, 2, Range(1, 2), kH0);
  EXPECT_TRUE(ledger.dirty());
}

// A ledger with two streams, one with two channels, a gap and three hours.
std::string SampleSnapshot() {
  UsageLedger ledger;
  auto* prod = MustRegister(ledger, "acme", "prod");
  auto* decahose = MustRegister(ledger, "acme", "decahose", 2);
  ledger.Record(prod, 0, 1, 11, Range(1, 11), kH0);
  ledger.Record(prod, 0, 21, 31, Range(21, 31), kH0 + kHourMs);
  ledger.Record(decahose, 1, 1, 31, std::vector<uint64_t>{7, 9}, kH0 + 2 * kHourMs);
  return ledger.Serialize();
}

TEST(UsageLedgerTest, SnapshotRoundTrip) {
  TempDir dir;
  auto fs = archive::NewPosixFileSystem();
  const auto path = dir.path() / "usage.snapshot";
  ASSERT_TRUE(UsageLedger::WriteSnapshot(*fs, path, SampleSnapshot()).ok());
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "usage.snapshot.tmp"));

  UsageLedger restored;
  ASSERT_TRUE(restored.Load(*fs, path).ok());
  EXPECT_FALSE(restored.dirty());
  // Retired until registered, but queryable.
  EXPECT_EQ(restored.Query("acme", "prod", 0, kAll), (Hours{{kH0, 10}, {kH0 + kHourMs, 10}}));
  auto* prod = MustRegister(restored, "acme", "prod");
  auto* decahose = MustRegister(restored, "acme", "decahose", 2);
  // Deliveries survived: re-delivered posts do not count, the gap still does.
  restored.Record(prod, 0, 1, 31, Range(1, 31), kH0 + kHourMs);
  restored.Record(decahose, 1, 1, 31, std::vector<uint64_t>{7, 9}, kH0 + 2 * kHourMs);
  restored.Record(decahose, 0, 1, 31, std::vector<uint64_t>{8}, kH0 + 2 * kHourMs);
  EXPECT_EQ(restored.Query("acme", "prod", 0, kAll), (Hours{{kH0, 10}, {kH0 + kHourMs, 20}}));
  EXPECT_EQ(restored.Query("acme", "decahose", 0, kAll), (Hours{{kH0 + 2 * kHourMs, 3}}));
  const auto rows = restored.QueryAccount("acme", 0, kAll);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].kind, "decahose");
  EXPECT_EQ(rows[1].kind, "powertrack");
}

TEST(UsageLedgerTest, SerializeIsDeterministic) { EXPECT_EQ(SampleSnapshot(), SampleSnapshot()); }

TEST(UsageLedgerTest, MissingFileIsNotFound) {
  TempDir dir;
  auto fs = archive::NewPosixFileSystem();
  UsageLedger ledger;
  EXPECT_EQ(ledger.Load(*fs, dir.path() / "absent").code(), StatusCode::kNotFound);
}

TEST(UsageLedgerTest, LoadAfterForStreamIsRefused) {
  TempDir dir;
  auto fs = archive::NewPosixFileSystem();
  const auto path = dir.path() / "usage.snapshot";
  WriteFileBytes(path, SampleSnapshot());
  UsageLedger ledger;
  MustRegister(ledger, "acme", "prod");
  EXPECT_EQ(ledger.Load(*fs, path).code(), StatusCode::kFailedPrecondition);
}

class UsageSnapshotCorruptionTest : public ::testing::Test {
 protected:
  // Loads `bytes` into a fresh ledger; expects Corruption whose message names the path and
  // contains `expected`, and a ledger left empty.
  void ExpectCorruption(const std::string& bytes, std::string_view expected) {
    const auto path = dir_.path() / "usage.snapshot";
    WriteFileBytes(path, bytes);
    UsageLedger ledger;
    const Status status = ledger.Load(*fs_, path);
    EXPECT_EQ(status.code(), StatusCode::kCorruption) << status.ToString();
    EXPECT_NE(status.message().find(path.string()), std::string::npos) << status.message();
    EXPECT_NE(status.message().find(expected), std::string::npos) << status.message();
    EXPECT_TRUE(ledger.QueryAccount("acme", 0, kAll).empty());
  }
  // Rewrites the length and checksum so that only the body's own checks can object.
  static std::string Reseal(std::string bytes) {
    archive::EncodeFixed64(bytes.data() + 16, bytes.size() - 24);
    archive::EncodeFixed32(bytes.data() + 8, archive::Crc32(bytes.data() + 12, bytes.size() - 12));
    return bytes;
  }

  TempDir dir_;
  std::unique_ptr<archive::FileSystem> fs_ = archive::NewPosixFileSystem();
};

TEST_F(UsageSnapshotCorruptionTest, EmptyFile) { ExpectCorruption("", "truncated header"); }

TEST_F(UsageSnapshotCorruptionTest, BadMagic) {
  std::string bytes = SampleSnapshot();
  bytes[0] = 'X';
  ExpectCorruption(bytes, "bad magic");
}

TEST_F(UsageSnapshotCorruptionTest, UnknownVersion) {
  std::string bytes = SampleSnapshot();
  archive::EncodeFixed32(bytes.data() + 12, 99);
  ExpectCorruption(bytes, "unsupported version 99");
}

TEST_F(UsageSnapshotCorruptionTest, TruncatedBody) {
  const std::string bytes = SampleSnapshot();
  ExpectCorruption(bytes.substr(0, bytes.size() - 1), "truncated?");
}

TEST_F(UsageSnapshotCorruptionTest, ChecksumMismatch) {
  std::string bytes = SampleSnapshot();
  bytes[bytes.size() - 3] ^= 0x10;
  ExpectCorruption(bytes, "checksum mismatch");
}

TEST_F(UsageSnapshotCorruptionTest, TrailingBytesUnderAValidChecksum) {
  ExpectCorruption(Reseal(SampleSnapshot() + "x"), "trailing bytes");
}

TEST_F(UsageSnapshotCorruptionTest, ZeroHourCountUnderAValidChecksum) {
  std::string bytes = SampleSnapshot();
  archive::EncodeFixed64(bytes.data() + bytes.size() - 8, 0);  // the last hour's posts
  ExpectCorruption(Reseal(bytes), "is not a new, non-empty UTC hour");
}

TEST_F(UsageSnapshotCorruptionTest, LargerThanTheLimit) {
  const auto path = dir_.path() / "usage.snapshot";
  WriteFileBytes(path, SampleSnapshot());
  archive::testing::ResizeFile(path, UsageLedger::kMaxSnapshotBytes + 1);  // sparse
  UsageLedger ledger;
  const Status status = ledger.Load(*fs_, path);
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
  EXPECT_NE(status.message().find("larger than the limit"), std::string::npos);
}

TEST(UsageLedgerTest, FailedSyncKeepsTheOldSnapshot) {
  TempDir dir;
  FaultInjectionFileSystem fs;
  const auto path = dir.path() / "usage.snapshot";
  const std::string old_bytes = SampleSnapshot();
  ASSERT_TRUE(UsageLedger::WriteSnapshot(fs, path, old_bytes).ok());
  fs.FailNextSync();
  const Status status = UsageLedger::WriteSnapshot(fs, path, "new bytes");
  EXPECT_EQ(status.code(), StatusCode::kIoError);
  EXPECT_EQ(ReadFileBytes(path), old_bytes);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "usage.snapshot.tmp"));
}

TEST(UsageLedgerTest, RetiredStreamsAreBoundedKeepingTheMostRecent) {
  UsageLedger writer;
  for (int i = 0; i < 4; ++i) {
    auto* stream = MustRegister(writer, "acme", "s" + std::to_string(i));
    writer.Record(stream, 0, 1, 2, Range(1, 2), kH0 + i * kHourMs);
  }
  MustRegister(writer, "acme", "idle");  // no history at all
  TempDir dir;
  auto fs = archive::NewPosixFileSystem();
  const auto path = dir.path() / "usage.snapshot";
  ASSERT_TRUE(UsageLedger::WriteSnapshot(*fs, path, writer.Serialize()).ok());

  // Restarted with only s0 configured: at most two retired streams survive the next snapshot,
  // the two used most recently; a retired stream without history is not kept.
  UsageLedger restarted(UsageLedger::Options{.max_retired_streams = 2});
  ASSERT_TRUE(restarted.Load(*fs, path).ok());
  MustRegister(restarted, "acme", "s0");
  ASSERT_TRUE(UsageLedger::WriteSnapshot(*fs, path, restarted.Serialize()).ok());
  UsageLedger again;
  ASSERT_TRUE(again.Load(*fs, path).ok());
  std::vector<std::string> labels;
  for (const auto& row : again.QueryAccount("acme", 0, kAll)) labels.push_back(row.label);
  EXPECT_EQ(labels, (std::vector<std::string>{"s0", "s2", "s3"}));
}

}  // namespace
}  // namespace sluice
