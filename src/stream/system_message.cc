#include "stream/system_message.h"

#include <cstdio>

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
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned char>(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
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
