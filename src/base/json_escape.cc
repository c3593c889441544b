#include "base/json_escape.h"

#include <cstdint>

namespace sluice {

namespace {

void AppendUnicodeEscape(std::string& out, uint32_t unit) {
  static constexpr char kHex[] = "0123456789abcdef";
  const char escape[6] = {'\\',
                          'u',
                          kHex[(unit >> 12) & 0xf],
                          kHex[(unit >> 8) & 0xf],
                          kHex[(unit >> 4) & 0xf],
                          kHex[unit & 0xf]};
  out.append(escape, 6);
}

// Decodes the code point starting at text[i] and advances i. REQUIRES: valid UTF-8.
uint32_t DecodeUtf8(std::string_view text, size_t& i) {
  const auto byte = [&](size_t k) { return static_cast<uint32_t>(static_cast<uint8_t>(text[k])); };
  const uint32_t lead = byte(i);
  if (lead < 0x80) return i += 1, lead;
  if (lead < 0xe0) return i += 2, ((lead & 0x1f) << 6) | (byte(i - 1) & 0x3f);
  if (lead < 0xf0) {
    i += 3;
    return ((lead & 0x0f) << 12) | ((byte(i - 2) & 0x3f) << 6) | (byte(i - 1) & 0x3f);
  }
  i += 4;
  return ((lead & 0x07) << 18) | ((byte(i - 3) & 0x3f) << 12) | ((byte(i - 2) & 0x3f) << 6) |
         (byte(i - 1) & 0x3f);
}

}  // namespace

void AppendJsonEscaped(std::string& out, std::string_view text, bool ascii_only) {
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    switch (c) {
      case '"':
        out += "\\\"";
        ++i;
        continue;
      case '\\':
        out += "\\\\";
        ++i;
        continue;
      case '\n':
        out += "\\n";
        ++i;
        continue;
      case '\r':
        out += "\\r";
        ++i;
        continue;
      case '\t':
        out += "\\t";
        ++i;
        continue;
      default:
        break;
    }
    const auto byte = static_cast<uint8_t>(c);
    if (byte < 0x20) {
      AppendUnicodeEscape(out, byte);
      ++i;
    } else if (byte < 0x80 || !ascii_only) {
      out += c;
      ++i;
    } else {
      const uint32_t code_point = DecodeUtf8(text, i);
      if (code_point >= 0x10000) {
        const uint32_t v = code_point - 0x10000;
        AppendUnicodeEscape(out, 0xd800 + (v >> 10));
        AppendUnicodeEscape(out, 0xdc00 + (v & 0x3ff));
      } else {
        AppendUnicodeEscape(out, code_point);
      }
    }
  }
}

std::string JsonEscaped(std::string_view text, bool ascii_only) {
  std::string out;
  AppendJsonEscaped(out, text, ascii_only);
  return out;
}

}  // namespace sluice
