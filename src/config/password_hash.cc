#include "config/password_hash.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <charconv>
#include <string>

#include "config/base64.h"

namespace sluice {
namespace {

constexpr std::string_view kScheme = "pbkdf2-sha256";
constexpr size_t kSaltBytes = 16;
constexpr size_t kMinSaltBytes = 8;
constexpr size_t kMaxSaltBytes = 64;
constexpr size_t kHashBytes = 32;  // SHA-256 output: longer would only slow down verification

struct ParsedPasswordHash {
  int iterations = 0;
  std::string salt;
  std::string hash;
};

// Splits and decodes `stored`; the error text is what CheckPasswordHashFormat reports.
Result<ParsedPasswordHash> ParsePasswordHash(std::string_view stored) {
  std::string_view fields[4];  // scheme, iterations, salt, hash
  std::string_view rest = stored;
  for (int i = 0; i < 3; ++i) {
    const size_t dollar = rest.find('$');
    if (dollar == std::string_view::npos) break;
    fields[i] = rest.substr(0, dollar);
    rest.remove_prefix(dollar + 1);
    if (i == 2) fields[3] = rest;
  }
  if (fields[0] != kScheme || fields[3].empty() || fields[3].find('$') != std::string_view::npos) {
    return Status::InvalidArgument(
        "not a password hash: expected pbkdf2-sha256$<iterations>$<salt base64>$<hash base64> "
        "(make one with `sluice hash-password`)");
  }
  ParsedPasswordHash parsed;
  const std::string_view digits = fields[1];
  const auto [end, error] =
      std::from_chars(digits.data(), digits.data() + digits.size(), parsed.iterations);
  if (digits.empty() || error != std::errc() || end != digits.data() + digits.size() ||
      digits[0] == '0' || parsed.iterations < kMinPasswordHashIterations ||
      parsed.iterations > kMaxPasswordHashIterations) {
    return Status::InvalidArgument("iteration count is not an integer in [" +
                                   std::to_string(kMinPasswordHashIterations) + ", " +
                                   std::to_string(kMaxPasswordHashIterations) + "]");
  }
  std::optional<std::string> salt = Base64DecodeStrict(fields[2]);
  if (!salt || salt->size() < kMinSaltBytes || salt->size() > kMaxSaltBytes) {
    return Status::InvalidArgument("salt is not base64 of 8 to 64 bytes");
  }
  std::optional<std::string> hash = Base64DecodeStrict(fields[3]);
  if (!hash || hash->size() != kHashBytes) {
    return Status::InvalidArgument("hash is not base64 of 32 bytes");
  }
  parsed.salt = std::move(*salt);
  parsed.hash = std::move(*hash);
  return parsed;
}

bool Pbkdf2Sha256(std::string_view password, std::string_view salt, int iterations,
                  std::string* out) {
  out->assign(kHashBytes, '\0');
  return PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                           reinterpret_cast<const unsigned char*>(salt.data()),
                           static_cast<int>(salt.size()), iterations, EVP_sha256(),
                           static_cast<int>(out->size()),
                           reinterpret_cast<unsigned char*>(out->data())) == 1;
}

}  // namespace

Result<std::string> HashPassword(std::string_view password, int iterations) {
  if (iterations < kMinPasswordHashIterations || iterations > kMaxPasswordHashIterations) {
    return Status::InvalidArgument(
        "iterations must be in [" + std::to_string(kMinPasswordHashIterations) + ", " +
        std::to_string(kMaxPasswordHashIterations) + "], got " + std::to_string(iterations));
  }
  std::string salt(kSaltBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(salt.data()), static_cast<int>(salt.size())) !=
      1) {
    return Status::Internal("the random number generator failed to make a salt");
  }
  std::string hash;
  if (!Pbkdf2Sha256(password, salt, iterations, &hash)) {
    return Status::Internal("PBKDF2 failed");
  }
  return std::string(kScheme) + "$" + std::to_string(iterations) + "$" + Base64Encode(salt) + "$" +
         Base64Encode(hash);
}

bool VerifyPassword(std::string_view password, std::string_view stored) {
  Result<ParsedPasswordHash> parsed = ParsePasswordHash(stored);
  if (!parsed.ok()) return false;
  std::string computed;
  if (!Pbkdf2Sha256(password, parsed->salt, parsed->iterations, &computed)) return false;
  // Both are kHashBytes long (ParsePasswordHash checked), so only the contents are compared, and
  // in constant time.
  return CRYPTO_memcmp(computed.data(), parsed->hash.data(), kHashBytes) == 0;
}

Status CheckPasswordHashFormat(std::string_view stored) {
  return ParsePasswordHash(stored).status();
}

Result<int> PasswordHashIterations(std::string_view stored) {
  Result<ParsedPasswordHash> parsed = ParsePasswordHash(stored);
  if (!parsed.ok()) return parsed.status();
  return parsed->iterations;
}

}  // namespace sluice
