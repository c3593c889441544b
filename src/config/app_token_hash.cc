#include "config/app_token_hash.h"

#include <openssl/sha.h>

namespace sluice {

std::string HashAppToken(std::string_view token) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), digest);
  constexpr std::string_view kHexDigits = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * sizeof digest);
  for (unsigned char byte : digest) {
    hex += kHexDigits[byte >> 4];
    hex += kHexDigits[byte & 0xf];
  }
  return hex;
}

Status CheckAppTokenHashFormat(std::string_view stored) {
  bool well_formed = stored.size() == 2 * SHA256_DIGEST_LENGTH;
  for (char c : stored)
    well_formed = well_formed && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  if (!well_formed) {
    return Status::InvalidArgument(
        "not a token hash: expected 64 lowercase hex digits, the SHA-256 of the token "
        "(printf %s TOKEN | sha256sum)");
  }
  return Status::Ok();
}

}  // namespace sluice
