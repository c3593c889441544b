#include "config/listen_address.h"

#include <charconv>

#include "config/config_error.h"

namespace sluice {

Result<ListenAddress> ParseListenAddress(std::string_view text) {
  const auto not_host_port = [&] {
    return Status::InvalidArgument(QuoteForMessage(text) +
                                   " is not HOST:PORT (e.g. 127.0.0.1:8080 or [::1]:8080)");
  };
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return not_host_port();
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
    if (host.find(':') == std::string_view::npos) return not_host_port();
  } else if (host.find_first_of(":[]") != std::string_view::npos) {
    return not_host_port();  // an IPv6 address without brackets is ambiguous
  }
  if (host.empty()) return not_host_port();

  unsigned port = 0;
  const auto [end, error] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || port_text.size() > 5 || error != std::errc() ||
      end != port_text.data() + port_text.size() || port > 65535) {
    return Status::InvalidArgument("port " + QuoteForMessage(port_text) +
                                   " is not a number in [0, 65535]");
  }
  return ListenAddress{std::string(host), static_cast<uint16_t>(port)};
}

std::string FormatListenAddress(std::string_view host, uint16_t port) {
  const bool ipv6 = host.find(':') != std::string_view::npos;
  std::string out = ipv6 ? "[" + std::string(host) + "]" : std::string(host);
  return out + ":" + std::to_string(port);
}

}  // namespace sluice
