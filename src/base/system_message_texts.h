// The texts of the enterprise dialect's system messages (SPEC §3), shared by the server that
// writes them (stream/system_message.h) and the consumer that recognises them
// (consumer/stream_message.h): the one piece of wire format both sides must agree on.
#pragma once

#include <string_view>

namespace sluice {

inline constexpr std::string_view kSlowReaderMessage =
    "This stream has been disconnected because your client was unable to keep up with us.";
inline constexpr std::string_view kOperationalMessage =
    "This stream has been disconnected for operational reasons.";
inline constexpr std::string_view kConnectionLimitMessage =
    "This stream is currently at the maximum allowed connection limit.";
inline constexpr std::string_view kRecoveryCompletedMessage = "Recovery Request Completed";

}  // namespace sluice
