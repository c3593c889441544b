#include "config/credentials.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "config/base64.h"
#include "config/password_hash.h"

namespace sluice {
namespace {

constexpr size_t kCacheSecretBytes = 32;

bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool IsOptionalWhitespace(char c) { return c == ' ' || c == '\t'; }

std::string_view TrimOptionalWhitespace(std::string_view text) {
  while (!text.empty() && IsOptionalWhitespace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsOptionalWhitespace(text.back())) text.remove_suffix(1);
  return text;
}

// RFC 7617 §2: user-id and password must not contain control characters.
bool HasControlCharacter(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return true;
  }
  return false;
}

// An unknown user is checked against this, at the cost of a real one; it matches no password
// (PBKDF2 output of all zero bytes is as likely as guessing a 256-bit key).
std::string DummyHash(const std::vector<UserConfig>& users) {
  int iterations = kDefaultPasswordHashIterations;
  // Every hash of one configuration normally comes from `sluice hash-password`, so the first
  // well-formed one gives the cost a real user pays.
  for (const UserConfig& user : users) {
    if (Result<int> stored = PasswordHashIterations(user.password_hash); stored.ok()) {
      iterations = *stored;
      break;
    }
  }
  return "pbkdf2-sha256$" + std::to_string(iterations) + "$" + Base64Encode(std::string(16, '\0')) +
         "$" + Base64Encode(std::string(32, '\0'));
}

void AppendLengthPrefixed(std::string* out, std::string_view field) {
  const uint64_t size = field.size();
  for (int shift = 0; shift < 64; shift += 8) out->push_back(static_cast<char>(size >> shift));
  out->append(field);
}

}  // namespace

std::optional<BasicCredentials> ParseBasicAuthorization(std::string_view header_value) {
  if (header_value.size() > kMaxBasicAuthorizationBytes) return std::nullopt;
  std::string_view value = TrimOptionalWhitespace(header_value);
  constexpr std::string_view kScheme = "Basic";
  if (value.size() <= kScheme.size() ||
      !EqualsIgnoreAsciiCase(value.substr(0, kScheme.size()), kScheme) ||
      !IsOptionalWhitespace(value[kScheme.size()])) {
    return std::nullopt;
  }
  // Anything after the token (a second token, a comma-separated parameter) fails base64 decoding.
  const std::string_view token = TrimOptionalWhitespace(value.substr(kScheme.size()));
  std::optional<std::string> decoded = Base64DecodeStrict(token);
  if (!decoded) return std::nullopt;
  const size_t colon = decoded->find(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  BasicCredentials credentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
  if (HasControlCharacter(credentials.user) || HasControlCharacter(credentials.password)) {
    return std::nullopt;
  }
  return credentials;
}

CredentialVerifier::CredentialVerifier(const std::vector<UserConfig>& users, size_t cache_capacity)
    : dummy_hash_(DummyHash(users)), cache_capacity_(cache_capacity) {
  for (const UserConfig& user : users) stored_hashes_.emplace(user.name, user.password_hash);
  cache_secret_.assign(kCacheSecretBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(cache_secret_.data()),
                 static_cast<int>(cache_secret_.size())) != 1) {
    // Without an unpredictable key the cache would be a fast brute-force target; run uncached.
    cache_secret_.clear();
  }
}

bool CredentialVerifier::VerifiedRecently(std::string_view user, std::string_view password) {
  const auto found = stored_hashes_.find(std::string(user));
  if (found == stored_hashes_.end()) return false;
  if (cache_secret_.empty() || cache_capacity_ == 0) return false;
  return CacheContains(CacheKey(user, password, found->second));
}

bool CredentialVerifier::Verify(std::string_view user, std::string_view password) {
  const auto found = stored_hashes_.find(std::string(user));
  if (found == stored_hashes_.end()) {
    slow_verifications_.fetch_add(1, std::memory_order_relaxed);
    (void)VerifyPassword(password, dummy_hash_);
    return false;
  }
  const std::string& stored_hash = found->second;
  const bool cacheable = !cache_secret_.empty() && cache_capacity_ > 0;
  std::string key;
  if (cacheable) {
    key = CacheKey(user, password, stored_hash);
    if (CacheContains(key)) return true;
  }
  slow_verifications_.fetch_add(1, std::memory_order_relaxed);
  if (!VerifyPassword(password, stored_hash)) return false;
  if (cacheable) CacheInsert(key);
  return true;
}

std::string CredentialVerifier::CacheKey(std::string_view user, std::string_view password,
                                         std::string_view stored_hash) const {
  std::string message;
  AppendLengthPrefixed(&message, user);
  AppendLengthPrefixed(&message, password);
  AppendLengthPrefixed(&message, stored_hash);
  std::string key(EVP_MAX_MD_SIZE, '\0');
  unsigned int key_size = 0;
  HMAC(EVP_sha256(), cache_secret_.data(), static_cast<int>(cache_secret_.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
       reinterpret_cast<unsigned char*>(key.data()), &key_size);
  key.resize(key_size);
  // The message holds the password in clear: do not leave it in freed memory.
  OPENSSL_cleanse(message.data(), message.size());
  return key;
}

bool CredentialVerifier::CacheContains(const std::string& key) {
  std::lock_guard<std::mutex> lock(cache_mutex_);
  const auto found = cache_.find(key);
  if (found == cache_.end()) return false;
  cache_order_.splice(cache_order_.begin(), cache_order_, found->second);
  return true;
}

void CredentialVerifier::CacheInsert(const std::string& key) {
  std::lock_guard<std::mutex> lock(cache_mutex_);
  // Another thread may have verified the same credential meanwhile.
  if (cache_.count(key) != 0) return;
  if (cache_.size() >= cache_capacity_) {
    cache_.erase(cache_order_.back());
    cache_order_.pop_back();
  }
  cache_order_.push_front(key);
  cache_[key] = cache_order_.begin();
}

}  // namespace sluice
