// Cross-checks the framing against decoders Sluice does not share code with: Python's gzip module
// and the gzip command-line tool. Clients are written in many languages; zlib agreeing with
// itself is not enough.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "gzip/gzip.h"
#include "gzip/gzip_test_util.h"

namespace sluice::gzip {
namespace {

using testing::CommandExists;
using testing::NumberedBatch;
using testing::RunShellFilter;
using testing::ShellOutcome;
using testing::SimulatedConnection;

constexpr char kPythonGunzip[] =
    "python3 -c 'import gzip,sys; "
    "sys.stdout.buffer.write(gzip.decompress(sys.stdin.buffer.read()))'";
constexpr char kGzipToolGunzip[] = "gzip -dc";

// A connection that joined at block 2 of 40, with heartbeats and a system message mixed in.
struct ConnectionCapture {
  std::string wire_without_trailer;
  std::string wire;
  std::string plain;
};

ConnectionCapture CaptureLateJoiner() {
  BatchDeflater deflater;
  SimulatedConnection connection;
  ConnectionCapture capture;
  for (int i = 0; i < 40; ++i) {
    const std::string batch = NumberedBatch(i, 20);
    DeflatedBlock block;
    EXPECT_TRUE(deflater.Deflate(batch, block).ok());
    if (i < 2) continue;
    connection.Send(block);
    capture.plain += batch;
    if (i % 10 == 0) {
      connection.Send(HeartbeatBlock());
      capture.plain += kHeartbeatPlain;
    }
  }
  const std::string system_message = "{\"info\":{\"message\":\"Stream shutting down\"}}\r\n";
  connection.Send(DeflateStandalone(system_message));
  capture.plain += system_message;
  capture.wire_without_trailer = connection.wire();
  connection.CloseCleanly();
  capture.wire = connection.wire();
  return capture;
}

void ExpectDecodes(const char* command, const ConnectionCapture& capture) {
  const ShellOutcome outcome = RunShellFilter(command, capture.wire);
  EXPECT_EQ(outcome.exit_status, 0) << outcome.errors;
  EXPECT_EQ(outcome.output.size(), capture.plain.size());
  EXPECT_TRUE(outcome.output == capture.plain);
}

// `complaint` is part of the decoder's own message, so a decoder that failed to start does not
// pass for one that detected the cut.
void ExpectRejectsCut(const char* command, const ConnectionCapture& capture,
                      std::string_view complaint) {
  const ShellOutcome outcome = RunShellFilter(command, capture.wire_without_trailer);
  EXPECT_NE(outcome.exit_status, 0);
  EXPECT_NE(outcome.errors.find(complaint), std::string::npos) << outcome.errors;
}

TEST(ExternalDecoderTest, PythonGzipModuleDecodesMember) {
  if (!CommandExists("python3")) GTEST_SKIP() << "python3 not on PATH: Python cross-check skipped";
  ExpectDecodes(kPythonGunzip, CaptureLateJoiner());
}

TEST(ExternalDecoderTest, PythonGzipModuleRejectsTruncatedMember) {
  if (!CommandExists("python3")) GTEST_SKIP() << "python3 not on PATH: Python cross-check skipped";
  ExpectRejectsCut(kPythonGunzip, CaptureLateJoiner(), "EOFError");
}

TEST(ExternalDecoderTest, GzipToolDecodesMember) {
  if (!CommandExists("gzip")) GTEST_SKIP() << "gzip not on PATH: gzip tool cross-check skipped";
  ExpectDecodes(kGzipToolGunzip, CaptureLateJoiner());
}

TEST(ExternalDecoderTest, GzipToolRejectsTruncatedMember) {
  if (!CommandExists("gzip")) GTEST_SKIP() << "gzip not on PATH: gzip tool cross-check skipped";
  ExpectRejectsCut(kGzipToolGunzip, CaptureLateJoiner(), "unexpected end of file");
}

}  // namespace
}  // namespace sluice::gzip
