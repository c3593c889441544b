#include "post/text_tokens.h"

#include <unicode/uchar.h>

#include <array>

namespace sluice {
namespace {

// ASCII: 0 for a separator, else the byte lower-cased. NUL is a control, so 0 is free.
constexpr std::array<char, 128> kAsciiTokenTable = [] {
  std::array<char, 128> table{};
  for (int c = 0; c < 128; ++c) {
    if (c >= 'a' && c <= 'z') table[c] = static_cast<char>(c);
    if (c >= 'A' && c <= 'Z') table[c] = static_cast<char>(c - 'A' + 'a');
    if (c >= '0' && c <= '9') table[c] = static_cast<char>(c);
  }
  return table;
}();

constexpr std::array<char, 128> kAsciiFoldTable = [] {
  std::array<char, 128> table{};
  for (int c = 0; c < 128; ++c) {
    table[c] = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  return table;
}();

// Decodes the well-formed UTF-8 sequence of 2–4 bytes starting at p[0] >= 0x80. Returns its
// length, or 0 when it is not well-formed (overlong, surrogate, above U+10FFFF, truncated).
inline int DecodeMultiByte(const unsigned char* p, size_t available, UChar32* code_point) {
  const unsigned lead = p[0];
  int length = 0;
  UChar32 c = 0;
  UChar32 min = 0;
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2, c = lead & 0x1f, min = 0x80;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3, c = lead & 0x0f, min = 0x800;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4, c = lead & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (available < static_cast<size_t>(length)) return 0;
  for (int k = 1; k < length; ++k) {
    if ((p[k] & 0xc0) != 0x80) return 0;
    c = (c << 6) | (p[k] & 0x3f);
  }
  if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) return 0;
  *code_point = c;
  return length;
}

char* AppendUtf8(UChar32 c, char* out) {
  if (c < 0x80) {
    *out++ = static_cast<char>(c);
  } else if (c < 0x800) {
    *out++ = static_cast<char>(0xc0 | (c >> 6));
    *out++ = static_cast<char>(0x80 | (c & 0x3f));
  } else if (c < 0x10000) {
    *out++ = static_cast<char>(0xe0 | (c >> 12));
    *out++ = static_cast<char>(0x80 | ((c >> 6) & 0x3f));
    *out++ = static_cast<char>(0x80 | (c & 0x3f));
  } else {
    *out++ = static_cast<char>(0xf0 | (c >> 18));
    *out++ = static_cast<char>(0x80 | ((c >> 12) & 0x3f));
    *out++ = static_cast<char>(0x80 | ((c >> 6) & 0x3f));
    *out++ = static_cast<char>(0x80 | (c & 0x3f));
  }
  return out;
}

bool IsVariationSelector(UChar32 c) {
  return (c >= 0xfe00 && c <= 0xfe0f) || (c >= 0xe0100 && c <= 0xe01ef) ||
         (c >= 0x180b && c <= 0x180d);
}

// What a code point is to the tokeniser. A combining mark belongs to its base: it continues a
// token but never starts one, so the marks and variation selectors that decorate an emoji or a
// punctuation sign (U+FE0F, the keycap U+20E3) are separators like their base. Unassigned code
// points (Cn) are separators: an emoji newer than ICU's tables is still no token.
enum CodePointKind : uint8_t {
  kSeparator = 0,
  kTokenChar = 1,
  kMark = 2,  // a token character only inside a token
  kKindMask = 3,
  kFoldsTo = 4,  // simple case folding changes it
};

uint8_t ClassifyWithIcu(UChar32 c) {
  uint8_t kind = kSeparator;
  switch (u_charType(c)) {
    case U_UPPERCASE_LETTER:
    case U_LOWERCASE_LETTER:
    case U_TITLECASE_LETTER:
    case U_MODIFIER_LETTER:
    case U_OTHER_LETTER:
    case U_DECIMAL_DIGIT_NUMBER:
    case U_LETTER_NUMBER:
    case U_OTHER_NUMBER:
    case U_PRIVATE_USE_CHAR:
      kind = kTokenChar;
      break;
    case U_NON_SPACING_MARK:
    case U_ENCLOSING_MARK:
    case U_COMBINING_SPACING_MARK:
      kind = IsVariationSelector(c) ? kSeparator : kMark;
      break;
    default:  // P*, S*, Z*, Cc, Cf, Cs, Cn
      break;
  }
  if (u_foldCase(c, U_FOLD_CASE_DEFAULT) != c) kind |= kFoldsTo;
  return kind;
}

// The BMP's kinds, 64 KB built once from ICU (about a millisecond): calling ICU twice per code
// point costs more than the rest of the tokeniser on Japanese or Arabic text.
class BmpKinds {
 public:
  BmpKinds() {
    for (UChar32 c = 0; c < 0x10000; ++c) kinds_[c] = ClassifyWithIcu(c);
  }
  uint8_t operator()(UChar32 c) const {
    return c < 0x10000 ? kinds_[static_cast<size_t>(c)] : ClassifyWithIcu(c);
  }

 private:
  std::array<uint8_t, 0x10000> kinds_;
};

const BmpKinds& Kinds() {
  static const BmpKinds* const kinds = new BmpKinds();  // never destroyed: no exit-order issue
  return *kinds;
}

enum class Mode {
  kTokens,            // tokens back to back; separators dropped
  kFolded,            // the whole text folded
  kFoldedWithTokens,  // the whole text folded, with its tokens' bounds in it
};

template <Mode kMode>
void Process(std::string_view text, std::string& out,
             std::vector<std::pair<uint32_t, uint32_t>>* bounds) {
  constexpr bool kSplit = kMode != Mode::kFolded;
  constexpr bool kKeepSeparators = kMode != Mode::kTokens;
  const BmpKinds& kinds = Kinds();
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  // Folding at most doubles a code point's length (2 bytes to 4 at worst; ASCII stays ASCII),
  // so writing through a pointer into room made up front needs no check per byte.
  const size_t old_size = out.size();
  out.resize(old_size + 2 * n);
  char* const base = out.data();
  char* w = base + old_size;
  // Likewise for the bounds: tokens are separated, so there are at most (n + 1) / 2; one more
  // slot takes the ASCII loop's unconditional store.
  using Bounds = std::pair<uint32_t, uint32_t>;
  Bounds* bound = nullptr;
  Bounds* bounds_base = nullptr;
  if constexpr (kSplit) {
    const size_t old_bounds = bounds->size();
    bounds->resize(old_bounds + (n + 1) / 2 + 1);
    bounds_base = bounds->data();
    bound = bounds_base + old_bounds;
  }
  uint32_t in_token = 0;  // 0 or 1
  uint32_t token_begin = 0;
  const auto offset = [&] { return static_cast<uint32_t>(w - base); };
  const auto start_token = [&] {
    if (!in_token) in_token = 1, token_begin = offset();
  };
  const auto end_token = [&] {
    if (in_token) in_token = 0, *bound++ = Bounds(token_begin, offset());
  };
  size_t i = 0;
  while (i < n) {
    const unsigned char byte = p[i];
    if (byte < 0x80) {
      ++i;
      if constexpr (!kSplit) {
        *w++ = kAsciiFoldTable[byte];
      } else {
        // Without branches: word boundaries in text are too frequent and irregular to predict.
        const uint32_t is_token = kAsciiTokenTable[byte] != 0;
        const uint32_t here = offset();
        token_begin = (is_token & ~in_token) ? here : token_begin;
        *bound = Bounds(token_begin, here);
        bound += in_token & ~is_token;
        *w = kAsciiFoldTable[byte];
        w += kKeepSeparators ? 1 : is_token;
        in_token = is_token;
      }
      continue;
    }
    UChar32 c = 0;
    const int length = DecodeMultiByte(p + i, n - i, &c);
    if (length == 0) {  // not UTF-8: a token character of its own, kept as it is
      ++i;
      if constexpr (kSplit) start_token();
      *w++ = static_cast<char>(byte);
      continue;
    }
    const uint8_t kind = kinds(c);
    if constexpr (kSplit) {
      const uint8_t token_kind = kind & kKindMask;
      if (token_kind == kTokenChar || (token_kind == kMark && in_token)) {
        start_token();
      } else {
        end_token();
        if constexpr (!kKeepSeparators) {
          i += static_cast<size_t>(length);
          continue;
        }
      }
    }
    if ((kind & kFoldsTo) != 0) {
      w = AppendUtf8(u_foldCase(c, U_FOLD_CASE_DEFAULT), w);
    } else {
      // A well-formed sequence is copied as is; byte by byte, as a memcpy call of 2 to 4 bytes
      // costs more than the copy.
      w[0] = static_cast<char>(p[i]);
      w[1] = static_cast<char>(p[i + 1]);
      if (length > 2) w[2] = static_cast<char>(p[i + 2]);
      if (length > 3) w[3] = static_cast<char>(p[i + 3]);
      w += length;
    }
    i += static_cast<size_t>(length);
  }
  if constexpr (kSplit) {
    end_token();
    bounds->resize(static_cast<size_t>(bound - bounds_base));
  }
  out.resize(static_cast<size_t>(w - base));
}

}  // namespace

void AppendTokens(std::string_view text, std::string& out,
                  std::vector<std::pair<uint32_t, uint32_t>>& bounds) {
  Process<Mode::kTokens>(text, out, &bounds);
}

void AppendFoldedWithTokens(std::string_view text, std::string& out,
                            std::vector<std::pair<uint32_t, uint32_t>>& bounds) {
  Process<Mode::kFoldedWithTokens>(text, out, &bounds);
}

std::vector<std::string> Tokenize(std::string_view text) {
  std::string folded;
  folded.reserve(text.size());
  std::vector<std::pair<uint32_t, uint32_t>> bounds;
  AppendTokens(text, folded, bounds);
  std::vector<std::string> tokens;
  tokens.reserve(bounds.size());
  for (const auto& [begin, end] : bounds) tokens.emplace_back(folded, begin, end - begin);
  return tokens;
}

std::string FoldCase(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  AppendFolded(text, out);
  return out;
}

void AppendFolded(std::string_view text, std::string& out) {
  Process<Mode::kFolded>(text, out, nullptr);
}

}  // namespace sluice
