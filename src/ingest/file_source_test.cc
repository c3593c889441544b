#include "ingest/file_source.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "ingest/fake_ingest_sink.h"
#include "ingest/generator.h"

namespace sluice {
namespace {

constexpr int64_t kStartMs = 1795394779000;

// A file in the test's temporary directory, removed at the end of the test.
class TempFile {
 public:
  explicit TempFile(const std::string& content) {
    path_ = std::filesystem::temp_directory_path() /
            ("sluice_file_source_test_" + std::to_string(::getpid()) + "_" +
             std::to_string(counter_++) + ".ndjson");
    std::ofstream(path_, std::ios::binary) << content;
  }
  ~TempFile() { std::filesystem::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

struct Ingested {
  Result<FileIngestStats> stats = Status::Internal("not run");
  std::vector<LineError> errors;
  std::vector<IngestBatch> batches;
};

Ingested Ingest(const std::string& path, NdjsonLimits limits = {}) {
  PostParser parser;
  FakeIngestSink sink;
  Ingested result;
  result.stats = IngestNdjsonFile(path, parser, sink, limits,
                                  [&](const LineError& e) { result.errors.push_back(e); });
  result.batches = sink.TakeBatches();
  return result;
}

TEST(FileSourceTest, IngestsPostsAndReportsBadLines) {
  TempFile file("{\"id_str\":\"1\"}\r\n\nnot json\n{\"id\":2}\n" +
                ("{\"id\":3,\"t\":\"" + std::string(200, 'x') + "\"}\n") + "{\"id\":4}");
  NdjsonLimits limits;
  limits.max_post_bytes = 100;
  const Ingested result = Ingest(file.path(), limits);
  ASSERT_TRUE(result.stats.ok()) << result.stats.status().ToString();
  EXPECT_EQ(result.stats->accepted, 3u);
  EXPECT_EQ(result.stats->rejected, 2u);
  ASSERT_EQ(result.errors.size(), 2u);
  EXPECT_EQ(result.errors[0].line, 3u);
  EXPECT_EQ(result.errors[1].line, 5u);
  EXPECT_EQ(result.errors[1].message, "line 5 exceeds the maximum post size of 100 bytes");
  ASSERT_EQ(result.batches.size(), 1u);
  const IngestBatch& batch = result.batches[0];
  ASSERT_EQ(batch.size(), 3u);
  EXPECT_EQ(batch.bytes(batch.posts[0]), "{\"id_str\":\"1\"}");
  EXPECT_EQ(batch.posts[2].id, 4u);
}

TEST(FileSourceTest, LargeFileIsBatchedAcrossChunks) {
  // About 6 MB of generated posts: lines straddle the 1 MiB read chunks.
  PostGenerator generator(11);
  IngestBatch generated;
  for (int i = 0; i < 2500; ++i) generator.Generate(kStartMs + i, generated);
  std::string content;
  for (const IngestPostRef& post : generated.posts) {
    content.append(generated.bytes(post));
    content += '\n';
  }
  TempFile file(content);
  const Ingested result = Ingest(file.path());
  ASSERT_TRUE(result.stats.ok()) << result.stats.status().ToString();
  EXPECT_EQ(result.stats->accepted, 2500u);
  EXPECT_EQ(result.stats->rejected, 0u);
  EXPECT_EQ(result.stats->bytes_read, content.size());
  size_t index = 0;
  for (const IngestBatch& batch : result.batches) {
    EXPECT_LE(batch.size(), kFileBatchMaxPosts);
    // A batch is closed by the post that reaches the byte bound, so it exceeds it by at most one.
    EXPECT_LT(batch.data.size(), kFileBatchMaxBytes + PostParser::kPadding + 16 * 1024);
    for (const IngestPostRef& post : batch.posts) {
      ASSERT_LT(index, generated.size());
      EXPECT_EQ(post.id, generated.posts[index].id);
      EXPECT_EQ(batch.bytes(post), generated.bytes(generated.posts[index]));
      ++index;
    }
  }
  EXPECT_EQ(index, 2500u);
  EXPECT_EQ(result.stats->batches, result.batches.size());
}

TEST(FileSourceTest, MissingFileIsAnIoErrorNamingThePath) {
  const Ingested result = Ingest("/nonexistent/dir/posts.ndjson");
  ASSERT_FALSE(result.stats.ok());
  EXPECT_EQ(result.stats.status().code(), StatusCode::kIoError);
  EXPECT_NE(result.stats.status().message().find("'/nonexistent/dir/posts.ndjson'"),
            std::string::npos);
}

TEST(FileSourceTest, DirectoryIsAnIoError) {
  const Ingested result = Ingest(std::filesystem::temp_directory_path().string());
  ASSERT_FALSE(result.stats.ok());
  EXPECT_EQ(result.stats.status().code(), StatusCode::kIoError);
}

TEST(FileSourceTest, DashReadsStandardInput) {
  TempFile file("{\"id\":7}\n{\"id\":8}\n");
  // Standard input is redirected to the file for the duration of the call.
  const int saved_stdin = ::dup(STDIN_FILENO);
  ASSERT_GE(saved_stdin, 0);
  std::FILE* input = std::fopen(file.path().c_str(), "rb");
  ASSERT_NE(input, nullptr);
  ASSERT_GE(::dup2(::fileno(input), STDIN_FILENO), 0);
  const Ingested result = Ingest("-");
  ::dup2(saved_stdin, STDIN_FILENO);
  ::close(saved_stdin);
  std::fclose(input);
  ASSERT_TRUE(result.stats.ok()) << result.stats.status().ToString();
  EXPECT_EQ(result.stats->accepted, 2u);
}

TEST(FileSourceTest, SinkShutdownStopsIngest) {
  TempFile file("{\"id\":1}\n");
  PostParser parser;
  FakeIngestSink sink;
  sink.Fail();
  const Result<FileIngestStats> stats = IngestNdjsonFile(file.path(), parser, sink, {}, nullptr);
  ASSERT_FALSE(stats.ok());
  EXPECT_EQ(stats.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(stats.status().message().find(file.path()), std::string::npos);
}

}  // namespace
}  // namespace sluice
