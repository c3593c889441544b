// The HOST:PORT a server listens on, as written in `server.listen` and `--listen`.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace sluice {

struct ListenAddress {
  std::string host;   // a name or an address; IPv6 without brackets ("::1")
  uint16_t port = 0;  // 0: an ephemeral port
};

// Parses "HOST:PORT" or "[IPV6]:PORT" (brackets required for IPv6, as in URLs). Nothing is
// resolved. Errors: InvalidArgument quoting `text` and saying what form is expected; the caller
// prefixes the key or flag.
[[nodiscard]] Result<ListenAddress> ParseListenAddress(std::string_view text);

// The inverse: "127.0.0.1:8080", "[::1]:8080".
std::string FormatListenAddress(std::string_view host, uint16_t port);

}  // namespace sluice
