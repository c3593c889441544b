#include "ingest/line_assembler.h"

#include <algorithm>
#include <cstring>

namespace sluice {
namespace {

// Readable bytes kept after a carried line, so that it too can be parsed in place by simdjson
// (whose requirement is 64 bytes).
constexpr size_t kCarryPadding = 64;

}  // namespace

void LineAssembler::Feed(std::string_view chunk, size_t readable_after) {
  chunk_ = chunk;
  chunk_readable_after_ = readable_after;
  pos_ = 0;
}

AssembledLine LineAssembler::Complete(std::string_view text, size_t readable_after) {
  ++completed_lines_;
  return AssembledLine{completed_lines_, text, readable_after, false};
}

// Reports the line in progress as too long; its bytes up to '\n' will be skipped.
AssembledLine LineAssembler::StartSkipping() {
  skipping_ = true;
  carry_length_ = 0;
  return AssembledLine{completed_lines_ + 1, {}, 0, true};
}

void LineAssembler::AppendToCarry(std::string_view piece) {
  const size_t needed = carry_length_ + piece.size() + kCarryPadding;
  if (carry_.size() < needed) carry_.resize(std::max(needed, 2 * carry_.size()));
  std::memcpy(carry_.data() + carry_length_, piece.data(), piece.size());
  carry_length_ += piece.size();
}

std::optional<AssembledLine> LineAssembler::Next() {
  while (pos_ < chunk_.size()) {
    const char* begin = chunk_.data() + pos_;
    const size_t remaining = chunk_.size() - pos_;
    const char* newline = static_cast<const char*>(std::memchr(begin, '\n', remaining));
    const size_t piece_length = newline != nullptr ? size_t(newline - begin) : remaining;
    const std::string_view piece(begin, piece_length);
    pos_ += newline != nullptr ? piece_length + 1 : piece_length;

    if (skipping_) {
      if (newline == nullptr) continue;  // the chunk is used up
      skipping_ = false;
      ++completed_lines_;  // reported when it became too long
      continue;
    }
    if (carry_length_ + piece_length > max_line_bytes_) {
      if (newline == nullptr) return StartSkipping();
      // The whole rest of the line is here: nothing to skip.
      carry_length_ = 0;
      ++completed_lines_;
      return AssembledLine{completed_lines_, {}, 0, true};
    }
    if (newline == nullptr) {  // the line continues in the next chunk
      AppendToCarry(piece);
      continue;  // the chunk is used up
    }
    if (carry_length_ == 0) {
      const size_t readable = chunk_.size() - pos_ + 1 + chunk_readable_after_;
      return Complete(piece, readable);
    }
    AppendToCarry(piece);
    const size_t length = carry_length_;
    carry_length_ = 0;
    return Complete(std::string_view(carry_.data(), length), carry_.size() - length);
  }
  if (finished_) {
    if (skipping_) {
      skipping_ = false;
      ++completed_lines_;
    } else if (carry_length_ > 0) {
      const size_t length = carry_length_;
      carry_length_ = 0;
      return Complete(std::string_view(carry_.data(), length), carry_.size() - length);
    }
  }
  return std::nullopt;
}

}  // namespace sluice
