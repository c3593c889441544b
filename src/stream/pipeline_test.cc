#include "stream/pipeline.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <future>
#include <mutex>
#include <tuple>

#include "base/snowflake.h"
#include "post/post_view_test_util.h"
#include "post/sample.h"
#include "rules/rule_set_test_util.h"

namespace sluice {
namespace {

using rules::testing::CompileRuleSet;

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

// A pipeline over a temp archive (fsync per append), with the given streams of account acme;
// the test's thread plays the network thread (executor_).
class PipelineHarness {
 protected:
  PipelineHarness(std::vector<StreamConfig> streams, PipelineOptions options) {
    char pattern[] = "/tmp/sluice-pipeline-XXXXXX";
    dir_ = mkdtemp(pattern);
    config_.accounts.push_back(AccountConfig{"acme", {}, {}, {}});
    config_.accounts[0].streams = std::move(streams);
    registry_ = std::make_unique<StreamRegistry>(config_, metrics_);
    archive::WriterOptions writer_options;
    writer_options.dir = dir_;
    writer_options.sync_mode = archive::SyncMode::kAlways;
    auto writer = archive::Writer::Open(writer_options, clock_, nullptr, nullptr);
    EXPECT_TRUE(writer.ok()) << writer.status().ToString();
    pipeline_ = std::make_unique<Pipeline>(
        options, std::move(writer).value(), *registry_,
        [this](std::function<void()> f) { executor_.Post(std::move(f)); }, frontier_, clock_,
        metrics_);
  }
  ~PipelineHarness() {
    // Stop may wait for the "network thread" to take what was posted.
    auto stopped = std::async(std::launch::async, [&] { pipeline_.reset(); });
    while (stopped.wait_for(std::chrono::milliseconds(1)) != std::future_status::ready) {
      executor_.RunAll();
    }
    std::filesystem::remove_all(dir_);
  }

  static StreamConfig Config(std::string label, StreamKind kind) {
    StreamConfig config;
    config.label = std::move(label);
    config.kind = kind;
    return config;
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

class PipelineTest : public ::testing::Test, protected PipelineHarness {
 protected:
  PipelineTest()
      : PipelineHarness(
            {Config("decahose", StreamKind::kDecahose), Config("sample", StreamKind::kSample),
             Config("prod", StreamKind::kPowerTrack)},
            PipelineOptions{}) {}
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

std::string TextPost(uint64_t id, const std::string& text) {
  return "{\"id_str\":\"" + std::to_string(id) + "\",\"text\":\"" + text + "\"}";
}

TEST_F(PipelineTest, PowerTrackCarriesMatchedPostsWithTheirRulesAndSwapsRulesBetweenBatches) {
  Stream* prod = registry_->FindStream("acme", "prod");
  auto subscriber = std::make_shared<RecordingSubscriber>(false);
  (void)prod->channel(0).Admit(subscriber);
  prod->SetRules(CompileRuleSet({{11, "cat", "pets"}, {12, "cat dog", "both"}, {13, "fish", ""}}));
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
  prod->SetRules(CompileRuleSet({{13, "fish", ""}, {14, "nothing", "n"}}));
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

// A pipeline with two PowerTrack streams that have rules and a decahose, run with a given
// number of match threads; records what each channel received.
class PowerTrackRun : PipelineHarness {
 public:
  explicit PowerTrackRun(size_t match_threads)
      : PipelineHarness(
            {Config("prod", StreamKind::kPowerTrack), Config("dev", StreamKind::kPowerTrack),
             Config("decahose", StreamKind::kDecahose)},
            Options(match_threads)) {
    Stream* prod_stream = registry_->FindStream("acme", "prod");
    Stream* dev_stream = registry_->FindStream("acme", "dev");
    (void)prod_stream->channel(0).Admit(subscribers_[0]);
    (void)dev_stream->channel(0).Admit(subscribers_[1]);
    (void)registry_->FindStream("acme", "decahose")->ChannelOfPartition(1).Admit(subscribers_[2]);
    prod_stream->SetRules(CompileRuleSet(
        {{1, "the", "p1"}, {2, "you", "p2"}, {3, "has:links", "p3"}, {4, "and", ""}}));
    dev_stream->SetRules(
        CompileRuleSet({{5, "the", "d5"}, {6, "you is", "d6"}, {7, "has:media", ""}}));
    pipeline_->Start();
  }

  void Submit(IngestBatch batch) {
    std::promise<Status> durable;
    batch.on_durable = [&](Status s) { durable.set_value(s); };
    ASSERT_TRUE(pipeline_->Submit(std::move(batch)).ok());
    ASSERT_TRUE(durable.get_future().get().ok());
    executor_.RunAll();
  }
  // Submits every batch before waiting for any, so that the fan-out stage finds several
  // queued and matches the next while it serialises one (whether it does is up to timing; the
  // output must not depend on it).
  void SubmitAll(std::vector<IngestBatch> batches) {
    std::vector<std::promise<Status>> durable(batches.size());
    for (size_t i = 0; i < batches.size(); ++i) {
      batches[i].on_durable = [&durable, i](Status s) { durable[i].set_value(s); };
      ASSERT_TRUE(pipeline_->Submit(std::move(batches[i])).ok());
    }
    for (auto& d : durable) ASSERT_TRUE(d.get_future().get().ok());
    executor_.RunAll();
  }
  // Per subscriber (prod, dev, decahose): its bytes, and the sequences its chunks list.
  std::vector<std::pair<std::string, std::vector<uint64_t>>> Received() const {
    std::vector<std::pair<std::string, std::vector<uint64_t>>> out;
    for (const auto& subscriber : subscribers_) {
      auto& [bytes, seqs] = out.emplace_back();
      for (const auto& c : subscriber->chunks) {
        bytes += c->plain;
        seqs.insert(seqs.end(), c->seqs.begin(), c->seqs.end());
      }
    }
    return out;
  }
  uint64_t Counter(const std::string& name) { return metrics_.AddCounter(name, "")->value(); }

 private:
  static PipelineOptions Options(size_t match_threads) {
    PipelineOptions options;
    options.match_threads = match_threads;
    return options;
  }

  std::shared_ptr<RecordingSubscriber> subscribers_[3] = {
      std::make_shared<RecordingSubscriber>(false), std::make_shared<RecordingSubscriber>(false),
      std::make_shared<RecordingSubscriber>(false)};
};

TEST(PipelineMatchThreadsTest, SeveralMatchThreadsDeliverExactlyWhatOneDoes) {
  // Batches of several hundred posts (matched in parallel), with posts whose view fails among
  // them, and a small one (matched serially).
  auto batches = [] {
    std::vector<IngestBatch> out;
    for (uint64_t seed : {11, 12}) {
      const IngestBatch generated = GeneratePosts(seed, 700);
      IngestBatch batch;
      for (size_t p = 0; p < generated.size(); ++p) {
        const IngestPostRef& ref = generated.posts[p];
        batch.Add(ref.id, generated.bytes(ref));
        // Not JSON, with an id the decahose's partition 1 carries (the generated ones are not).
        if (p % 250 == 100) batch.Add(MakeSnowflake(1767225600610, 1, p), "{\"id_str\":");
      }
      out.push_back(std::move(batch));
    }
    const IngestBatch small = GeneratePosts(13, 20);
    out.push_back(small);
    return out;
  };
  PowerTrackRun serial(1);
  for (IngestBatch& batch : batches()) serial.Submit(std::move(batch));
  const auto want = serial.Received();
  // Both PowerTrack streams got a good share of the posts (the rules match often).
  EXPECT_GT(want[0].second.size(), 300u);
  EXPECT_GT(want[1].second.size(), 300u);
  EXPECT_NE(want[0].first, want[1].first);
  EXPECT_EQ(want[2].second.size(), 6u);
  EXPECT_EQ(serial.Counter("sluice_match_view_failures_total"), 6u);
  EXPECT_EQ(serial.Counter("sluice_match_posts_total"), 2 * 700u + 20u);

  for (size_t threads : {1, 2, 3}) {
    PowerTrackRun parallel(threads);
    parallel.SubmitAll(batches());
    const auto got = parallel.Received();
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) {
      EXPECT_TRUE(got[i].first == want[i].first) << "subscriber " << i << ", threads " << threads;
      EXPECT_EQ(got[i].second, want[i].second) << "subscriber " << i << ", threads " << threads;
    }
    EXPECT_EQ(parallel.Counter("sluice_match_view_failures_total"), 6u);
    EXPECT_EQ(parallel.Counter("sluice_match_posts_total"), 2 * 700u + 20u);
  }
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
