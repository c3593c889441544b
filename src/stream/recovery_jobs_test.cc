#include "stream/recovery_jobs.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

class RecoveryJobsTest : public ::testing::Test {
 protected:
  RecoveryJobsTest() {
    StreamConfig decahose;
    decahose.label = "firehose";
    decahose.kind = StreamKind::kDecahose;
    StreamConfig prod;
    prod.label = "prod";
    a_ = std::make_unique<Stream>("acme", decahose, metrics_);
    b_ = std::make_unique<Stream>("acme", prod, metrics_);
    c_ = std::make_unique<Stream>("other", prod, metrics_);
  }
  MetricsRegistry metrics_;
  std::unique_ptr<Stream> a_, b_, c_;
  RecoveryJobs jobs_;
};

constexpr int64_t kT = 1795428000000;  // 2026-11-23T10:00:00Z

TEST_F(RecoveryJobsTest, CountsRunningJobsPerStream) {
  RecoveryJobInfo* one = jobs_.Start(a_.get(), 1, kT, kT + 60'000, kT + 120'000);
  RecoveryJobInfo* two = jobs_.Start(a_.get(), 2, kT, kT + 60'000, kT + 120'000);
  jobs_.Start(b_.get(), 0, kT, kT + 60'000, kT + 120'000);
  EXPECT_EQ(jobs_.Running(a_.get()), 2);
  EXPECT_EQ(jobs_.Running(b_.get()), 1);
  EXPECT_EQ(jobs_.Running(c_.get()), 0);
  EXPECT_NE(one->id, two->id);
  jobs_.Finish(one);
  EXPECT_EQ(jobs_.Running(a_.get()), 1);
  jobs_.Finish(one);  // twice: harmless
  EXPECT_EQ(jobs_.Running(a_.get()), 1);
}

TEST_F(RecoveryJobsTest, JsonListsOnlyTheAccountsJobsWithProgress) {
  RecoveryJobInfo* job = jobs_.Start(a_.get(), 2, kT, kT + 600'000, kT + 900'000);
  job->posts_sent = 42;
  job->position_time_ms = kT + 1'500;
  jobs_.Start(c_.get(), 0, kT, kT + 1, kT + 2);
  EXPECT_EQ(jobs_.RenderJson("acme", kT + 901'000),
            "{\"jobs\":[{\"id\":\"1\",\"stream\":\"firehose\",\"kind\":\"decahose\","
            "\"partition\":2,\"startTime\":\"2026-11-23T10:00:00.000Z\",\"endTime\":"
            "\"2026-11-23T10:10:00.000Z\",\"position\":\"2026-11-23T10:00:01.500Z\","
            "\"postsSent\":42,\"startedAt\":\"2026-11-23T10:15:00.000Z\"}],"
            "\"sent\":\"2026-11-23T10:15:01+00:00\"}\n");
  EXPECT_EQ(jobs_.RenderJson("nobody", kT),
            "{\"jobs\":[],\"sent\":\"2026-11-23T10:00:00+00:00\"}\n");
}

TEST_F(RecoveryJobsTest, MetricsHaveOneSeriesPerJob) {
  RecoveryJobInfo* job = jobs_.Start(a_.get(), 1, kT, kT + 600'000, kT);
  job->posts_sent = 7;
  job->position_time_ms = kT + 1'234;
  const std::string text = jobs_.RenderMetrics();
  EXPECT_NE(text.find("# TYPE sluice_recovery_job_posts_sent gauge\n"), std::string::npos);
  EXPECT_NE(text.find("sluice_recovery_job_posts_sent{account=\"acme\",stream=\"firehose\","
                      "job=\"1\",partition=\"1\"} 7\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("sluice_recovery_job_position_seconds{account=\"acme\",stream=\"firehose\","
                      "job=\"1\",partition=\"1\"} 1795428001.234\n"),
            std::string::npos)
      << text;
  jobs_.Finish(job);
  EXPECT_EQ(jobs_.RenderMetrics().find("job=\"1\""), std::string::npos);
}

}  // namespace
}  // namespace sluice
