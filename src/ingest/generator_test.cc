#include "ingest/generator.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <map>
#include <string>

#include "base/snowflake.h"
#include "ingest/twitter_time.h"
#include "post/post_parser.h"

namespace sluice {
namespace {

constexpr int64_t kStartMs = 1795394779000;  // 2026-11-23T00:46:19Z

IngestBatch Generate(uint64_t seed, int posts, int posts_per_ms = 4) {
  PostGenerator generator(seed);
  IngestBatch batch;
  for (int i = 0; i < posts; ++i) generator.Generate(kStartMs + i / posts_per_ms, batch);
  return batch;
}

TEST(GeneratorTest, EveryPostIsValidJsonThatPostParserAccepts) {
  PostParser parser;
  int checked = 0;
  for (const uint64_t seed : {1ull, 2ull, 3ull, 0xdeadbeefull}) {
    const IngestBatch batch = Generate(seed, 25000);
    for (const IngestPostRef& post : batch.posts) {
      const std::string_view json = batch.bytes(post);
      const Result<uint64_t> id = parser.ParseId(json);
      ASSERT_TRUE(id.ok()) << id.status().ToString() << "\n" << json;
      ASSERT_EQ(*id, post.id);
      ASSERT_EQ(json.find('\n'), std::string_view::npos);  // one NDJSON line each
      ASSERT_EQ(json.find('\r'), std::string_view::npos);
      ++checked;
    }
  }
  EXPECT_EQ(checked, 100000);
}

TEST(GeneratorTest, SameSeedAndTimesGiveIdenticalBytes) {
  const int64_t times[] = {kStartMs,     kStartMs,        kStartMs + 7,    kStartMs + 3,
                           kStartMs + 7, kStartMs + 1000, kStartMs + 1000, kStartMs + 86400000};
  IngestBatch first, second, other;
  PostGenerator a(9), b(9), c(10);
  for (int round = 0; round < 500; ++round) {
    for (const int64_t t : times) {
      a.Generate(t + round * 100000, first);
      b.Generate(t + round * 100000, second);
      c.Generate(t + round * 100000, other);
    }
  }
  EXPECT_EQ(first.data, second.data);
  ASSERT_EQ(first.size(), second.size());
  for (size_t i = 0; i < first.size(); ++i) EXPECT_EQ(first.posts[i].id, second.posts[i].id);
  EXPECT_NE(first.data, other.data);
}

TEST(GeneratorTest, IdsStrictlyIncreaseAndCarryThePostTime) {
  PostGenerator generator(5);
  IngestBatch batch;
  // Repeated, forward and backward times.
  const int64_t times[] = {kStartMs,     kStartMs,     kStartMs + 5,   kStartMs + 2,
                           kStartMs + 5, kStartMs + 6, kStartMs + 6000};
  int64_t expected_ms = 0;
  for (const int64_t t : times) {
    expected_ms = std::max(expected_ms, t);
    const uint64_t id = generator.Generate(t, batch);
    EXPECT_EQ(SnowflakeTimeMs(id), expected_ms);
    EXPECT_EQ((id >> kSnowflakeWorkerShift) & kSnowflakeWorkerMask, generator.worker());
    EXPECT_EQ(generator.last_time_ms(), expected_ms);
  }
  simdjson::dom::parser json;
  for (size_t i = 0; i < batch.size(); ++i) {
    if (i > 0) {
      EXPECT_GT(batch.posts[i].id, batch.posts[i - 1].id);
    }
    simdjson::dom::element post;
    ASSERT_EQ(json.parse(std::string(batch.bytes(batch.posts[i]))).get(post), simdjson::SUCCESS);
    const int64_t time_ms = SnowflakeTimeMs(batch.posts[i].id);
    std::string_view timestamp, created_at, id_str;
    uint64_t id = 0;
    ASSERT_EQ(post["timestamp_ms"].get(timestamp), simdjson::SUCCESS);
    ASSERT_EQ(post["created_at"].get(created_at), simdjson::SUCCESS);
    ASSERT_EQ(post["id_str"].get(id_str), simdjson::SUCCESS);
    ASSERT_EQ(post["id"].get(id), simdjson::SUCCESS);
    EXPECT_EQ(timestamp, std::to_string(time_ms));
    EXPECT_EQ(created_at, FormatTwitterTime(time_ms));
    EXPECT_EQ(id_str, std::to_string(batch.posts[i].id));
    EXPECT_EQ(id, batch.posts[i].id);
  }
  EXPECT_EQ(generator.posts_generated(), std::size(times));
}

TEST(GeneratorTest, SequenceOverflowMovesToTheNextMillisecond) {
  PostGenerator generator(6);
  IngestBatch batch;
  uint64_t id = 0;
  for (int i = 0; i < 4096; ++i) id = generator.Generate(kStartMs, batch);
  EXPECT_EQ(SnowflakeTimeMs(id), kStartMs);
  EXPECT_EQ(id & kSnowflakeSequenceMask, 4095u);
  const uint64_t next = generator.Generate(kStartMs, batch);
  EXPECT_EQ(SnowflakeTimeMs(next), kStartMs + 1);
  EXPECT_EQ(next & kSnowflakeSequenceMask, 0u);
  // Back on the real clock, the borrowed millisecond is not reused.
  EXPECT_GT(generator.Generate(kStartMs + 1, batch), next);
}

TEST(GeneratorTest, WorkerDependsOnSeed) {
  std::map<uint64_t, int> workers;
  for (uint64_t seed = 0; seed < 16; ++seed) ++workers[PostGenerator(seed).worker()];
  EXPECT_GT(workers.size(), 12u);
  for (const auto& [worker, count] : workers) EXPECT_LE(worker, kSnowflakeWorkerMask);
}

}  // namespace
}  // namespace sluice
