// Base64 (RFC 4648 §4, standard alphabet, with padding) for the password hash format and HTTP
// Basic credentials. Decoding is strict: every input that decodes has exactly one encoding, so two
// different strings never authenticate as the same credential.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sluice {

std::string Base64Encode(std::string_view bytes);

// nullopt unless `text` is canonical base64: length a multiple of 4, only alphabet characters,
// '=' only as the last one or two characters, and the bits that padding leaves over all zero.
// No whitespace is skipped.
std::optional<std::string> Base64DecodeStrict(std::string_view text);

}  // namespace sluice
