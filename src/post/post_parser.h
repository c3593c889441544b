// PostParser: validates one post's JSON and extracts its 64-bit id (SPEC §1, §6).
//
// A post is accepted only if the whole text is one valid JSON object (fully validated, so a
// truncated or garbled post never enters the archive) with an id in one of the shapes X emits:
//   v1.1 "original":  {"id_str":"123", "id":123, ...}   id_str preferred, else id
//   v2:               {"data":{"id":"123", ...}, "includes":{...}}
//
// Thread safety: one PostParser per thread; it owns reusable parse buffers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "base/status.h"

namespace sluice {

class PostParser {
 public:
  // Bytes that must be readable after the end of a post passed to ParseIdPadded (any content).
  // Equal to SIMDJSON_PADDING; checked in post_parser.cc.
  static constexpr size_t kPadding = 64;

  PostParser();
  ~PostParser();
  // Copying would duplicate megabytes of parse buffers for no benefit; moving is cheap. A
  // moved-from parser may only be assigned to or destroyed.
  PostParser(const PostParser&) = delete;
  PostParser& operator=(const PostParser&) = delete;
  PostParser(PostParser&&) noexcept;
  PostParser& operator=(PostParser&&) noexcept;

  // The post's id. Copies `json` into a reused padded buffer first (no allocation once warm).
  // Errors (InvalidArgument, worded for the user who sent the post):
  //   "invalid JSON: <reason>", "post is not a JSON object",
  //   "post has no id (expected id_str, id, or data.id)",
  //   "post id is not a positive 64-bit integer".
  [[nodiscard]] Result<uint64_t> ParseId(std::string_view json) noexcept;

  // Same, without the copy.
  // REQUIRES: the kPadding bytes after json.data() + json.size() are readable memory.
  [[nodiscard]] Result<uint64_t> ParseIdPadded(std::string_view json) noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Parses a decimal id as X writes it in id_str: 1 to 20 ASCII digits, value in [1, 2^64).
// Returns 0 for anything else (0 is never a valid post id).
uint64_t ParsePositiveDecimalId(std::string_view digits) noexcept;

}  // namespace sluice
