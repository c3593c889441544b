// The emergency store and `sluice reconcile` (issue 5, part 4): the raw feed of one redundant
// connection goes to a separate store, and a range the primary store lost is filled back from
// it by the real `sluice reconcile` binary.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "base/time_format.h"
#include "consumer/store_uri.h"
#include "support/consumer_scenario.h"
#include "support/replay_support.h"

namespace sluice::testing {
namespace {

using std::chrono::milliseconds;

std::string RunCommand(const std::string& command, int* exit_status) {
  std::string output;
  FILE* out = popen((command + " 2>&1").c_str(), "r");
  if (!out) return output;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, out)) output.append(buffer, n);
  *exit_status = pclose(out);
  return output;
}

TEST(ConsumerEmergencyTest, RawFeedIsKeptAndReconcileFillsARangeThePrimaryLost) {
  const std::filesystem::path raw_dir = MakeTempDir("sluice-emergency");
  auto s = ConsumerScenario::Start(
      {.generator_rate = 200, .emergency_store_uri = "ndjson:" + raw_dir.string()});
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->StartStreaming());
  // Connection 1 (not the emergency one) drops twice: the raw feed of connection 0 is whole.
  for (size_t index : {1u, 2u}) {
    ASSERT_TRUE(s->proxy().WaitForOpenConnections(2, std::chrono::seconds(30)));
    std::this_thread::sleep_for(milliseconds(200));
    s->proxy().DropConnection(index);
    ASSERT_TRUE(s->proxy().WaitForAccepted(index + 2, std::chrono::seconds(30)));
  }
  ASSERT_TRUE(s->WaitSettled()) << s->EventsText();
  const std::vector<uint64_t> truth = s->StopAndReadGroundTruth();
  ASSERT_FALSE(truth.empty());
  EXPECT_EQ(Sorted(IdsIn(*s->emergency_store())), truth) << "the raw feed of connection 0";
  EXPECT_EQ(Sorted(s->StoredIds()), truth);

  // A primary store that lost the middle of the run.
  Result<std::vector<consumer::ReceivedPost>> all = s->store().ReadRange(
      std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(), 100000000);
  ASSERT_TRUE(all.ok());
  ASSERT_GE(all->size(), 30u);
  const int64_t first = all->front().received_ms;
  const int64_t last = all->back().received_ms;
  const int64_t lost_from = first + (last - first) / 3;
  const int64_t lost_to = first + 2 * (last - first) / 3;
  const std::string damaged_uri = "sqlite:" + (s->dir() / "damaged.db").string();
  size_t kept = 0;
  {
    Result<std::unique_ptr<consumer::PostStore>> damaged = consumer::OpenStore(damaged_uri);
    ASSERT_TRUE(damaged.ok());
    std::vector<consumer::ReceivedPost> survivors;
    for (const consumer::ReceivedPost& post : *all) {
      if (post.received_ms < lost_from || post.received_ms >= lost_to) survivors.push_back(post);
    }
    kept = survivors.size();
    ASSERT_LT(kept, all->size());
    ASSERT_TRUE((*damaged)->Commit({.posts = survivors}).ok());
  }
  // Received times of the two copies of a post may differ by the connections' skew: reconcile a
  // little more than the lost range; what the primary has is skipped.
  int exit_status = -1;
  const std::string output =
      RunCommand(std::string(SLUICE_PATH) + " reconcile --from ndjson:" + raw_dir.string() +
                     " --to " + damaged_uri + " --start " + FormatIsoMs(lost_from - 10000) +
                     " --end " + FormatIsoMs(lost_to + 10000),
                 &exit_status);
  ASSERT_EQ(exit_status, 0) << output;
  EXPECT_NE(output.find("stored " + std::to_string(all->size() - kept) + " missing ones"),
            std::string::npos)
      << output;
  Result<std::unique_ptr<consumer::PostStore>> repaired = consumer::OpenStore(damaged_uri);
  ASSERT_TRUE(repaired.ok());
  EXPECT_EQ(Sorted(IdsIn(**repaired)), truth);
  std::filesystem::remove_all(raw_dir);
}

}  // namespace
}  // namespace sluice::testing
