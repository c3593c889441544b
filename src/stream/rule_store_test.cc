#include "stream/rule_store.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "base/snowflake.h"

namespace sluice::rules {
namespace {

constexpr int64_t kStartMs = 1'700'000'000'000;

class RuleStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "rule_store_test.XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path LogPath() const { return dir_ / "acct" / "prod.log"; }

  std::unique_ptr<RuleStore> OpenStore(size_t max_rules = kDefaultMaxRules,
                                       RuleStoreOpenReport* report = nullptr) {
    RuleStoreOptions options;
    options.log_path = LogPath();
    options.max_rules = max_rules;
    options.clock = &clock_;
    Result<std::unique_ptr<RuleStore>> store = RuleStore::Open(options, report);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  static std::vector<std::string> Values(const std::vector<RuleRecord>& rules) {
    std::vector<std::string> values;
    for (const auto& rule : rules) values.push_back(rule.value);
    return values;
  }

  std::filesystem::path dir_;
  ManualClock clock_{kStartMs};
};

TEST_F(RuleStoreTest, EmptyStoreHasAnEmptySet) {
  auto store = OpenStore();
  ASSERT_TRUE(store);
  EXPECT_EQ(store->size(), 0u);
  ASSERT_TRUE(store->current());
  EXPECT_TRUE(store->current()->empty());
}

TEST_F(RuleStoreTest, AddListsAndGets) {
  auto store = OpenStore();
  Result<AddRulesResult> added = store->Add({{"cat OR dog", "pets"}, {"lang:en bird", {}}});
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_TRUE(added->applied);
  EXPECT_EQ(added->created, 2);
  EXPECT_EQ(added->not_created, 0);
  ASSERT_EQ(added->detail.size(), 2u);
  EXPECT_TRUE(added->detail[0].ok);
  EXPECT_EQ(added->detail[0].rule.tag, "pets");
  EXPECT_FALSE(added->detail[1].rule.tag.has_value());
  EXPECT_LT(added->detail[0].rule.id, added->detail[1].rule.id);
  EXPECT_EQ(SnowflakeTimeMs(added->detail[0].rule.id), kStartMs);
  EXPECT_EQ(added->detail[0].rule.created_at_ms, kStartMs);

  EXPECT_EQ(Values(store->List()), (std::vector<std::string>{"cat OR dog", "lang:en bird"}));
  EXPECT_EQ(store->current()->size(), 2u);
  const uint64_t id = added->detail[1].rule.id;
  ASSERT_TRUE(store->Get(id));
  EXPECT_EQ(store->Get(id)->value, "lang:en bird");
  EXPECT_FALSE(store->Get(id + 1000));
  EXPECT_EQ(Values(store->Get({id, 42, id, added->detail[0].rule.id})),
            (std::vector<std::string>{"lang:en bird", "cat OR dog"}));
}

TEST_F(RuleStoreTest, DuplicatesAreNotCreated) {
  auto store = OpenStore();
  ASSERT_TRUE(store->Add({{"cat", "a"}}).ok());
  const uint64_t cat_id = store->List()[0].id;
  Result<AddRulesResult> added = store->Add({{"cat", "b"}, {"dog", {}}, {"dog", "x"}, {"Cat", {}}});
  ASSERT_TRUE(added.ok());
  EXPECT_TRUE(added->applied);
  EXPECT_EQ(added->created, 2);  // dog, Cat (values are case-sensitive)
  EXPECT_EQ(added->not_created, 2);
  EXPECT_FALSE(added->detail[0].ok);
  EXPECT_EQ(added->detail[0].message, kDuplicateRuleMessage);
  EXPECT_EQ(added->detail[0].rule.id, cat_id);
  EXPECT_EQ(added->detail[0].rule.tag, "a");  // the stored rule
  EXPECT_TRUE(added->detail[1].ok);
  EXPECT_FALSE(added->detail[2].ok);
  EXPECT_EQ(added->detail[2].message, kDuplicateRuleMessage);
  EXPECT_EQ(added->detail[2].rule.id, added->detail[1].rule.id);
  EXPECT_EQ(store->size(), 3u);
}

TEST_F(RuleStoreTest, AnyInvalidRuleAppliesNothing) {
  auto store = OpenStore();
  Result<AddRulesResult> added =
      store->Add({{"cat", {}}, {"-dog", {}}, {"bird", std::string(256, 't')}});
  ASSERT_TRUE(added.ok());
  EXPECT_FALSE(added->applied);
  EXPECT_EQ(added->created, 0);
  EXPECT_EQ(added->not_created, 3);
  EXPECT_FALSE(added->detail[0].ok);
  EXPECT_FALSE(added->detail[0].has_id);
  EXPECT_TRUE(added->detail[0].message.empty());
  EXPECT_EQ(added->detail[1].message, "Rules must contain a non-negation term (at position 1)");
  EXPECT_FALSE(added->detail[2].message.empty());
  EXPECT_EQ(store->size(), 0u);
  EXPECT_EQ(store->log_records(), 0u);
}

TEST_F(RuleStoreTest, CapRefusesTheWholeRequest) {
  auto store = OpenStore(3);
  ASSERT_TRUE(store->Add({{"a", {}}, {"b", {}}}).ok());
  Result<AddRulesResult> over = store->Add({{"c", {}}, {"d", {}}});
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(over.status().message().find("limit of 3"), std::string::npos);
  EXPECT_EQ(store->size(), 2u);
  // Duplicates do not count against the cap.
  Result<AddRulesResult> fits = store->Add({{"a", {}}, {"c", {}}});
  ASSERT_TRUE(fits.ok());
  EXPECT_EQ(fits->created, 1);
  EXPECT_EQ(store->size(), 3u);
}

TEST_F(RuleStoreTest, DeleteByValueAndById) {
  auto store = OpenStore();
  ASSERT_TRUE(store->Add({{"a", {}}, {"b", "t"}, {"c", {}}}).ok());
  const std::vector<RuleRecord> rules = store->List();
  Result<DeleteRulesResult> by_value = store->DeleteByValues({"b", "zzz", "b"});
  ASSERT_TRUE(by_value.ok());
  EXPECT_EQ(by_value->deleted, 1);
  EXPECT_EQ(by_value->not_deleted, 2);
  EXPECT_TRUE(by_value->detail[0].ok);
  EXPECT_EQ(by_value->detail[0].rule.id, rules[1].id);
  EXPECT_EQ(by_value->detail[0].rule.tag, "t");
  EXPECT_EQ(by_value->detail[1].message, kMissingRuleMessage);
  EXPECT_FALSE(by_value->detail[1].has_id);
  EXPECT_EQ(by_value->detail[2].message, kMissingRuleMessage);

  Result<DeleteRulesResult> by_id = store->DeleteByIds({rules[2].id, 7});
  ASSERT_TRUE(by_id.ok());
  EXPECT_EQ(by_id->deleted, 1);
  EXPECT_EQ(by_id->not_deleted, 1);
  EXPECT_EQ(by_id->detail[0].rule.value, "c");
  EXPECT_FALSE(by_id->detail[1].has_value);
  EXPECT_EQ(by_id->detail[1].rule.id, 7u);
  EXPECT_EQ(Values(store->List()), std::vector<std::string>{"a"});
  EXPECT_EQ(store->current()->size(), 1u);
}

TEST_F(RuleStoreTest, ReaddedRuleGetsANewId) {
  auto store = OpenStore();
  ASSERT_TRUE(store->Add({{"a", {}}}).ok());
  const uint64_t first = store->List()[0].id;
  ASSERT_TRUE(store->DeleteByValues({"a"}).ok());
  ASSERT_TRUE(store->Add({{"a", {}}}).ok());
  EXPECT_GT(store->List()[0].id, first);
}

TEST_F(RuleStoreTest, RulesAndIdsSurviveReopen) {
  std::vector<RuleRecord> before;
  {
    auto store = OpenStore();
    ASSERT_TRUE(store->Add({{"a", {}}, {"b", "tag b"}, {"c", {}}}).ok());
    ASSERT_TRUE(store->DeleteByValues({"b"}).ok());
    before = store->List();
  }
  RuleStoreOpenReport report;
  auto store = OpenStore(kDefaultMaxRules, &report);
  ASSERT_TRUE(store);
  EXPECT_EQ(report.records_replayed, 4u);
  EXPECT_EQ(report.live_rules, 2u);
  EXPECT_EQ(report.truncated_bytes, 0u);
  const std::vector<RuleRecord> after = store->List();
  ASSERT_EQ(after.size(), before.size());
  for (size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(after[i].id, before[i].id);
    EXPECT_EQ(after[i].value, before[i].value);
    EXPECT_EQ(after[i].tag, before[i].tag);
    EXPECT_EQ(after[i].created_at_ms, before[i].created_at_ms);
  }
  EXPECT_EQ(store->current()->size(), 2u);
}

TEST_F(RuleStoreTest, IdsStayMonotonicAcrossReopenWhenTheClockGoesBack) {
  uint64_t last = 0;
  {
    auto store = OpenStore();
    ASSERT_TRUE(store->Add({{"a", {}}, {"b", {}}}).ok());
    last = store->List().back().id;
    ASSERT_TRUE(store->DeleteByValues({"b"}).ok());  // the largest id is now deleted
  }
  clock_.SetMs(kStartMs - 60'000);
  auto store = OpenStore();
  ASSERT_TRUE(store->Add({{"b", {}}}).ok());
  EXPECT_GT(store->List().back().id, last);
}

TEST_F(RuleStoreTest, TruncatedTrailingRecordIsCut) {
  {
    auto store = OpenStore();
    ASSERT_TRUE(store->Add({{"a", {}}}).ok());
    ASSERT_TRUE(store->Add({{"b", {}}}).ok());
  }
  const uintmax_t size = std::filesystem::file_size(LogPath());
  std::filesystem::resize_file(LogPath(), size - 3);
  RuleStoreOpenReport report;
  auto store = OpenStore(kDefaultMaxRules, &report);
  ASSERT_TRUE(store);
  EXPECT_EQ(Values(store->List()), std::vector<std::string>{"a"});
  EXPECT_GT(report.truncated_bytes, 0u);
  EXPECT_NE(report.truncation_reason.find("torn record"), std::string::npos);
  // The cut is durable and the log accepts appends after it.
  ASSERT_TRUE(store->Add({{"c", {}}}).ok());
  store.reset();
  store = OpenStore(kDefaultMaxRules, &report);
  EXPECT_EQ(Values(store->List()), (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(report.truncated_bytes, 0u);
}

TEST_F(RuleStoreTest, ChecksumMismatchAtTheTailIsCut) {
  {
    auto store = OpenStore();
    ASSERT_TRUE(store->Add({{"a", {}}}).ok());
    ASSERT_TRUE(store->Add({{"bbbb", {}}}).ok());
  }
  {
    std::fstream f(LogPath(), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(-2, std::ios::end);
    f.put('X');
  }
  RuleStoreOpenReport report;
  auto store = OpenStore(kDefaultMaxRules, &report);
  ASSERT_TRUE(store);
  EXPECT_EQ(Values(store->List()), std::vector<std::string>{"a"});
  EXPECT_NE(report.truncation_reason.find("crc mismatch"), std::string::npos);
}

TEST_F(RuleStoreTest, BadLengthAtTheEndIsCut) {
  {
    auto store = OpenStore();
    ASSERT_TRUE(store->Add({{"a", {}}}).ok());
  }
  const uintmax_t good_size = std::filesystem::file_size(LogPath());
  {
    std::ofstream f(LogPath(), std::ios::binary | std::ios::app);
    f.write("\0\0\0\0\xff\xff\xff\xff\x01", 9);
  }
  RuleStoreOpenReport report;
  auto store = OpenStore(kDefaultMaxRules, &report);
  ASSERT_TRUE(store);
  EXPECT_EQ(Values(store->List()), std::vector<std::string>{"a"});
  EXPECT_EQ(report.truncated_bytes, 9u);
  EXPECT_NE(report.truncation_reason.find("bad record length"), std::string::npos);
  EXPECT_EQ(std::filesystem::file_size(LogPath()), good_size);
}

TEST_F(RuleStoreTest, TornHeaderIsAnEmptyLog) {
  std::filesystem::create_directories(LogPath().parent_path());
  std::ofstream(LogPath(), std::ios::binary) << "SLUI";
  RuleStoreOpenReport report;
  auto store = OpenStore(kDefaultMaxRules, &report);
  ASSERT_TRUE(store);
  EXPECT_EQ(store->size(), 0u);
  EXPECT_EQ(report.truncated_bytes, 4u);
  ASSERT_TRUE(store->Add({{"a", {}}}).ok());
  store.reset();
  EXPECT_EQ(OpenStore()->size(), 1u);
}

TEST_F(RuleStoreTest, ForeignFileIsRefused) {
  std::filesystem::create_directories(LogPath().parent_path());
  std::ofstream(LogPath(), std::ios::binary) << "something else entirely";
  RuleStoreOptions options;
  options.log_path = LogPath();
  options.clock = &clock_;
  Result<std::unique_ptr<RuleStore>> store = RuleStore::Open(options, nullptr);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kCorruption);
}

TEST_F(RuleStoreTest, DeletesCompactTheLog) {
  auto store = OpenStore();
  std::vector<RuleInput> many;
  for (int i = 0; i < 1500; ++i) many.push_back({"word" + std::to_string(i), {}});
  ASSERT_TRUE(store->Add(many).ok());
  std::vector<std::string> values;
  for (int i = 0; i < 1490; ++i) values.push_back("word" + std::to_string(i));
  ASSERT_TRUE(store->DeleteByValues(values).ok());
  // 1500 adds + 1490 deletes > 2 * 10 + 1024: rewritten as a snapshot of the 10 live rules.
  EXPECT_EQ(store->log_records(), 11u);
  const std::vector<RuleRecord> before = store->List();
  ASSERT_TRUE(store->Add({{"fresh", {}}}).ok());
  store.reset();
  RuleStoreOpenReport report;
  store = OpenStore(kDefaultMaxRules, &report);
  ASSERT_EQ(store->size(), 11u);
  EXPECT_EQ(report.records_replayed, 12u);
  EXPECT_EQ(store->List()[0].id, before[0].id);
  EXPECT_EQ(store->List().back().value, "fresh");
  EXPECT_GT(store->List().back().id, before.back().id);
}

TEST_F(RuleStoreTest, ValidateChecksWithoutStoring) {
  auto store = OpenStore();
  ValidateRulesResult result = RuleStore::Validate({{"cat", {}}, {"(cat", {}}});
  EXPECT_EQ(result.valid, 1);
  EXPECT_EQ(result.not_valid, 1);
  EXPECT_TRUE(result.detail[0].ok);
  EXPECT_FALSE(result.detail[1].message.empty());
  EXPECT_EQ(store->size(), 0u);
}

}  // namespace
}  // namespace sluice::rules
