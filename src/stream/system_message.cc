#include "stream/system_message.h"

#include "base/json_escape.h"
#include "base/time_format.h"

namespace sluice {

std::string_view DisconnectMessageText(DisconnectReason reason) {
  switch (reason) {
    case DisconnectReason::kSlowReader:
      return kSlowReaderMessage;
    case DisconnectReason::kOperational:
      return kOperationalMessage;
    case DisconnectReason::kTooManyConnections:
      return kConnectionLimitMessage;
  }
  return kOperationalMessage;
}

std::string JsonQuote(std::string_view text) {
  std::string out = "\"";
  AppendJsonEscaped(out, text, /*ascii_only=*/false);
  out += '"';
  return out;
}

std::string EnterpriseSystemMessage(std::string_view level, std::string_view message,
                                    int64_t sent_unix_ms) {
  return "{\"" + std::string(level) + "\":{\"message\":" + JsonQuote(message) + ",\"sent\":\"" +
         FormatSentTime(sent_unix_ms) + "\"}}";
}

std::string EnterpriseDisconnectMessage(DisconnectReason reason, int64_t sent_unix_ms) {
  return EnterpriseSystemMessage("error", DisconnectMessageText(reason), sent_unix_ms);
}

}  // namespace sluice
