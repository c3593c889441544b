#include "stream/channel.h"

#include <algorithm>

namespace sluice {

Channel::Channel(std::string name, int connection_limit, ChannelMetrics metrics)
    : name_(std::move(name)), connection_limit_(connection_limit), metrics_(metrics) {}

Channel::Admission Channel::Admit(std::shared_ptr<Subscriber> subscriber) {
  const int count = static_cast<int>(subscribers_.size());
  if (count > connection_limit_) return Admission::kRefused;
  const Admission admission =
      count < connection_limit_ ? Admission::kAdmitted : Admission::kAdmittedInGrace;
  if (subscriber->wants_gzip()) gzip_subscribers_.fetch_add(1, std::memory_order_relaxed);
  subscribers_.push_back(std::move(subscriber));
  if (metrics_.connections) metrics_.connections->Add(1);
  return admission;
}

void Channel::Remove(const Subscriber* subscriber) {
  auto it = std::find_if(subscribers_.begin(), subscribers_.end(),
                         [&](const auto& s) { return s.get() == subscriber; });
  if (it == subscribers_.end()) return;
  if ((*it)->wants_gzip()) gzip_subscribers_.fetch_sub(1, std::memory_order_relaxed);
  subscribers_.erase(it);
  if (metrics_.connections) metrics_.connections->Add(-1);
}

std::vector<std::shared_ptr<Subscriber>> Channel::EnforceLimit() {
  std::vector<std::shared_ptr<Subscriber>> dropped;
  while (static_cast<int>(subscribers_.size()) > connection_limit_) {
    dropped.push_back(subscribers_.back());
    Remove(subscribers_.back().get());
  }
  return dropped;
}

void Channel::Publish(const StreamChunkPtr& chunk) {
  if (metrics_.chunks_published) metrics_.chunks_published->Add(1);
  // Subscriber's contract: Deliver never leaves the channel synchronously, so no snapshot.
  for (const auto& s : subscribers_) s->Deliver(chunk);
}

void Channel::DisconnectAll(DisconnectReason reason) {
  for (const auto& s : subscribers_) s->Disconnect(reason);
}

}  // namespace sluice
