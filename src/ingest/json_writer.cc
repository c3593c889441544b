#include "ingest/json_writer.h"

#include <cmath>

namespace sluice {

void JsonWriter::Fixed(double value, int decimals) {
  uint64_t scale = 1;
  for (int i = 0; i < decimals; ++i) scale *= 10;
  if (value < 0) {
    Char('-');
    value = -value;
  }
  const uint64_t scaled = static_cast<uint64_t>(std::llround(value * static_cast<double>(scale)));
  Uint(scaled / scale);
  if (decimals == 0) return;
  Char('.');
  char* digits = Reserve(decimals);
  uint64_t fraction = scaled % scale;
  for (int i = decimals - 1; i >= 0; --i) {
    digits[i] = static_cast<char>('0' + fraction % 10);
    fraction /= 10;
  }
  Commit(decimals);
}

uint32_t CountCodePoints(std::string_view text) {
  uint32_t count = 0;
  for (const char c : text) count += (static_cast<uint8_t>(c) & 0xc0) != 0x80;
  return count;
}

}  // namespace sluice
