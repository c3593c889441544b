#include "consumer/message_splitter.h"

#include <cassert>

namespace sluice::consumer {

MessageSplitter::MessageSplitter(size_t max_message_bytes) : max_message_bytes_(max_message_bytes) {
  assert(max_message_bytes > 0);
}

Status MessageSplitter::TooLong() const {
  return Status::ResourceExhausted("stream message longer than " +
                                   std::to_string(max_message_bytes_) +
                                   " bytes without \"\\r\\n\"");
}

Status MessageSplitter::Feed(std::string_view bytes,
                             const std::function<void(std::string_view)>& on_message) {
  if (poisoned_) return TooLong();
  while (!bytes.empty()) {
    if (!pending_.empty()) {
      // The terminator itself may be split between two calls.
      if (pending_.back() == '\r' && bytes.front() == '\n') {
        pending_.pop_back();
        on_message(pending_);
        pending_.clear();
        bytes.remove_prefix(1);
        continue;
      }
      const size_t end = bytes.find(kMessageTerminator);
      const size_t take = end == std::string_view::npos ? bytes.size() : end;
      // A trailing '\r' may be the first half of the terminator, so it is not counted yet.
      const size_t held = pending_.size() + take;
      const bool maybe_terminator = end == std::string_view::npos && bytes.back() == '\r';
      if (held - (maybe_terminator ? 1 : 0) > max_message_bytes_) {
        pending_.clear();
        poisoned_ = true;
        return TooLong();
      }
      pending_.append(bytes.substr(0, take));
      if (end == std::string_view::npos) return Status::Ok();
      on_message(pending_);
      pending_.clear();
      bytes.remove_prefix(end + kMessageTerminator.size());
      continue;
    }
    // Fast path: complete messages are handed out straight from the caller's buffer.
    const size_t end = bytes.find(kMessageTerminator);
    if (end == std::string_view::npos) {
      const bool maybe_terminator = bytes.back() == '\r';
      if (bytes.size() - (maybe_terminator ? 1 : 0) > max_message_bytes_) {
        poisoned_ = true;
        return TooLong();
      }
      pending_.assign(bytes);
      return Status::Ok();
    }
    if (end > max_message_bytes_) {
      poisoned_ = true;
      return TooLong();
    }
    on_message(bytes.substr(0, end));
    bytes.remove_prefix(end + kMessageTerminator.size());
  }
  return Status::Ok();
}

void MessageSplitter::Reset() {
  pending_.clear();
  pending_.shrink_to_fit();  // one giant message must not pin its memory for the next connection
  poisoned_ = false;
}

}  // namespace sluice::consumer
