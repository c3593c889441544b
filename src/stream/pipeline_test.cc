#include "stream/pipeline.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <future>
#include <mutex>
#include <tuple>

#include "base/snowflake.h"
#include "post/sample.h"

namespace sluice {
namespace {

class RecordingSubscriber : public Subscriber {
 public:
  explicit RecordingSubscriber(bool gzip) : gzip_(gzip) {}
  void Deliver(const StreamChunkPtr& chunk) override { chunks.push_back(chunk); }
  void Disconnect(DisconnectReason) override {}
  bool wants_gzip() const override { return gzip_; }
  std::vector<StreamChunkPtr> chunks;

 private:
  bool gzip_;
};

// Runs posted closures on the test's thread, when asked: the "network thread".
class ManualExecutor {
 public:
  void Post(std::function<void()> f) {
    std::lock_guard lock(mu_);
    work_.push_back(std::move(f));
  }
  void RunAll() {
    std::vector<std::function<void()>> work;
    {
      std::lock_guard lock(mu_);
      work.swap(work_);
    }
    for (auto& f : work) f();
  }

 private:
  std::mutex mu_;
  std::vector<std::function<void()>> work_;
};

class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/sluice-pipeline-XXXXXX";
    dir_ = mkdtemp(pattern);
    config_.accounts.push_back(AccountConfig{"acme", {}, {}, {}});
    StreamConfig decahose;
    decahose.label = "decahose";
    decahose.kind = StreamKind::kDecahose;
    StreamConfig sample;
    sample.label = "sample";
    sample.kind = StreamKind::kSample;
    StreamConfig prod;
    prod.label = "prod";
    config_.accounts[0].streams = {decahose, sample, prod};
    registry_ = std::make_unique<StreamRegistry>(config_, metrics_);
    archive::WriterOptions options;
    options.dir = dir_;
    options.sync_mode = archive::SyncMode::kAlways;
    auto writer = archive::Writer::Open(options, clock_, nullptr, nullptr);
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    pipeline_ = std::make_unique<Pipeline>(
        PipelineOptions{}, std::move(writer).value(), *registry_,
        [this](std::function<void()> f) { executor_.Post(std::move(f)); }, frontier_, clock_,
        metrics_);
  }
  void TearDown() override {
    // Stop may wait for the "network thread" to take what was posted.
    auto stopped = std::async(std::launch::async, [&] { pipeline_.reset(); });
    while (stopped.wait_for(std::chrono::milliseconds(1)) != std::future_status::ready) {
      executor_.RunAll();
    }
    std::filesystem::remove_all(dir_);
  }

  std::filesystem::path dir_;
  ServerConfig config_;
  SystemClock clock_;
  ArchiveFrontier frontier_;
  MetricsRegistry metrics_;
  std::unique_ptr<StreamRegistry> registry_;
  ManualExecutor executor_;
  std::unique_ptr<Pipeline> pipeline_;
};

TEST_F(PipelineTest, EachChannelGetsExactlyItsPostsAndAckFollowsFanOut) {
  Stream* decahose = registry_->FindStream("acme", "decahose");
  Stream* sample = registry_->FindStream("acme", "sample");
  auto p1 = std::make_shared<RecordingSubscriber>(true);
  auto p2 = std::make_shared<RecordingSubscriber>(false);
  auto one = std::make_shared<RecordingSubscriber>(false);
  (void)decahose->ChannelOfPartition(1).Admit(p1);
  (void)decahose->ChannelOfPartition(2).Admit(p2);
  (void)sample->ChannelOfPartition(0).Admit(one);
  pipeline_->Start();

  IngestBatch batch;
  std::vector<uint64_t> ids;
  for (int i = 0; i < 2000; ++i) {
    const uint64_t id = MakeSnowflake(1767225600000 + i, 1, 0);
    ids.push_back(id);
    batch.Add(id, "{\"id_str\":\"" + std::to_string(id) + "\"}");
  }
  std::promise<Status> durable;
  batch.on_durable = [&](Status s) { durable.set_value(s); };
  ASSERT_TRUE(pipeline_->Submit(std::move(batch)).ok());
  ASSERT_TRUE(durable.get_future().get().ok());
  // The frontier moves on the network thread, only once it has published the chunks.
  EXPECT_EQ(frontier_.published_seq.load(), 1u);
  // The chunks were handed to the network thread before the acknowledgement.
  executor_.RunAll();
  EXPECT_EQ(frontier_.published_seq.load(), 2001u);
  EXPECT_GE(frontier_.time_floor_ms.load(), clock_.NowMs() - 60'000);

  auto collect = [](const RecordingSubscriber& s) {
    std::string all;
    for (const auto& c : s.chunks) all += c->plain;
    return all;
  };
  std::string want1, want2, want_sample;
  for (uint64_t id : ids) {
    const std::string line = "{\"id_str\":\"" + std::to_string(id) + "\"}\r\n";
    if (InDecahose(id)) (DecahosePartition(id) == 1 ? want1 : want2) += line;
    if (InOnePercentSample(id)) want_sample += line;
  }
  EXPECT_EQ(collect(*p1), want1);
  EXPECT_EQ(collect(*p2), want2);
  EXPECT_EQ(collect(*one), want_sample);
  // Deflated once for the channel with a gzip subscriber, not for the others.
  ASSERT_FALSE(p1->chunks.empty());
  EXPECT_TRUE(p1->chunks[0]->deflated.has_value());
  EXPECT_FALSE(p2->chunks[0]->deflated.has_value());

  // Usage accounting: a channel's chunks cover the archive without gaps, list their posts'
  // sequences, and carry the archive hour.
  uint64_t covered = 1;
  std::vector<uint64_t> seqs;
  for (const auto& c : p1->chunks) {
    EXPECT_EQ(c->cover_begin, covered);
    EXPECT_LE(c->cover_begin, c->first_seq);
    EXPECT_GE(c->cover_end, c->end_seq);
    EXPECT_EQ(c->seqs.size(), c->posts);
    EXPECT_EQ(c->hour_ms % 3'600'000, 0);
    covered = c->cover_end;
    seqs.insert(seqs.end(), c->seqs.begin(), c->seqs.end());
  }
  EXPECT_EQ(covered, 2001u);
  std::vector<uint64_t> want_seqs;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (InDecahose(ids[i]) && DecahosePartition(ids[i]) == 1) want_seqs.push_back(i + 1);
  }
  EXPECT_EQ(seqs, want_seqs);
}

std::shared_ptr<const rules::RuleSet> MakeRules(
    const std::vector<std::tuple<uint64_t, std::string, std::string>>& rules) {
  std::vector<std::shared_ptr<const rules::CompiledRule>> compiled;
  for (const auto& [id, value, tag] : rules) {
    auto rule = rules::CompiledRule::Compile({id, value, tag, 0});
    EXPECT_TRUE(rule.ok()) << value;
    if (rule.ok()) compiled.push_back(*rule);
  }
  return rules::RuleSet::Build(std::move(compiled));
}

std::string TextPost(uint64_t id, const std::string& text) {
  return "{\"id_str\":\"" + std::to_string(id) + "\",\"text\":\"" + text + "\"}";
}

TEST_F(PipelineTest, PowerTrackCarriesMatchedPostsWithTheirRulesAndSwapsRulesBetweenBatches) {
  Stream* prod = registry_->FindStream("acme", "prod");
  auto subscriber = std::make_shared<RecordingSubscriber>(false);
  (void)prod->channel(0).Admit(subscriber);
  prod->SetRules(MakeRules({{11, "cat", "pets"}, {12, "cat dog", "both"}, {13, "fish", ""}}));
  pipeline_->Start();

  auto submit = [&](std::vector<std::pair<uint64_t, std::string>> posts) {
    IngestBatch batch;
    for (const auto& [id, text] : posts) batch.Add(id, TextPost(id, text));
    std::promise<Status> durable;
    batch.on_durable = [&](Status s) { durable.set_value(s); };
    ASSERT_TRUE(pipeline_->Submit(std::move(batch)).ok());
    ASSERT_TRUE(durable.get_future().get().ok());
    executor_.RunAll();
  };
  submit({{101, "a cat"}, {102, "Dog and CAT"}, {103, "nothing"}, {104, "fish"}});
  prod->SetRules(MakeRules({{13, "fish", ""}, {14, "nothing", "n"}}));
  submit({{105, "a cat"}, {106, "nothing fish"}});

  std::string all;
  for (const auto& c : subscriber->chunks) all += c->plain;
  const std::string want =
      "{\"id_str\":\"101\",\"text\":\"a cat\",\"matching_rules\":[{\"tag\":\"pets\",\"id\":11,"
      "\"id_str\":\"11\"}]}\r\n"
      "{\"id_str\":\"102\",\"text\":\"Dog and "
      "CAT\",\"matching_rules\":[{\"tag\":\"pets\",\"id\":11,"
      "\"id_str\":\"11\"},{\"tag\":\"both\",\"id\":12,\"id_str\":\"12\"}]}\r\n"
      "{\"id_str\":\"104\",\"text\":\"fish\",\"matching_rules\":[{\"tag\":\"\",\"id\":13,"
      "\"id_str\":\"13\"}]}\r\n"
      "{\"id_str\":\"106\",\"text\":\"nothing fish\",\"matching_rules\":[{\"tag\":\"\",\"id\":13,"
      "\"id_str\":\"13\"},{\"tag\":\"n\",\"id\":14,\"id_str\":\"14\"}]}\r\n";
  EXPECT_EQ(all, want);
  // Usage accounting still sees exactly the delivered posts.
  std::vector<uint64_t> seqs;
  for (const auto& c : subscriber->chunks) seqs.insert(seqs.end(), c->seqs.begin(), c->seqs.end());
  EXPECT_EQ(seqs, (std::vector<uint64_t>{1, 2, 4, 6}));
}

TEST_F(PipelineTest, EmptyBatchIsAcknowledgedAtOnce) {
  pipeline_->Start();
  IngestBatch batch;
  std::promise<Status> durable;
  batch.on_durable = [&](Status s) { durable.set_value(s); };
  ASSERT_TRUE(pipeline_->Submit(std::move(batch)).ok());
  EXPECT_TRUE(durable.get_future().get().ok());
}

}  // namespace
}  // namespace sluice
