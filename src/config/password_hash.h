// Password hashes as stored in the configuration:
//
//   pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>
//
// PBKDF2-HMAC-SHA256 with a random 16-byte salt and a 32-byte derived key, both in standard
// padded base64. `sluice hash-password` prints one. The format is self-describing so the iteration
// count can be raised later without invalidating existing hashes.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace sluice {

inline constexpr int kDefaultPasswordHashIterations = 100000;
// Bounds accepted both when hashing and in stored hashes. The maximum keeps a typo in a config
// file from making every login take minutes.
inline constexpr int kMinPasswordHashIterations = 1;
inline constexpr int kMaxPasswordHashIterations = 10000000;

// A fresh hash of `password` with a random salt.
// Errors: InvalidArgument for iterations outside [kMin…, kMax…]; Internal if the random number
// generator or PBKDF2 fails.
[[nodiscard]] Result<std::string> HashPassword(std::string_view password,
                                               int iterations = kDefaultPasswordHashIterations);

// True when `password` hashes to `stored`. The comparison is constant-time; a malformed `stored`
// is false. Costs one PBKDF2 run of the stored iteration count. Thread-safe.
[[nodiscard]] bool VerifyPassword(std::string_view password, std::string_view stored);

// Ok when `stored` is a well-formed hash (any salt of 8–64 bytes, a 32-byte hash, iterations in
// range). Errors: InvalidArgument saying what is wrong; the message never repeats `stored`, which
// might be a plain password pasted into the wrong key.
[[nodiscard]] Status CheckPasswordHashFormat(std::string_view stored);

// The iteration count of a well-formed `stored`. Errors: as CheckPasswordHashFormat.
[[nodiscard]] Result<int> PasswordHashIterations(std::string_view stored);

}  // namespace sluice
