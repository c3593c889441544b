// JSON string escaping, shared by everything that writes JSON by hand (the generator, system
// messages, HTTP error bodies).
#pragma once

#include <string>
#include <string_view>

namespace sluice {

// Appends `text` JSON-escaped (without quotes). With `ascii_only`, every non-ASCII code point is
// written as \uXXXX (a surrogate pair above U+FFFF), as X's v1.1 API does; otherwise UTF-8 is
// kept as is. REQUIRES: text is valid UTF-8 when ascii_only.
void AppendJsonEscaped(std::string& out, std::string_view text, bool ascii_only);
// The same as a new string.
std::string JsonEscaped(std::string_view text, bool ascii_only);

}  // namespace sluice
