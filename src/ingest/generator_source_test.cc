#include "ingest/generator_source.h"

#include <gtest/gtest.h>

#include "base/snowflake.h"
#include "ingest/fake_ingest_sink.h"
#include "post/sample.h"

namespace sluice {
namespace {

constexpr int64_t kStartMs = 1795394779000;  // 2026-11-23T00:46:19Z

std::vector<IngestPostRef> AllPosts(FakeIngestSink& sink) {
  std::vector<IngestPostRef> posts;
  for (const IngestBatch& batch : sink.TakeBatches()) {
    posts.insert(posts.end(), batch.posts.begin(), batch.posts.end());
  }
  return posts;
}

TEST(GeneratorSourceTest, GeneratesWhatIsDueWithEvenlySpreadTimes) {
  ManualClock clock(kStartMs);
  FakeIngestSink sink;
  GeneratorSource source(1, 1000, clock, sink);
  source.Start();
  ASSERT_TRUE(sink.WaitForPosts(1));  // post 0 is due at the start
  clock.AdvanceMs(99);
  ASSERT_TRUE(sink.WaitForPosts(100));
  source.Stop();
  EXPECT_TRUE(source.status().ok());
  EXPECT_EQ(source.posts_generated(), 100u);

  const std::vector<IngestPostRef> posts = AllPosts(sink);
  ASSERT_EQ(posts.size(), 100u);
  for (size_t k = 0; k < posts.size(); ++k) {
    // 1,000 posts/s: one a millisecond, none in the future.
    EXPECT_EQ(SnowflakeTimeMs(posts[k].id), kStartMs + static_cast<int64_t>(k));
    if (k > 0) {
      EXPECT_GT(posts[k].id, posts[k - 1].id);
    }
  }
}

TEST(GeneratorSourceTest, DecahoseShareIsTenPercent) {
  ManualClock clock(kStartMs);
  FakeIngestSink sink;
  GeneratorSource source(2, 20000, clock, sink);
  source.Start();
  // Advance in steps, as time passes, so that no post is due before its millisecond.
  for (int step = 1; step <= 10; ++step) {
    clock.AdvanceMs(100);
    ASSERT_TRUE(sink.WaitForPosts(static_cast<size_t>(step) * 2000 + 1));
  }
  source.Stop();
  const std::vector<IngestPostRef> posts = AllPosts(sink);
  size_t decahose = 0, first_second = 0;
  for (const IngestPostRef& post : posts) {
    EXPECT_LE(SnowflakeTimeMs(post.id), clock.NowMs());
    if (SnowflakeTimeMs(post.id) < kStartMs + 1000) {
      ++first_second;
      decahose += InDecahose(post.id);
    }
  }
  // Exactly 20 posts in each of the first second's 1,000 milliseconds.
  EXPECT_EQ(first_second, 20000u);
  EXPECT_EQ(decahose, 2000u);
}

TEST(GeneratorSourceTest, CatchesUpInBatchesNoBiggerThanTheCap) {
  ManualClock clock(kStartMs);
  FakeIngestSink sink;
  GeneratorSource source(3, 10000, clock, sink);
  ASSERT_EQ(source.batch_cap(), 100u);  // 10 ms at 10,000 posts/s
  sink.Hold(true);
  source.Start();
  clock.AdvanceMs(1000);  // 10,001 posts due while the sink is stuck
  sink.Hold(false);
  ASSERT_TRUE(sink.WaitForPosts(10001));
  source.Stop();
  std::vector<IngestBatch> batches = sink.TakeBatches();
  uint64_t previous_id = 0;
  for (const IngestBatch& batch : batches) {
    EXPECT_LE(batch.size(), source.batch_cap());
    for (const IngestPostRef& post : batch.posts) {
      EXPECT_GT(post.id, previous_id);
      previous_id = post.id;
    }
  }
  EXPECT_GE(batches.size(), 101u);
}

TEST(GeneratorSourceTest, StopsWhenTheSinkShutsDown) {
  ManualClock clock(kStartMs);
  FakeIngestSink sink;
  GeneratorSource source(4, 1000, clock, sink);
  sink.Hold(true);
  source.Start();
  ASSERT_TRUE(sink.WaitForSubmitCalls(1));
  sink.Fail();  // releases the blocked Submit with Unavailable
  source.Stop();
  EXPECT_EQ(source.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(sink.posts(), 0u);
}

TEST(GeneratorSourceTest, StopWithoutStartAndTwiceIsFine) {
  ManualClock clock(kStartMs);
  FakeIngestSink sink;
  GeneratorSource idle(5, 10, clock, sink);
  idle.Stop();
  GeneratorSource source(5, 10, clock, sink);
  source.Start();
  source.Stop();
  source.Stop();
  EXPECT_TRUE(source.status().ok());
}

}  // namespace
}  // namespace sluice

namespace sluice {
namespace {

TEST(GeneratorSourceTest, FarBehindScheduleStampsPostsAtMostMaxLagOld) {
  ManualClock clock(kStartMs);
  FakeIngestSink sink;
  GeneratorSource source(3, 1000000, clock, sink);
  source.Start();
  ASSERT_TRUE(sink.WaitForPosts(1));
  // Ten million posts are now due: far more than can be made. Ids must stay near the clock.
  clock.AdvanceMs(10000);
  const size_t before = AllPosts(sink).size();
  ASSERT_TRUE(sink.WaitForPosts(before + 50000));
  source.Stop();
  const std::vector<IngestPostRef> posts = AllPosts(sink);
  for (size_t i = before; i < posts.size(); ++i) {
    const int64_t created = SnowflakeTimeMs(posts[i].id);
    ASSERT_GE(created, clock.NowMs() - GeneratorSource::kMaxLagMs) << "post " << i;
    ASSERT_LE(created, clock.NowMs()) << "post " << i;
  }
}

}  // namespace
}  // namespace sluice
