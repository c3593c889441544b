// The created_at format of X's v1.1 API: "Mon Nov 23 00:46:19 +0000 2026" (always UTC).
#pragma once

#include <cstdint>
#include <string>

namespace sluice {

inline constexpr size_t kTwitterTimeLength = 30;

// Writes exactly kTwitterTimeLength bytes (no terminator). REQUIRES: year in [1000, 9999].
void FormatTwitterTime(int64_t unix_ms, char* out);

std::string FormatTwitterTime(int64_t unix_ms);

}  // namespace sluice
