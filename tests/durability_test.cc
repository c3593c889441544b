// Posts acknowledged by POST /ingest under fsync = "always" survive kill -9 (SPEC §6).
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "archive/archive.h"
#include "support/http_client.h"
#include "support/test_posts.h"
#include "support/test_server.h"

namespace sluice::testing {
namespace {

std::set<uint64_t> ArchivedIds(const std::filesystem::path& data_dir) {
  std::set<uint64_t> ids;
  auto reader = archive::Reader::Open(data_dir / "archive", 0);
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  if (!reader.ok()) return ids;
  archive::RecordView record;
  for (;;) {
    Result<bool> more = (*reader)->Next(record);
    EXPECT_TRUE(more.ok()) << more.status().ToString();
    if (!more.ok() || !*more) break;
    ids.insert(record.post_id);
    EXPECT_EQ(IdOf(std::string(record.bytes)), record.post_id) << "archived bytes changed";
  }
  return ids;
}

TEST(DurabilityTest, AcknowledgedPostsSurviveKillNine) {
  TestServerOptions options;
  options.fsync = "always";
  const std::filesystem::path data_dir = MakeTempDir("sluice-kill9");
  auto server = TestServer::Start(options, data_dir);
  ASSERT_TRUE(server);

  std::mutex mu;
  std::set<uint64_t> acknowledged;
  std::atomic<bool> stop{false};
  std::atomic<int> acks{0};
  std::atomic<bool> writer_done{false};
  std::thread writer([&] {
    for (uint64_t round = 0; round < 100000 && !stop; ++round) {
      const auto ids = CyclingIds(200, round);
      const HttpResult r = Ingest(server->port(), Ndjson(ids, 500));
      if (r.status != 200) break;  // the server is gone: this batch was never acknowledged
      std::lock_guard lock(mu);
      acknowledged.insert(ids.begin(), ids.end());
      ++acks;
    }
    writer_done = true;
  });
  // Kill while requests are in flight, after a fair number of acknowledgements.
  while (acks < 20 && !writer_done) std::this_thread::yield();
  const bool enough = acks >= 20;
  server->Signal(SIGKILL);
  stop = true;
  writer.join();
  ASSERT_TRUE(enough) << "ingest stopped early:\n" << server->Log();
  server.reset();

  // Restart on the same directory: recovery truncates any torn tail, keeps every durable post.
  auto restarted = TestServer::Start(options, data_dir);
  ASSERT_TRUE(restarted);
  restarted->Signal(SIGTERM);
  const std::set<uint64_t> archived = ArchivedIds(data_dir);
  size_t missing = 0;
  for (uint64_t id : acknowledged) missing += archived.count(id) == 0;
  EXPECT_EQ(missing, 0u) << "of " << acknowledged.size() << " acknowledged posts";
  EXPECT_GE(archived.size(), acknowledged.size());
  std::error_code ignored;
  std::filesystem::remove_all(data_dir, ignored);
}

}  // namespace
}  // namespace sluice::testing

namespace sluice::testing {
namespace {

TEST(FileIngestTest, IngestFileIsArchivedAndBadLinesSkipped) {
  const std::filesystem::path work = MakeTempDir("sluice-file-ingest");
  const auto ids = CyclingIds(5000, 77);
  std::string ndjson = Ndjson(ids);
  ndjson.insert(ndjson.find('\n') + 1, "this line is not JSON\n");
  const std::filesystem::path file = work / "posts.ndjson";
  std::ofstream(file) << ndjson;

  TestServerOptions options;
  options.extra_args = {"--ingest-file", file.string()};
  const std::filesystem::path data_dir = work / "data";
  std::filesystem::create_directories(data_dir);
  auto server = TestServer::Start(options, data_dir);
  ASSERT_TRUE(server);
  // The server logs when the file is done; wait for that line (bounded), then stop it.
  for (int i = 0; i < 6000 && server->Log().find("ingested ") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const std::string log = server->Log();
  EXPECT_NE(log.find("5000 posts accepted, 1 lines rejected"), std::string::npos) << log;
  EXPECT_NE(log.find("line 2: invalid JSON"), std::string::npos) << log;
  server->Signal(SIGTERM);
  EXPECT_EQ(ArchivedIds(data_dir), std::set<uint64_t>(ids.begin(), ids.end()));
  std::error_code ignored;
  std::filesystem::remove_all(work, ignored);
}

}  // namespace
}  // namespace sluice::testing
