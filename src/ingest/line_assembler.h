// LineAssembler: turns arbitrary read chunks (file, stdin, a request body) into complete lines.
//
// Pull-based, so the caller decides when to read more:
//   assembler.Feed(chunk);
//   while (std::optional<AssembledLine> line = assembler.Next()) { ... }
//   ... more Feed/Next ...
//   assembler.Finish();
//   while (std::optional<AssembledLine> line = assembler.Next()) { ... }  // the unterminated tail
//
// Lines that lie wholly inside a chunk are returned as views into it (no copy); only a line that
// straddles chunks is copied into an internal buffer. Memory is bounded by `max_line_bytes`: a
// longer line is reported once (too_long) as soon as it is detected and its remaining bytes are
// skipped up to its '\n', never buffered.
//
// Thread safety: none; one owner.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace sluice {

struct AssembledLine {
  uint64_t number = 0;    // 1-based line number in the whole input
  std::string_view text;  // without its '\n' (a '\r' before it is kept); empty when too_long
  // Bytes after text.end() that may be read (for parsers that need padding, like simdjson).
  size_t readable_after = 0;
  bool too_long = false;  // the line has more than max_line_bytes bytes; text was dropped
};

class LineAssembler {
 public:
  explicit LineAssembler(size_t max_line_bytes) : max_line_bytes_(max_line_bytes) {}
  LineAssembler(const LineAssembler&) = delete;  // would alias views into the carry buffer
  LineAssembler& operator=(const LineAssembler&) = delete;

  // Supplies the next chunk of input. `readable_after` says how many bytes after chunk.end() the
  // caller guarantees readable (so lines near the chunk's end can still be parsed in place).
  // REQUIRES: Next() has returned nullopt since the previous Feed; not Finish()ed; `chunk`
  // stays alive and unchanged until Next() next returns nullopt.
  void Feed(std::string_view chunk, size_t readable_after = 0);

  // Marks the end of the input, so that a last line without '\n' is returned by Next().
  void Finish() { finished_ = true; }

  // The next complete line, or nullopt when the current chunk is used up (Feed more) or, after
  // Finish(), at the end of the input. The returned view is valid until the next call to Next
  // or Feed.
  std::optional<AssembledLine> Next();

 private:
  AssembledLine Complete(std::string_view text, size_t readable_after);
  AssembledLine StartSkipping();
  void AppendToCarry(std::string_view piece);

  const size_t max_line_bytes_;
  std::string_view chunk_;
  size_t chunk_readable_after_ = 0;
  size_t pos_ = 0;                // next unread byte of chunk_
  uint64_t completed_lines_ = 0;  // lines whose '\n' (or end of input) has been consumed
  std::vector<char> carry_;       // the start of a line that straddles chunks, plus padding
  size_t carry_length_ = 0;
  bool skipping_ = false;  // inside a too-long line, discarding up to its '\n'
  bool finished_ = false;
};

}  // namespace sluice
