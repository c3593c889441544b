#include "ingest/line_assembler.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sluice {
namespace {

struct Seen {
  uint64_t number;
  std::string text;
  bool too_long;
  bool operator==(const Seen&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Seen& s) {
  return os << "{" << s.number << ", \"" << s.text << "\", " << s.too_long << "}";
}

void Drain(LineAssembler& assembler, std::vector<Seen>& seen) {
  while (std::optional<AssembledLine> line = assembler.Next()) {
    seen.push_back({line->number, std::string(line->text), line->too_long});
  }
}

// Feeds `input` in chunks of `chunk_size` bytes (each chunk a separate, short-lived copy, so a
// view kept past its chunk would be caught by ASan).
std::vector<Seen> Assemble(std::string_view input, size_t chunk_size, size_t max_line) {
  LineAssembler assembler(max_line);
  std::vector<Seen> seen;
  for (size_t pos = 0; pos < input.size(); pos += chunk_size) {
    const std::string chunk(input.substr(pos, chunk_size));
    assembler.Feed(chunk);
    Drain(assembler, seen);
  }
  assembler.Finish();
  Drain(assembler, seen);
  return seen;
}

TEST(LineAssemblerTest, SplitsLinesWhateverTheChunking) {
  const std::string input = "first\nsecond line\r\n\nlast";
  const std::vector<Seen> expected = {
      {1, "first", false}, {2, "second line\r", false}, {3, "", false}, {4, "last", false}};
  for (size_t chunk = 1; chunk <= input.size(); ++chunk) {
    EXPECT_EQ(Assemble(input, chunk, 100), expected) << "chunk size " << chunk;
  }
}

TEST(LineAssemblerTest, TrailingNewlineMakesNoExtraLine) {
  const std::vector<Seen> expected = {{1, "a", false}, {2, "b", false}};
  EXPECT_EQ(Assemble("a\nb\n", 3, 10), expected);
  EXPECT_TRUE(Assemble("", 3, 10).empty());
}

TEST(LineAssemblerTest, TooLongLineIsReportedOnceAndSkipped) {
  const std::string input = "ok\n" + std::string(50, 'x') + "\nfine\n" + std::string(11, 'y');
  const std::vector<Seen> expected = {
      {1, "ok", false}, {2, "", true}, {3, "fine", false}, {4, "", true}};
  for (size_t chunk = 1; chunk <= input.size(); ++chunk) {
    EXPECT_EQ(Assemble(input, chunk, 10), expected) << "chunk size " << chunk;
  }
}

TEST(LineAssemblerTest, LineOfExactlyTheMaximumIsKept) {
  const std::string line(10, 'z');
  const std::vector<Seen> expected = {{1, line, false}, {2, line, false}};
  for (size_t chunk = 1; chunk <= 22; ++chunk) {
    EXPECT_EQ(Assemble(line + "\n" + line, chunk, 10), expected) << "chunk size " << chunk;
  }
}

TEST(LineAssemblerTest, CarryDoesNotGrowPastTheLimit) {
  // 1 MB of one line, fed in 4 KB chunks, with a 1 KB limit: reported at once, never buffered.
  LineAssembler assembler(1024);
  const std::string chunk(4096, 'q');
  std::vector<Seen> seen;
  for (int i = 0; i < 256; ++i) {
    assembler.Feed(chunk);
    Drain(assembler, seen);
  }
  assembler.Feed("\nnext\n");
  Drain(assembler, seen);
  const std::vector<Seen> expected = {{1, "", true}, {2, "next", false}};
  EXPECT_EQ(seen, expected);
}

TEST(LineAssemblerTest, ReadableAfterCoversPaddingOfChunkAndCarry) {
  LineAssembler assembler(100);
  const std::string chunk = "abc\nde";
  assembler.Feed(chunk, 64);
  std::optional<AssembledLine> line = assembler.Next();
  ASSERT_TRUE(line.has_value());
  EXPECT_EQ(line->readable_after, 3u + 64u);  // "\nde" then the caller's padding
  EXPECT_FALSE(assembler.Next().has_value());
  assembler.Feed("f\n");
  line = assembler.Next();
  ASSERT_TRUE(line.has_value());
  EXPECT_EQ(line->text, "def");
  EXPECT_GE(line->readable_after, 64u);  // the carry buffer keeps padding
}

}  // namespace
}  // namespace sluice
