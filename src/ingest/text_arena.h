// TextArena and EscapedText: the generator's immutable strings, JSON-escaped once at start-up so
// that writing a post is only copying bytes.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace sluice {

// A piece of text ready to be written between JSON quotes, in both forms X has used.
struct EscapedText {
  std::string_view utf8;     // non-ASCII kept as UTF-8
  std::string_view ascii;    // non-ASCII as \uXXXX escapes (the v1.1 API's own form)
  uint32_t code_points = 0;  // of the unescaped text (X's unit for entity indices)

  std::string_view Get(bool ascii_only) const { return ascii_only ? ascii : utf8; }
};

// Owns bytes whose views never move or die before the arena does.
// Thread safety: none while being filled; read-only use from many threads is safe.
class TextArena {
 public:
  TextArena() = default;
  TextArena(const TextArena&) = delete;  // views handed out point into this arena's blocks
  TextArena& operator=(const TextArena&) = delete;

  std::string_view Store(std::string_view bytes);
  // `raw` (valid UTF-8) escaped both ways, stored once if both forms are equal.
  EscapedText Escape(std::string_view raw);

 private:
  static constexpr size_t kBlockSize = 64 << 10;
  std::vector<std::unique_ptr<char[]>> blocks_;  // filled in turn; only the last has room
  std::vector<std::unique_ptr<char[]>> large_blocks_;
  size_t block_used_ = kBlockSize;  // forces a block on first use
};

}  // namespace sluice
