// MessageSplitter: cuts the decoded body of a stream response into its "\r\n"-framed messages
// (SPEC §3, docs/wire-format.md). Transport chunks mean nothing: a message may span any number of
// Feed calls and one call may complete many messages.
//
// Thread safety: none; one splitter per connection, used by the thread that reads it.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace sluice::consumer {

inline constexpr std::string_view kMessageTerminator = "\r\n";

class MessageSplitter {
 public:
  // REQUIRES: max_message_bytes > 0. The bound is on a message without its "\r\n".
  explicit MessageSplitter(size_t max_message_bytes = 16u << 20);

  MessageSplitter(const MessageSplitter&) = delete;  // one per connection; a copy would fork it
  MessageSplitter& operator=(const MessageSplitter&) = delete;

  // Calls on_message(line) for each message completed by `bytes`, in order, without its "\r\n";
  // an empty line is a heartbeat. Post text may contain '\n' but never a raw '\r', so only
  // "\r\n" ends a message. `line` is valid only during the call.
  //
  // Errors: kResourceExhausted when a message grows past max_message_bytes (the caller drops the
  // connection). After an error the splitter is poisoned: later calls return the same error and
  // parse nothing until Reset().
  Status Feed(std::string_view bytes, const std::function<void(std::string_view)>& on_message);

  // Bytes of the incomplete message held since the last "\r\n".
  size_t buffered_bytes() const { return pending_.size(); }

  // Forgets the incomplete message and any error: a new connection starts.
  void Reset();

 private:
  Status TooLong() const;

  const size_t max_message_bytes_;
  std::string pending_;  // the start of a message whose "\r\n" has not arrived yet
  bool poisoned_ = false;
};

}  // namespace sluice::consumer
