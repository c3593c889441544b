#include "config/config_error.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>

namespace sluice {
namespace {

constexpr size_t kMaxQuotedChars = 80;

}  // namespace

std::string FormatNumberForMessage(double value) {
  // Whole numbers as integers: to_chars' shortest form would write 1000000 as "1e+06".
  if (std::isfinite(value) && value == std::trunc(value) && std::fabs(value) < 1e15) {
    return std::to_string(static_cast<int64_t>(value));
  }
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

bool IsBareKey(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    const bool bare = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '-';
    if (!bare) return false;
  }
  return true;
}

std::string QuoteForMessage(std::string_view text) {
  const bool cut = text.size() > kMaxQuotedChars;
  if (cut) text = text.substr(0, kMaxQuotedChars);
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned char>(c));
          out += escaped;
        } else {
          out += c;
        }
    }
  }
  out += cut ? "\"…" : "\"";
  return out;
}

std::string KeyPath(std::string_view table_path, std::string_view key) {
  std::string path(table_path);
  if (!path.empty()) path += '.';
  path += IsBareKey(key) ? std::string(key) : QuoteForMessage(key);
  return path;
}

std::string IndexPath(std::string_view array_path, size_t index) {
  return std::string(array_path) + "[" + std::to_string(index) + "]";
}

Status ConfigError(std::string_view path, std::string_view problem) {
  std::string message(path);
  message += ": ";
  message += problem;
  return Status::InvalidArgument(std::move(message));
}

Status CheckNumberRange(std::string_view path, double value, double min, double max) {
  // The negated comparison also rejects nan.
  if (!(value >= min && value <= max)) {
    return ConfigError(path, FormatNumberForMessage(value) + " is out of range [" +
                                 FormatNumberForMessage(min) + ", " + FormatNumberForMessage(max) +
                                 "]");
  }
  return Status::Ok();
}

}  // namespace sluice
