// The consumer storing into a real PostgreSQL server (started by the test on a temporary
// directory and port; skipped with the reason where it cannot run): both redundant connections
// down for 90 s, filled by backfill, store == ground truth — the same guarantee as with SQLite.
#include <gtest/gtest.h>

#include <thread>

#include "support/consumer_scenario.h"
#include "support/postgres_server.h"
#include "support/replay_support.h"

namespace sluice::testing {
namespace {

using std::chrono::milliseconds;

TEST(ConsumerPostgresTest, BothConnectionsDownFor90SecondsLoseNothingInPostgres) {
  std::string skip_reason;
  std::unique_ptr<PostgresServer> postgres = PostgresServer::Start(&skip_reason);
  if (!postgres) GTEST_SKIP() << "PostgreSQL is not available: " << skip_reason;
  auto s = ConsumerScenario::Start(
      {.generator_rate = 200, .store_uri = "postgres:" + postgres->conninfo()});
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->StartStreaming());
  ASSERT_TRUE(s->WaitStreamTime(3000));
  ASSERT_TRUE(s->CutAllFor(90000, 1000));
  ASSERT_TRUE(s->WaitSettled()) << s->EventsText();
  ExpectStoreEqualsGroundTruth(*s);
  EXPECT_EQ(s->consumer().events().OfType(consumer::EventType::kBackfillConfirmed).size(), 1u);
}

}  // namespace
}  // namespace sluice::testing
