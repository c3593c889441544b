#include "ingest/text_arena.h"

#include <cstring>
#include <string>

#include "ingest/json_writer.h"

namespace sluice {

std::string_view TextArena::Store(std::string_view bytes) {
  if (bytes.size() > kBlockSize / 4) {  // big pieces get a block of their own
    large_blocks_.push_back(std::make_unique<char[]>(bytes.size()));
    std::memcpy(large_blocks_.back().get(), bytes.data(), bytes.size());
    return std::string_view(large_blocks_.back().get(), bytes.size());
  }
  if (block_used_ + bytes.size() > kBlockSize) {
    blocks_.push_back(std::make_unique<char[]>(kBlockSize));
    block_used_ = 0;
  }
  char* destination = blocks_.back().get() + block_used_;
  std::memcpy(destination, bytes.data(), bytes.size());
  block_used_ += bytes.size();
  return std::string_view(destination, bytes.size());
}

EscapedText TextArena::Escape(std::string_view raw) {
  const std::string utf8 = JsonEscaped(raw, /*ascii_only=*/false);
  const std::string ascii = JsonEscaped(raw, /*ascii_only=*/true);
  EscapedText text;
  text.utf8 = Store(utf8);
  text.ascii = ascii == utf8 ? text.utf8 : Store(ascii);
  text.code_points = CountCodePoints(raw);
  return text;
}

}  // namespace sluice
