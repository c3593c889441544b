#include "consumer/status_table.h"

#include <gtest/gtest.h>

namespace sluice::consumer {
namespace {

TEST(StatusTableTest, PrintsCountsIntervalsAndAlerts) {
  const std::string json =
      R"({"now":"2026-11-23T10:00:00.000Z","connections":2,"connections_streaming":1,)"
      R"("recovery_jobs_running":1,"recovery_jobs_waiting":0,"posts_committed":42,)"
      R"("totals":{"inbound":90,"malformed":1,"duplicates":47,"unique":42,"stored":42},)"
      R"("covered":[{"start":"2026-11-23T09:00:00.000Z","end":"2026-11-23T09:59:00.000Z","ms":3540000}],)"
      R"j("gaps":[],"unrecoverable":[],"recent_alerts":["unrecoverable_gap range=[a, b)"]})j";
  Result<std::string> table = FormatStatusTable(json);
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_NE(table->find("connections streaming       1 of 2"), std::string::npos) << *table;
  EXPECT_NE(table->find("1 running, 0 waiting"), std::string::npos);
  EXPECT_NE(table->find("duplicates                47"), std::string::npos) << *table;
  EXPECT_NE(table->find("covered (1)"), std::string::npos);
  EXPECT_NE(table->find("2026-11-23T09:00:00.000Z .. 2026-11-23T09:59:00.000Z  (3540.0 s)"),
            std::string::npos);
  EXPECT_NE(table->find("recent alerts (1)"), std::string::npos);
}

TEST(StatusTableTest, RefusesWhatIsNotAConsumerStatus) {
  EXPECT_FALSE(FormatStatusTable("not json").ok());
  EXPECT_FALSE(FormatStatusTable(R"({"connections":2})").ok());
}

}  // namespace
}  // namespace sluice::consumer
