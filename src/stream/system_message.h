// The enterprise dialect's system messages (SPEC §3): one top-level key `info`, `warn` or
// `error` holding `message` and `sent`. Each builder returns the JSON object without the
// trailing "\r\n".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/system_message_texts.h"

namespace sluice {

enum class DisconnectReason {
  kSlowReader,          // the connection's queue passed its bound
  kOperational,         // shutdown or operator action
  kTooManyConnections,  // still over the redundant connection limit after the grace period
};

std::string_view DisconnectMessageText(DisconnectReason reason);

// {"error":{"message":"…","sent":"2026-11-23T00:46:19+00:00"}}
std::string EnterpriseSystemMessage(std::string_view level, std::string_view message,
                                    int64_t sent_unix_ms);

std::string EnterpriseDisconnectMessage(DisconnectReason reason, int64_t sent_unix_ms);

// JSON string literal (with quotes) of `text`, escaped per RFC 8259.
std::string JsonQuote(std::string_view text);

}  // namespace sluice
