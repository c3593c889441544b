#include "stream/ingest_queue.h"

#include <gtest/gtest.h>

#include <thread>

namespace sluice {
namespace {

IngestBatch BatchOf(size_t bytes) {
  IngestBatch batch;
  batch.Add(1, std::string(bytes, 'x'));
  return batch;
}

TEST(IngestQueueTest, TrySubmitRefusesWhenFullAndAcceptsAfterPop) {
  IngestQueue queue(100);
  IngestBatch a = BatchOf(60), b = BatchOf(60);
  EXPECT_TRUE(queue.TrySubmit(a).ok());
  const Status full = queue.TrySubmit(b);
  EXPECT_EQ(full.code(), StatusCode::kUnavailable);
  EXPECT_EQ(b.size(), 1u) << "a refused batch stays with the caller";
  std::vector<IngestBatch> out;
  EXPECT_TRUE(queue.PopAll(out, std::chrono::milliseconds(0)));
  EXPECT_EQ(out.size(), 1u);
  EXPECT_TRUE(queue.TrySubmit(b).ok());
}

TEST(IngestQueueTest, OversizedBatchIsAcceptedIntoAnEmptyQueue) {
  IngestQueue queue(10);
  IngestBatch big = BatchOf(1000);
  EXPECT_TRUE(queue.TrySubmit(big).ok());
}

TEST(IngestQueueTest, SubmitBlocksUntilRoomThenProceeds) {
  IngestQueue queue(100);
  ASSERT_TRUE(queue.Submit(BatchOf(80)).ok());
  std::atomic<bool> submitted{false};
  std::thread producer([&] {
    EXPECT_TRUE(queue.Submit(BatchOf(80)).ok());
    submitted = true;
  });
  std::vector<IngestBatch> out;
  // The producer cannot finish before the first batch is popped; once popped, it must.
  while (out.empty()) queue.PopAll(out, std::chrono::milliseconds(100));
  producer.join();
  EXPECT_TRUE(submitted);
  out.clear();
  EXPECT_TRUE(queue.PopAll(out, std::chrono::milliseconds(100)));
  EXPECT_EQ(out.size(), 1u);
}

TEST(IngestQueueTest, CloseWakesBlockedSubmitterAndDrainsThenEnds) {
  IngestQueue queue(100);
  ASSERT_TRUE(queue.Submit(BatchOf(80)).ok());
  std::thread producer(
      [&] { EXPECT_EQ(queue.Submit(BatchOf(80)).code(), StatusCode::kUnavailable); });
  queue.Close();
  producer.join();
  std::vector<IngestBatch> out;
  EXPECT_TRUE(queue.PopAll(out, std::chrono::milliseconds(0)));
  EXPECT_EQ(out.size(), 1u) << "what was queued before Close is still delivered";
  out.clear();
  EXPECT_FALSE(queue.PopAll(out, std::chrono::milliseconds(0)));
}

}  // namespace
}  // namespace sluice
