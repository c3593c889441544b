// StreamMessage and MessageClassifier: what one "\r\n"-framed line of a stream is — a post (with
// its id), a heartbeat, a system message, or something the consumer cannot use (SPEC §3,
// docs/wire-format.md).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/system_message_texts.h"

namespace sluice::consumer {

enum class Dialect { kEnterprise, kV2 };
enum class MessageKind { kPost, kHeartbeat, kSystem, kMalformed };
enum class SystemLevel { kInfo, kWarn, kError };

// The enterprise message that ends a recovery (its `info.message`).

// The v2 `disconnect_type` values, also derived from the enterprise texts.
inline constexpr std::string_view kSlowReaderDisconnect = "SlowReader";
inline constexpr std::string_view kOperationalDisconnect = "OperationalDisconnect";
inline constexpr std::string_view kTooManyConnectionsDisconnect = "TooManyConnections";

struct StreamMessage {
  MessageKind kind = MessageKind::kMalformed;
  uint64_t post_id = 0;                    // kPost: > 0
  SystemLevel level = SystemLevel::kInfo;  // kSystem
  // kSystem: the message (v2: title + ": " + detail); kMalformed: why the line is not usable.
  std::string text;
  // kSystem: v2 errors[0].disconnect_type (or connection_issue); enterprise: derived from the
  // SPEC §3 texts ("SlowReader", "OperationalDisconnect", "TooManyConnections"); else empty.
  std::string disconnect_type;
  // {"info":{"message":"Recovery Request Completed","activity_count":n,…}}
  bool recovery_completed = false;
  int64_t activity_count = -1;  // -1: the message has none
};

// The disconnect_type an enterprise system message text stands for; empty when none.
std::string_view DisconnectTypeOfEnterpriseText(std::string_view text);

// Classifies lines. Both post shapes (v1.1 `id_str`/`id`, v2 `{"data":{"id":…}}`) and both
// system message shapes (enterprise `{"info"|"warn"|"error":{"message",…}}`, v2
// `{"errors":[…]}`) are recognised in either dialect; the dialect only decides which post shape
// is tried first. A v2 post with `data` and partial `errors` is a post.
//
// Thread safety: none. It owns a reusable simdjson parser; use one per thread.
class MessageClassifier {
 public:
  explicit MessageClassifier(Dialect dialect);
  ~MessageClassifier();
  MessageClassifier(MessageClassifier&&) noexcept;
  MessageClassifier& operator=(MessageClassifier&&) noexcept;
  MessageClassifier(const MessageClassifier&) = delete;  // the parser's buffers are not shared
  MessageClassifier& operator=(const MessageClassifier&) = delete;

  // A line without its "\r\n". Empty (or only white space): kHeartbeat. Never fails: a line
  // that is none of the known shapes is kMalformed with the reason in `text`.
  StreamMessage Classify(std::string_view line);

  // The id of a post line, read from its first top-level fields (`id_str`, or v2's `data.id`)
  // after checking only the line's JSON structure, not its values: a cheap look before
  // de-duplication, so that the copies a redundant connection repeats are dropped without a
  // full parse. 0 when the line does not look like a post; Classify then decides.
  uint64_t PeekPostId(std::string_view line);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice::consumer
