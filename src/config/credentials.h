// HTTP Basic credentials (RFC 7617): parsing the Authorization header and checking a user name and
// password against the stored hashes of the configuration.
#pragma once

#include <atomic>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/server_config.h"

namespace sluice {

struct BasicCredentials {
  std::string user;
  std::string password;
};

// Longest Authorization value accepted; real Basic credentials are far shorter, and a bound keeps
// an attacker from making us decode (and later hash) megabytes.
inline constexpr size_t kMaxBasicAuthorizationBytes = 1024;

// Parses an Authorization header value "Basic <base64(user:password)>". The scheme is matched
// case-insensitively; the token must be canonical padded base64 and decode to "user:password"
// split at the first ':' (so the user never contains ':', the password may). nullopt for any
// other scheme, malformed base64, an empty user, control characters, or a value longer than
// kMaxBasicAuthorizationBytes.
std::optional<BasicCredentials> ParseBasicAuthorization(std::string_view header_value);

// Checks Basic credentials against a fixed set of users.
//
// Thread-safe: Verify may be called from any number of threads. One std::mutex guards only the
// cache of successful verifications; PBKDF2 runs outside it, so concurrent logins hash in
// parallel.
//
// Cost: PBKDF2 (about 50 ms at 100,000 iterations) is paid once per distinct credential, not per
// request: a success is remembered under HMAC-SHA256(process-random key, user, password, stored
// hash) in a bounded least-recently-used set. Keying with a secret that never leaves memory means a
// memory dump of the cache cannot be brute-forced at SHA-256 speed; including the stored hash
// means a changed password never matches an old entry. Failures are never cached.
//
// Unknown users are answered after a PBKDF2 run of the same cost as a real user's (against a
// dummy hash), so response time does not reveal which user names exist.
class CredentialVerifier {
 public:
  static constexpr size_t kDefaultCacheCapacity = 1024;

  // REQUIRES: user names are unique (ValidateServerConfig checks this); if not, the first wins.
  explicit CredentialVerifier(const std::vector<UserConfig>& users,
                              size_t cache_capacity = kDefaultCacheCapacity);

  // Holds a mutex and a cache that are not meaningfully copyable.
  CredentialVerifier(const CredentialVerifier&) = delete;
  CredentialVerifier& operator=(const CredentialVerifier&) = delete;

  // True when `user` exists and `password` matches its stored hash.
  [[nodiscard]] bool Verify(std::string_view user, std::string_view password);

  // True only when these credentials were verified before and are still in the cache: costs a
  // keyed hash, never PBKDF2. False says nothing (call Verify, off any latency-critical thread).
  [[nodiscard]] bool VerifiedRecently(std::string_view user, std::string_view password);

  // How many PBKDF2 verifications ran (cache misses, including unknown users); for tests and
  // metrics.
  uint64_t slow_verifications() const { return slow_verifications_.load(); }

 private:
  std::string CacheKey(std::string_view user, std::string_view password,
                       std::string_view stored_hash) const;
  bool CacheContains(const std::string& key);
  void CacheInsert(const std::string& key);

  std::unordered_map<std::string, std::string> stored_hashes_;  // user name → password hash
  std::string dummy_hash_;  // verified against for unknown users, never matches
  std::string cache_secret_;
  const size_t cache_capacity_;
  std::atomic<uint64_t> slow_verifications_{0};

  std::mutex cache_mutex_;
  // Most recently used first. Guarded by cache_mutex_.
  std::list<std::string> cache_order_;
  // Key → its place in cache_order_. Guarded by cache_mutex_.
  std::unordered_map<std::string, std::list<std::string>::iterator> cache_;
};

}  // namespace sluice
