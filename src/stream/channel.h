// Channel: the unit of fan-out. A stream has one channel, a Decahose stream one per partition.
// Every subscriber of a channel receives every chunk published to it, in order (redundant
// connections: a full copy each, nothing partitioned).
//
// The redundant connection limit with its grace rule (SPEC §4) is enforced here: up to `limit`
// subscribers are admitted; one more is admitted "in grace" (a reconnecting client whose dead
// connection is still counted); beyond limit+1 admission is refused. When the grace period of
// an over-limit admission ends, the owner calls EnforceLimit, which returns the newest
// subscribers to drop while the channel is still over its limit.
//
// Thread safety: owned by the network thread; every method must be called there, except
// gzip_subscribers(), which any thread may read.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "base/metrics.h"
#include "stream/stream_chunk.h"
#include "stream/subscriber.h"

namespace sluice {

struct ChannelMetrics {
  Gauge* connections = nullptr;
  Counter* chunks_published = nullptr;
};

class Channel {
 public:
  enum class Admission { kAdmitted, kAdmittedInGrace, kRefused };

  Channel(std::string name, int connection_limit, ChannelMetrics metrics);
  Channel(const Channel&) = delete;  // subscribers hold a reference to their channel
  Channel& operator=(const Channel&) = delete;

  // REQUIRES: `subscriber` is not already in this channel.
  Admission Admit(std::shared_ptr<Subscriber> subscriber);
  // No-op for a subscriber that is not (or no longer) in the channel.
  void Remove(const Subscriber* subscriber);
  // The newest subscribers beyond the limit, removed from the channel; the caller disconnects
  // them with kTooManyConnections.
  std::vector<std::shared_ptr<Subscriber>> EnforceLimit();

  void Publish(const StreamChunkPtr& chunk);
  // Disconnects every subscriber with `reason` (shutdown, operator action).
  void DisconnectAll(DisconnectReason reason);

  const std::string& name() const { return name_; }
  int connection_limit() const { return connection_limit_; }
  size_t size() const { return subscribers_.size(); }
  int gzip_subscribers() const { return gzip_subscribers_.load(std::memory_order_relaxed); }

 private:
  const std::string name_;
  const int connection_limit_;
  ChannelMetrics metrics_;
  // Admission order: the back is the newest, dropped first by EnforceLimit.
  std::vector<std::shared_ptr<Subscriber>> subscribers_;
  std::atomic<int> gzip_subscribers_{0};
};

}  // namespace sluice
