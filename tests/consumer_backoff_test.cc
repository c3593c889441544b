// The consumer's reconnect schedule against real refusals (issue 5, scenario f): 429 answers
// back off exponentially from the rate-limit step, 503 from the HTTP step, refused TCP
// connections linearly — each kind starting its own schedule. The schedule here is the
// documented one divided by 100 (network by 10), so the test takes seconds; the recorded
// delays, not the wall time, decide the result.
#include <gtest/gtest.h>

#include <thread>

#include "support/consumer_scenario.h"

namespace sluice::testing {
namespace {

using consumer::EventType;
using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(ConsumerBackoffTest, RateLimitsHttpErrorsAndNetworkErrorsFollowTheSchedule) {
  auto s = ConsumerScenario::Start({.generator_rate = 0, .connections = 1});
  ASSERT_TRUE(s);
  s->proxy().RespondNext(429, R"({"title":"TooManyConnections"})", 3);
  s->StartConsumer([](consumer::ConsumerOptions& o) {
    o.backoff = consumer::BackoffSchedule{.network_step_ms = 25,
                                          .network_max_ms = 1600,
                                          .http_initial_ms = 50,
                                          .http_max_ms = 3200,
                                          .rate_limit_initial_ms = 600,
                                          .rate_limit_max_ms = 9600};
  });
  ASSERT_TRUE(s->proxy().WaitForAccepted(3, seconds(30)));
  s->proxy().RespondNext(503, R"({"error":"Service Unavailable"})", 3);
  ASSERT_TRUE(s->proxy().WaitForAccepted(6, seconds(30)));
  s->proxy().SetRefuse(true);
  ASSERT_TRUE(s->proxy().WaitForAccepted(9, seconds(30)));
  s->proxy().SetRefuse(false);
  ASSERT_TRUE(s->WaitStreaming(1)) << s->EventsText();

  std::vector<int64_t> delays;
  std::vector<std::string> kinds;
  for (const consumer::ConsumerEvent& e : s->consumer().events().OfType(EventType::kBackoff)) {
    delays.push_back(e.value);
    kinds.push_back(e.text);
  }
  ASSERT_GE(delays.size(), 9u) << s->EventsText();
  delays.resize(9);
  kinds.resize(9);
  EXPECT_EQ(delays, (std::vector<int64_t>{600, 1200, 2400, 50, 100, 200, 25, 50, 75}))
      << s->EventsText();
  EXPECT_EQ(kinds, (std::vector<std::string>{"rate_limited", "rate_limited", "rate_limited", "http",
                                             "http", "http", "network", "network", "network"}));
  const auto failures = s->consumer().events().OfType(EventType::kConnectFailed);
  ASSERT_GE(failures.size(), 6u);
  EXPECT_EQ(failures[0].value, 429);
  EXPECT_EQ(failures[3].value, 503);
  EXPECT_EQ(failures[6].value, 0) << "a refused connection has no HTTP status";
}

}  // namespace
}  // namespace sluice::testing
