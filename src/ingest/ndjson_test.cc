#include "ingest/ndjson.h"

#include <gtest/gtest.h>

#include <string>

namespace sluice {
namespace {

std::vector<uint64_t> Ids(const IngestBatch& batch) {
  std::vector<uint64_t> ids;
  for (const IngestPostRef& post : batch.posts) ids.push_back(post.id);
  return ids;
}

TEST(NdjsonTest, AcceptsPostsWithEitherLineEnding) {
  PostParser parser;
  IngestBatch batch;
  const NdjsonResult result = ParseNdjson(
      "{\"id_str\":\"1\"}\n{\"id_str\":\"2\"}\r\n{\"data\":{\"id\":\"3\"}}", parser, batch, {});
  EXPECT_EQ(result.accepted, 3u);
  EXPECT_EQ(result.rejected, 0u);
  EXPECT_TRUE(result.errors.empty());
  EXPECT_EQ(Ids(batch), (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_EQ(batch.bytes(batch.posts[1]), "{\"id_str\":\"2\"}");  // no '\r' kept
  EXPECT_EQ(batch.bytes(batch.posts[2]), "{\"data\":{\"id\":\"3\"}}");
}

TEST(NdjsonTest, BlankLinesAreSkippedButCounted) {
  PostParser parser;
  IngestBatch batch;
  const NdjsonResult result = ParseNdjson("\n  \r\n{\"id\":7}\n\t\n{\"id\":}\n", parser, batch, {});
  EXPECT_EQ(result.accepted, 1u);
  EXPECT_EQ(result.rejected, 1u);
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].line, 5u);
}

TEST(NdjsonTest, MalformedLineDoesNotAffectItsNeighbours) {
  PostParser parser;
  IngestBatch batch;
  const NdjsonResult result = ParseNdjson(
      "{\"id\":1}\n{\"id\":2\n[3]\n{}\n{\"id\":\"x\"}\n{\"id\":6}\n", parser, batch, {});
  EXPECT_EQ(result.accepted, 2u);
  EXPECT_EQ(result.rejected, 4u);
  EXPECT_EQ(Ids(batch), (std::vector<uint64_t>{1, 6}));
  ASSERT_EQ(result.errors.size(), 4u);
  EXPECT_EQ(result.errors[0].line, 2u);
  EXPECT_EQ(result.errors[0].message.rfind("invalid JSON: ", 0), 0u);
  EXPECT_EQ(result.errors[1].line, 3u);
  EXPECT_EQ(result.errors[1].message, "post is not a JSON object");
  EXPECT_EQ(result.errors[2].line, 4u);
  EXPECT_EQ(result.errors[2].message, "post has no id (expected id_str, id, or data.id)");
  EXPECT_EQ(result.errors[3].line, 5u);
  EXPECT_EQ(result.errors[3].message, "post id is not a positive 64-bit integer");
}

TEST(NdjsonTest, OversizeLineIsRejectedWithItsNumber) {
  PostParser parser;
  IngestBatch batch;
  const std::string big = "{\"id\":2,\"text\":\"" + std::string(100, 'a') + "\"}";
  NdjsonLimits limits;
  limits.max_post_bytes = 64;
  const NdjsonResult result =
      ParseNdjson("{\"id\":1}\n" + big + "\r\n{\"id\":3}", parser, batch, limits);
  EXPECT_EQ(result.accepted, 2u);
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].line, 2u);
  EXPECT_EQ(result.errors[0].message, "line 2 exceeds the maximum post size of 64 bytes");
}

TEST(NdjsonTest, PostOfExactlyTheMaximumWithCrlfIsAccepted) {
  PostParser parser;
  IngestBatch batch;
  const std::string post = "{\"id\":1,\"t\":\"" + std::string(50, 'b') + "\"}";
  NdjsonLimits limits;
  limits.max_post_bytes = post.size();
  const NdjsonResult result = ParseNdjson(post + "\r\n" + post + "\r\n", parser, batch, limits);
  EXPECT_EQ(result.accepted, 2u);
  EXPECT_EQ(result.rejected, 0u);
}

TEST(NdjsonTest, OnlyTheFirstErrorsAreKept) {
  PostParser parser;
  IngestBatch batch;
  std::string body;
  for (int i = 0; i < 250; ++i) body += "nope\n";
  NdjsonLimits limits;
  limits.max_reported_errors = 100;
  const NdjsonResult result = ParseNdjson(body, parser, batch, limits);
  EXPECT_EQ(result.rejected, 250u);
  ASSERT_EQ(result.errors.size(), 100u);
  EXPECT_EQ(result.errors.back().line, 100u);
  EXPECT_TRUE(batch.empty());
}

TEST(NdjsonTest, TruncatedLastLineIsRejected) {
  PostParser parser;
  IngestBatch batch;
  const NdjsonResult result = ParseNdjson("{\"id\":1}\n{\"id\":2,\"te", parser, batch, {});
  EXPECT_EQ(result.accepted, 1u);
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].line, 2u);
}

TEST(NdjsonTest, AppendsAfterExistingBatchContent) {
  PostParser parser;
  IngestBatch batch;
  batch.Add(9, "{\"id\":9}");
  ASSERT_EQ(ParseNdjson("{\"id\":10}\n", parser, batch, {}).accepted, 1u);
  EXPECT_EQ(Ids(batch), (std::vector<uint64_t>{9, 10}));
  EXPECT_EQ(batch.bytes(batch.posts[1]), "{\"id\":10}");
}

}  // namespace
}  // namespace sluice
