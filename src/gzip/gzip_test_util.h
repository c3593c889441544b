// Test-only helpers for src/gzip/*_test.cc: a simulated gzip connection and reference decoders.
// Header-only so it stays out of the sluice_gzip library.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "gzip/gzip.h"

namespace sluice::gzip::testing {

// What one gzip connection's client receives, built the way the server writes it.
class SimulatedConnection {
 public:
  SimulatedConnection() : wire_(GzipHeader()) {}

  void Send(const DeflatedBlock& block) {
    wire_ += block.bytes;
    member_.Add(block);
  }
  void CloseCleanly() { wire_ += member_.Trailer(); }

  const std::string& wire() const { return wire_; }

 private:
  std::string wire_;
  GzipMember member_;
};

struct InflateOutcome {
  int last_code = Z_OK;     // Z_STREAM_END only if the trailer arrived and CRC and ISIZE matched
  std::string plain;        // everything decoded, even when the member is cut or corrupt
  size_t unused_input = 0;  // bytes left after the point where inflate stopped
  bool clean() const { return last_code == Z_STREAM_END && unused_input == 0; }
};

// Decodes one gzip member with zlib's own gzip reader (windowBits 15 + 16), as a client would.
inline InflateOutcome InflateGzip(std::string_view wire) {
  z_stream stream{};
  InflateOutcome outcome;
  EXPECT_EQ(inflateInit2(&stream, 15 + 16), Z_OK);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(wire.data()));
  stream.avail_in = static_cast<uInt>(wire.size());
  char chunk[64 * 1024];
  do {
    stream.next_out = reinterpret_cast<Bytef*>(chunk);
    stream.avail_out = sizeof(chunk);
    outcome.last_code = inflate(&stream, Z_NO_FLUSH);
    outcome.plain.append(chunk, sizeof(chunk) - stream.avail_out);
  } while (outcome.last_code == Z_OK);
  outcome.unused_input = stream.avail_in;
  inflateEnd(&stream);
  return outcome;
}

// A batch of JSON lines whose text names its batch and line, so a mismatch shows where it is.
inline std::string NumberedBatch(int batch, int lines) {
  std::string text;
  for (int line = 0; line < lines; ++line) {
    text += "{\"id\":" + std::to_string(batch * 1000 + line) + ",\"text\":\"batch " +
            std::to_string(batch) + " line " + std::to_string(line) +
            " the quick brown fox\",\"lang\":\"en\"}\r\n";
  }
  return text;
}

struct ShellOutcome {
  int exit_status = -1;
  std::string output;
  std::string errors;
};

inline bool CommandExists(const std::string& name) {
  return std::system(("command -v " + name + " >/dev/null 2>&1").c_str()) == 0;
}

inline std::string ReadWholeFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream contents;
  contents << file.rdbuf();
  return contents.str();
}

// Runs `command` through /bin/sh with `input` on stdin, capturing stdout and stderr.
inline ShellOutcome RunShellFilter(const std::string& command, std::string_view input) {
  std::string base = ::testing::TempDir() + "sluice_gzip_XXXXXX";
  const int fd = mkstemp(base.data());
  EXPECT_GE(fd, 0);
  EXPECT_EQ(write(fd, input.data(), input.size()), static_cast<ssize_t>(input.size()));
  close(fd);
  const std::string errors_path = base + ".stderr";
  ShellOutcome outcome;
  FILE* pipe = popen((command + " < " + base + " 2> " + errors_path).c_str(), "r");
  EXPECT_NE(pipe, nullptr);
  char chunk[64 * 1024];
  size_t n;
  while ((n = fread(chunk, 1, sizeof(chunk), pipe)) > 0) outcome.output.append(chunk, n);
  const int status = pclose(pipe);
  outcome.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  outcome.errors = ReadWholeFile(errors_path);
  std::remove(base.c_str());
  std::remove(errors_path.c_str());
  return outcome;
}

}  // namespace sluice::gzip::testing
