// JsonWriter: an append-only byte buffer for serialising synthetic posts fast.
//
// The generator writes a post as a few hundred small pieces; std::string::append checks and
// maybe grows on every piece. JsonWriter keeps one reused buffer and makes the common path a
// bounds check plus memcpy. It does not escape: callers append pre-escaped text or use
// AppendJsonEscaped (construction time only).
#pragma once

#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "base/json_escape.h"

namespace sluice {

// memcpy for the short pieces posts are made of (words, keys, digits): a libc call costs more
// than the copy for a few bytes. Reads and writes only [src, src + n) and [dst, dst + n).
// Always inlined: most calls copy a literal, whose constant length folds the branches away.
[[gnu::always_inline]] inline void CopyBytes(char* dst, const char* src, size_t n) {
  if (n >= 8 && n <= 16) {  // two overlapping 8-byte moves
    uint64_t head, tail;
    std::memcpy(&head, src, 8);
    std::memcpy(&tail, src + n - 8, 8);
    std::memcpy(dst, &head, 8);
    std::memcpy(dst + n - 8, &tail, 8);
  } else if (n >= 4 && n < 8) {
    uint32_t head, tail;
    std::memcpy(&head, src, 4);
    std::memcpy(&tail, src + n - 4, 4);
    std::memcpy(dst, &head, 4);
    std::memcpy(dst + n - 4, &tail, 4);
  } else if (n < 4) {
    for (size_t i = 0; i < n; ++i) dst[i] = src[i];
  } else {
    std::memcpy(dst, src, n);
  }
}

class JsonWriter {
 public:
  JsonWriter() { buffer_.resize(16 << 10); }
  JsonWriter(const JsonWriter&) = delete;  // a copy is never wanted; it would be 16+ KB
  JsonWriter& operator=(const JsonWriter&) = delete;

  void Clear() { size_ = 0; }
  std::string_view view() const { return std::string_view(buffer_.data(), size_); }
  size_t size() const { return size_; }

  [[gnu::always_inline]] void Raw(std::string_view bytes) {
    CopyBytes(Reserve(bytes.size()), bytes.data(), bytes.size());
    size_ += bytes.size();
  }
  [[gnu::always_inline]] void Char(char c) {
    Reserve(1);
    buffer_[size_++] = c;
  }
  void Uint(uint64_t value) {
    Reserve(20);
    char* begin = buffer_.data() + size_;
    size_ += static_cast<size_t>(std::to_chars(begin, begin + 20, value).ptr - begin);
  }
  void Int(int64_t value) {
    Reserve(20);
    char* begin = buffer_.data() + size_;
    size_ += static_cast<size_t>(std::to_chars(begin, begin + 20, value).ptr - begin);
  }
  // `value` with exactly `decimals` fraction digits, e.g. coordinates (-73.985700).
  void Fixed(double value, int decimals);
  // A JSON string: '"' + id digits + '"'.
  void QuotedUint(uint64_t value) {
    Char('"');
    Uint(value);
    Char('"');
  }

  // REQUIRES: the caller writes at most `n` bytes through the returned pointer, then Commit()s.
  [[gnu::always_inline]] char* Reserve(size_t n) {
    if (size_ + n > buffer_.size()) [[unlikely]] {
      Grow(n);
    }
    return buffer_.data() + size_;
  }
  void Commit(size_t n) { size_ += n; }

 private:
  void Grow(size_t n) { buffer_.resize(2 * (size_ + n)); }

  std::string buffer_;  // sized, not just reserved: bytes past size_ are scratch
  size_t size_ = 0;
};

// Number of Unicode code points in valid UTF-8 `text`: X counts entity indices in code points.
uint32_t CountCodePoints(std::string_view text);

}  // namespace sluice
