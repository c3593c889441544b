// Subscriber: what a channel sees of one connection. Implemented by the HTTP layer.
//
// Thread safety: every call happens on the network thread that owns the channel.
// Re-entrancy: neither call may remove the subscriber from its channel synchronously (the
// channel is iterating); a subscriber that leaves posts its removal to the network thread.
#pragma once

#include "stream/stream_chunk.h"
#include "stream/system_message.h"

namespace sluice {

class Subscriber {
 public:
  virtual ~Subscriber() = default;
  // Queues the chunk behind what is already queued. Never blocks; a subscriber whose queue
  // passes its bound disconnects itself as a slow reader (and then leaves the channel).
  virtual void Deliver(const StreamChunkPtr& chunk) = 0;
  // Sends the reason's system message, ends the response cleanly and leaves the channel.
  virtual void Disconnect(DisconnectReason reason) = 0;
  virtual bool wants_gzip() const = 0;
};

}  // namespace sluice
