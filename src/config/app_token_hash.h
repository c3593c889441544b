// How v2 app (Bearer) tokens are stored: the lowercase hex SHA-256 of the token, which is what
// `printf %s "$TOKEN" | sha256sum` prints. Tokens are long random strings, so a fast hash is
// enough to keep them out of the config file in clear (no salt or PBKDF2 needed), and the server
// can find a presented token by hashing it once rather than trying every stored hash.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace sluice {

// 64 lowercase hex digits.
std::string HashAppToken(std::string_view token);

// Ok for 64 lowercase hex digits. Errors: InvalidArgument saying what is expected (the value is
// not repeated: it might be a token pasted into the wrong key).
[[nodiscard]] Status CheckAppTokenHashFormat(std::string_view stored);

}  // namespace sluice
