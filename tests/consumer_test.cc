// The consumer against the real sluiced (SPEC §7, issue 5's scenarios a, b, c, e, g): a fault
// proxy between them cuts, refuses and stalls connections; the clocks of both move together and
// fast, so "20 minutes disconnected" takes seconds. After each scenario the store must hold
// exactly the posts the stream held (the ground truth, read back from the server's archive) —
// every one once, nothing else.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "consumer/coverage.h"
#include "support/consumer_scenario.h"
#include "support/replay_support.h"

namespace sluice::testing {
namespace {

using consumer::ConsumerEvent;
using consumer::EventType;
using std::chrono::milliseconds;
using std::chrono::seconds;

size_t CountEvents(ConsumerScenario& s, EventType type) {
  return s.consumer().events().OfType(type).size();
}

bool AnyRequestContains(ConsumerScenario& s, const std::string& text) {
  for (const std::string& line : s.proxy().request_lines()) {
    if (line.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST(ConsumerTest, OneOfTwoRedundantConnectionsDroppedRepeatedlyLosesNothingWithoutBackfill) {
  auto s = ConsumerScenario::Start({.generator_rate = 400});
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->StartStreaming());
  size_t open[2] = {0, 1};  // the proxy's numbers of the two connections
  for (int round = 0; round < 4; ++round) {
    ASSERT_TRUE(s->proxy().WaitForOpenConnections(2, seconds(30)));
    // The reconnected connection streams for a while (about 12 s of stream time) before the
    // other one drops: redundancy covers a drop when the other connection overlaps it by more
    // than the consumer's 5 s margin for posts still queued for the dropped one.
    ASSERT_TRUE(s->WaitStreamTime(12000));
    const size_t accepted = s->proxy().accepted();
    s->proxy().DropConnection(open[round % 2]);
    ASSERT_TRUE(s->proxy().WaitForAccepted(accepted + 1, seconds(30))) << "no reconnect";
    open[round % 2] = accepted;
  }
  ASSERT_TRUE(s->WaitSettled()) << s->EventsText();
  ExpectStoreEqualsGroundTruth(*s);
  EXPECT_GE(CountEvents(*s, EventType::kDropped), 4u);
  EXPECT_FALSE(AnyRequestContains(*s, "backfillMinutes")) << "the other connection covered";
  EXPECT_FALSE(AnyRequestContains(*s, "startTime"));
}

TEST(ConsumerTest, BothConnectionsDownFor90SecondsAreFilledByTwoMinutesOfBackfill) {
  auto s = ConsumerScenario::Start({.generator_rate = 200});
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->StartStreaming());
  ASSERT_TRUE(s->WaitStreamTime(3000));
  ASSERT_TRUE(s->CutAllFor(90000, 1000));
  ASSERT_TRUE(s->WaitSettled()) << s->EventsText();
  ExpectStoreEqualsGroundTruth(*s);
  EXPECT_TRUE(AnyRequestContains(*s, "backfillMinutes=2")) << s->EventsText();
  EXPECT_FALSE(AnyRequestContains(*s, "backfillMinutes=3"));
  EXPECT_FALSE(AnyRequestContains(*s, "startTime")) << "a backfill was enough";
  EXPECT_EQ(CountEvents(*s, EventType::kBackfillConfirmed), 1u) << s->EventsText();
}

TEST(ConsumerTest, BothConnectionsDownFor20MinutesAreFilledByRecoveryJobs) {
  auto s = ConsumerScenario::Start({.generator_rate = 200});
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->StartStreaming());
  ASSERT_TRUE(s->WaitStreamTime(3000));
  ASSERT_TRUE(s->CutAllFor(20 * 60000, 10000));
  ASSERT_TRUE(s->WaitSettled()) << s->EventsText();
  ExpectStoreEqualsGroundTruth(*s);
  EXPECT_TRUE(AnyRequestContains(*s, "startTime=")) << s->EventsText();
  EXPECT_FALSE(AnyRequestContains(*s, "backfillMinutes")) << "20 minutes is past backfill";
  EXPECT_GE(CountEvents(*s, EventType::kRecoveryCompleted), 1u);
  for (const ConsumerEvent& e : s->consumer().events().OfType(EventType::kRecoveryCompleted)) {
    EXPECT_LE(e.range.length_ms(), 3600000) << "a recovery job is at most an hour";
  }
}

TEST(ConsumerTest, StalledConnectionIsDetectedByTheStallTimeout) {
  auto s = ConsumerScenario::Start({.generator_rate = 200});
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->StartStreaming());
  ASSERT_TRUE(s->proxy().WaitForOpenConnections(2, seconds(30)));
  const size_t accepted = s->proxy().accepted();
  s->proxy().Stall(accepted - 1);  // forwards nothing more, but the TCP connection stays open
  const auto deadline = std::chrono::steady_clock::now() + seconds(60);
  while (CountEvents(*s, EventType::kStalled) == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(20));
  }
  ASSERT_EQ(CountEvents(*s, EventType::kStalled), 1u) << s->EventsText();
  ASSERT_TRUE(s->proxy().WaitForAccepted(accepted + 1, seconds(30))) << "no reconnect";
  ASSERT_TRUE(s->WaitSettled()) << s->EventsText();
  ExpectStoreEqualsGroundTruth(*s);
}

TEST(ConsumerTest, GapOlderThanTheRecoveryWindowIsReportedOnceWithItsBounds) {
  // `nobf`: a Decahose stream whose recovery window is one hour.
  constexpr int64_t kWindowMs = 3600000;
  // A slow firehose: two hours of it are crossed, and archived, step by step.
  auto s = ConsumerScenario::Start(
      {.generator_rate = 40,
       .stream_target = "/stream/sample10/accounts/acme/publishers/twitter/nobf.json?partition=1",
       .recovery_window_ms = kWindowMs});
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->StartStreaming());
  ASSERT_TRUE(s->WaitSettled()) << s->EventsText();
  const int64_t stopped = s->FreezeAndStop();
  ASSERT_GT(stopped, 0);
  Result<std::optional<std::string>> checkpoint = s->store().LoadCheckpoint();
  ASSERT_TRUE(checkpoint.ok() && *checkpoint);
  Result<consumer::Coverage> coverage = consumer::Coverage::FromCheckpoint(**checkpoint);
  ASSERT_TRUE(coverage.ok());
  const int64_t covered_until = coverage->covered().intervals().back().end_ms;
  ASSERT_GT(AdvanceClock(s->server().port(), 1), 0);
  const std::vector<uint64_t> before = s->GroundTruth(kClockStartMs - 60000, stopped + 1);

  // Down for two hours: the first of them is beyond the server's window.
  s->driver().Advance(2 * kWindowMs, 30000);
  const int64_t restarted = s->driver().now_ms();
  s->StartConsumer();
  s->driver().Run(20, milliseconds(10));
  ASSERT_TRUE(s->WaitSettled()) << s->EventsText();
  const std::vector<ConsumerEvent> lost =
      s->consumer().events().OfType(EventType::kUnrecoverableGap);
  ASSERT_EQ(lost.size(), 1u) << s->EventsText();
  EXPECT_EQ(lost[0].range.begin_ms, covered_until) << "starts where the store stopped";
  EXPECT_GE(lost[0].range.end_ms, restarted - kWindowMs) << "ends at the window's edge";
  EXPECT_LE(lost[0].range.end_ms, restarted - kWindowMs + 120000);
  const int64_t frozen = s->FreezeAndStop();
  ASSERT_GT(frozen, 0);
  ASSERT_GT(AdvanceClock(s->server().port(), 1), 0);
  // The recoverable part begins exactly where the reported gap ends.
  const std::vector<uint64_t> after = s->GroundTruth(lost[0].range.end_ms, frozen + 1);

  const std::vector<uint64_t> stored = Sorted(s->StoredIds());
  EXPECT_TRUE(Repeated(stored).empty());
  std::set<uint64_t> have(stored.begin(), stored.end());
  size_t missing = 0;
  for (uint64_t id : before) missing += have.count(id) == 0;
  for (uint64_t id : after) missing += have.count(id) == 0;
  EXPECT_EQ(missing, 0u) << "everything outside the reported gap is stored\n" << s->EventsText();
  std::set<uint64_t> allowed(before.begin(), before.end());
  allowed.insert(after.begin(), after.end());
  size_t unexpected = 0;
  for (uint64_t id : stored) unexpected += allowed.count(id) == 0;
  EXPECT_EQ(unexpected, 0u) << "nothing from inside the reported gap";
  // Reported once: a restart on the same store does not report it again.
  s->StartConsumer();
  s->driver().Run(20, milliseconds(10));
  ASSERT_TRUE(s->WaitSettled()) << s->EventsText();
  EXPECT_EQ(s->consumer().events().OfType(EventType::kUnrecoverableGap).size(), 0u);
}

TEST(ConsumerTest, StoreThatFallsBehindRaisesAnAlertAndLosesNothing) {
  auto s = ConsumerScenario::Start({.generator_rate = 200, .gated_store = true});
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->StartStreaming());
  ASSERT_TRUE(s->WaitStreamTime(3000));
  // The store stops committing while three minutes of stream time pass: its minutes cannot
  // settle, so only the lag alert can say so.
  s->CloseStoreGate();
  s->driver().Run(1000, milliseconds(10));
  ASSERT_TRUE(s->WaitStreamTime(180000));
  s->driver().Run(100, milliseconds(10));
  const auto deadline = std::chrono::steady_clock::now() + seconds(60);
  while (CountEvents(*s, EventType::kStoreLagging) == 0 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(20));
  }
  s->OpenStoreGate();
  const std::vector<ConsumerEvent> lagging =
      s->consumer().events().OfType(EventType::kStoreLagging);
  ASSERT_GE(lagging.size(), 1u) << s->EventsText();
  EXPECT_GT(lagging[0].value, 120000) << "past the default limit of two minutes";
  ASSERT_TRUE(s->WaitSettled()) << s->EventsText();
  ExpectStoreEqualsGroundTruth(*s);
}

}  // namespace
}  // namespace sluice::testing
