#include "stream/channel.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

class FakeSubscriber : public Subscriber {
 public:
  explicit FakeSubscriber(bool gzip = false) : gzip_(gzip) {}
  void Deliver(const StreamChunkPtr& chunk) override { chunks.push_back(chunk); }
  void Disconnect(DisconnectReason reason) override { disconnected = reason; }
  bool wants_gzip() const override { return gzip_; }

  std::vector<StreamChunkPtr> chunks;
  std::optional<DisconnectReason> disconnected;

 private:
  bool gzip_;
};

TEST(ChannelTest, AdmitsUpToLimitThenOneInGraceThenRefuses) {
  MetricsRegistry metrics;
  Channel channel("acme/prod", 2, {metrics.AddGauge("c", "c"), nullptr});
  EXPECT_EQ(channel.Admit(std::make_shared<FakeSubscriber>()), Channel::Admission::kAdmitted);
  EXPECT_EQ(channel.Admit(std::make_shared<FakeSubscriber>()), Channel::Admission::kAdmitted);
  EXPECT_EQ(channel.Admit(std::make_shared<FakeSubscriber>()),
            Channel::Admission::kAdmittedInGrace);
  EXPECT_EQ(channel.Admit(std::make_shared<FakeSubscriber>()), Channel::Admission::kRefused);
  EXPECT_EQ(channel.size(), 3u);
  EXPECT_EQ(metrics.AddGauge("c", "c")->value(), 3);
}

TEST(ChannelTest, EnforceLimitDropsTheNewest) {
  Channel channel("acme/prod", 2, {});
  auto a = std::make_shared<FakeSubscriber>();
  auto b = std::make_shared<FakeSubscriber>();
  auto c = std::make_shared<FakeSubscriber>();
  (void)channel.Admit(a);
  (void)channel.Admit(b);
  (void)channel.Admit(c);
  const auto dropped = channel.EnforceLimit();
  ASSERT_EQ(dropped.size(), 1u);
  EXPECT_EQ(dropped[0].get(), c.get());
  EXPECT_EQ(channel.size(), 2u);
  EXPECT_TRUE(channel.EnforceLimit().empty());
}

TEST(ChannelTest, ConnectionThatLeftDuringGraceMeansNobodyIsDropped) {
  Channel channel("acme/prod", 1, {});
  auto old_dead = std::make_shared<FakeSubscriber>();
  auto reconnect = std::make_shared<FakeSubscriber>();
  (void)channel.Admit(old_dead);
  EXPECT_EQ(channel.Admit(reconnect), Channel::Admission::kAdmittedInGrace);
  channel.Remove(old_dead.get());
  EXPECT_TRUE(channel.EnforceLimit().empty());
  EXPECT_EQ(channel.size(), 1u);
}

TEST(ChannelTest, EverySubscriberGetsEveryChunkInOrder) {
  Channel channel("acme/prod", 3, {});
  auto a = std::make_shared<FakeSubscriber>();
  auto b = std::make_shared<FakeSubscriber>();
  (void)channel.Admit(a);
  (void)channel.Admit(b);
  auto one = std::make_shared<StreamChunk>();
  auto two = std::make_shared<StreamChunk>();
  channel.Publish(one);
  channel.Publish(two);
  ASSERT_EQ(a->chunks.size(), 2u);
  EXPECT_EQ(a->chunks[0].get(), one.get());
  EXPECT_EQ(a->chunks[1].get(), two.get());
  EXPECT_EQ(b->chunks, a->chunks);  // the same shared buffers, not copies
}

TEST(ChannelTest, CountsGzipSubscribers) {
  Channel channel("acme/prod", 3, {});
  auto gz = std::make_shared<FakeSubscriber>(true);
  auto plain = std::make_shared<FakeSubscriber>(false);
  (void)channel.Admit(gz);
  (void)channel.Admit(plain);
  EXPECT_EQ(channel.gzip_subscribers(), 1);
  channel.Remove(gz.get());
  EXPECT_EQ(channel.gzip_subscribers(), 0);
  channel.Remove(gz.get());  // twice is harmless
  EXPECT_EQ(channel.gzip_subscribers(), 0);
  EXPECT_EQ(channel.size(), 1u);
}

TEST(ChannelTest, DisconnectAllTellsEveryone) {
  Channel channel("acme/prod", 3, {});
  auto a = std::make_shared<FakeSubscriber>();
  auto b = std::make_shared<FakeSubscriber>();
  (void)channel.Admit(a);
  (void)channel.Admit(b);
  channel.DisconnectAll(DisconnectReason::kOperational);
  EXPECT_EQ(a->disconnected, DisconnectReason::kOperational);
  EXPECT_EQ(b->disconnected, DisconnectReason::kOperational);
}

}  // namespace
}  // namespace sluice
