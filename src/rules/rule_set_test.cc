#include "rules/rule_set.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "post/text_tokens.h"
#include "rules/match_test_util.h"
#include "rules/rule_parser.h"

namespace sluice::rules {
namespace {

using testing::OwnedPost;

// A post whose text is `text` (tokenised and folded like an extractor does).
std::unique_ptr<OwnedPost> PostWithText(std::string_view text) {
  auto post = std::make_unique<OwnedPost>();
  post->view.id = 1;
  post->AddTokens(text, post->view.text_tokens);
  post->view.texts.push_back(post->Keep(FoldCase(text)));
  return post;
}

std::shared_ptr<const CompiledRule> MustCompile(std::string_view text, uint64_t id = 1) {
  Result<std::shared_ptr<const CompiledRule>> rule =
      CompiledRule::Compile(RuleRecord{id, std::string(text), std::nullopt, 0});
  EXPECT_TRUE(rule.ok()) << text << ": " << rule.status().message();
  return rule.ok() ? *rule : nullptr;
}

// Whether `rule` matches `post`, through a one-rule RuleSet; checks that the reference agrees.
bool Matches(std::string_view rule_text, const PostView& post) {
  std::shared_ptr<const CompiledRule> rule = MustCompile(rule_text);
  if (rule == nullptr) return false;
  std::shared_ptr<const RuleSet> set = RuleSet::Build({rule});
  MatchScratch scratch;
  std::vector<uint32_t> matched;
  set->Match(post, scratch, matched);
  const bool indexed = !matched.empty();
  EXPECT_EQ(indexed, ReferenceMatches(rule->ast(), post))
      << rule_text << " on " << testing::DescribePost(post);
  return indexed;
}

TEST(RuleSetTest, Keywords) {
  auto post = PostWithText("Drinking Coca-Cola in the CAFÉ");
  EXPECT_TRUE(Matches("coca", post->view));
  EXPECT_TRUE(Matches("Café", post->view));
  EXPECT_TRUE(Matches("coca-cola", post->view));  // two tokens: a phrase
  EXPECT_FALSE(Matches("cola-coca", post->view));
  EXPECT_FALSE(Matches("drink", post->view));  // whole tokens only
  EXPECT_FALSE(Matches("...", post->view));    // no tokens: never
}

TEST(RuleSetTest, KeywordsMatchUrlTokens) {
  auto post = PostWithText("look");
  post->view.urls.push_back("https://example.com/kittens");
  post->AddTokens(post->view.urls.back(), post->view.url_tokens);
  EXPECT_TRUE(Matches("kittens", post->view));
  EXPECT_TRUE(Matches("\"example com\"", post->view));
  EXPECT_FALSE(Matches("\"look example\"", post->view));  // text and URLs are apart
}

TEST(RuleSetTest, PhrasesStayWithinASegment) {
  auto post = PostWithText("one two");
  post->view.text_tokens.push_back("");  // the quoted post follows
  post->AddTokens("three four", post->view.text_tokens);
  EXPECT_TRUE(Matches("\"one two\"", post->view));
  EXPECT_TRUE(Matches("\"three four\"", post->view));
  EXPECT_FALSE(Matches("\"two three\"", post->view));
  EXPECT_FALSE(Matches("\"two three\"~3", post->view));
  EXPECT_FALSE(Matches("\"two one\"", post->view));
}

TEST(RuleSetTest, Proximity) {
  auto post = PostWithText("a x y b c a");
  EXPECT_TRUE(Matches("\"a b\"~2", post->view));  // two tokens between
  EXPECT_FALSE(Matches("\"a b\"~1", post->view));
  EXPECT_TRUE(Matches("\"a b c\"~2", post->view));
  EXPECT_TRUE(Matches("\"b a\"~1", post->view));   // b c a: one between
  EXPECT_FALSE(Matches("\"y a\"~1", post->view));  // y b c a: two between
  EXPECT_FALSE(Matches("\"b x\"~6", post->view));  // in order only
  EXPECT_TRUE(Matches("\"c a\"~1", post->view));
  EXPECT_FALSE(Matches("\"a a\"~3", post->view));  // four tokens between the two a's
  EXPECT_TRUE(Matches("\"a a\"~4", post->view));
}

TEST(RuleSetTest, LongPhrasesAndLongPosts) {
  std::string text, phrase;
  for (int i = 0; i < 3000; ++i) text += "w" + std::to_string(i % 1500) + " ";
  for (int i = 100; i < 140; ++i) phrase += "w" + std::to_string(i) + " ";
  auto post = PostWithText(text);
  EXPECT_TRUE(Matches("\"" + phrase + "\"", post->view));
  EXPECT_TRUE(Matches("\"" + phrase + "w142\"~6", post->view));
  EXPECT_FALSE(Matches("\"" + phrase + "w142\"", post->view));
  EXPECT_TRUE(Matches("w1499 w0", post->view));
}

TEST(RuleSetTest, Contains) {
  auto post = PostWithText("Coca-Cola");
  EXPECT_TRUE(Matches("contains:ola", post->view));
  EXPECT_TRUE(Matches("contains:A-C", post->view));
  EXPECT_FALSE(Matches("contains:olaz", post->view));
  EXPECT_TRUE(Matches("contains:cola -contains:pepsi", post->view));
}

TEST(RuleSetTest, Entities) {
  auto post = PostWithText("hi");
  post->view.hashtags = {"cats"};
  post->view.mentions = {"jack"};
  post->view.cashtags = {"twtr"};
  EXPECT_TRUE(Matches("#Cats", post->view));
  EXPECT_FALSE(Matches("#cat", post->view));
  EXPECT_TRUE(Matches("@JACK", post->view));
  EXPECT_FALSE(Matches("@jill", post->view));
  EXPECT_TRUE(Matches("$TWTR", post->view));
  EXPECT_FALSE(Matches("cats", post->view));  // a hashtag is not a keyword by itself
  EXPECT_TRUE(Matches("has:hashtags has:mentions has:symbols", post->view));
  post->view.hashtags.clear();
  EXPECT_FALSE(Matches("has:hashtags", post->view));
}

TEST(RuleSetTest, Users) {
  auto post = PostWithText("hi");
  post->view.user_id = 42;
  post->view.user_screen_name = "jack";
  post->view.in_reply_to_user_id = 7;
  post->view.in_reply_to_screen_name = "ann";
  post->view.retweeted_user_id = 9;
  post->view.retweeted_screen_name = "bob";
  post->view.in_reply_to_status_id = 1001;
  post->view.retweeted_status_id = 2002;
  EXPECT_TRUE(Matches("from:42", post->view));
  EXPECT_TRUE(Matches("from:Jack", post->view));
  EXPECT_FALSE(Matches("from:43", post->view));
  EXPECT_FALSE(Matches("from:ann", post->view));
  EXPECT_TRUE(Matches("to:7", post->view));
  EXPECT_TRUE(Matches("to:ANN", post->view));
  EXPECT_FALSE(Matches("to:42", post->view));
  EXPECT_TRUE(Matches("retweets_of:9 retweets_of:bob", post->view));
  EXPECT_FALSE(Matches("retweets_of:jack", post->view));
  EXPECT_TRUE(Matches("in_reply_to_status_id:1001", post->view));
  EXPECT_FALSE(Matches("in_reply_to_status_id:2002", post->view));
  EXPECT_TRUE(Matches("retweets_of_status_id:2002", post->view));
  post->view.in_reply_to_user_id = 0;  // absent
  EXPECT_FALSE(Matches("to:0", post->view));
}

TEST(RuleSetTest, Urls) {
  auto post = PostWithText("hi");
  for (const char* url : {"https://example.com/a-b", "http://other.org/c"}) {
    post->view.urls.push_back(url);
    if (!post->view.url_tokens.empty()) post->view.url_tokens.push_back("");
    post->AddTokens(url, post->view.url_tokens);
  }
  EXPECT_TRUE(Matches("url:example.com", post->view));
  EXPECT_TRUE(Matches("url:\"https://example.com/a\"", post->view));
  EXPECT_FALSE(Matches("url:\"b http\"", post->view));  // not across two URLs
  EXPECT_FALSE(Matches("url:hi", post->view));          // text is not a URL
  EXPECT_TRUE(Matches("url_contains:Other.org/", post->view));
  EXPECT_FALSE(Matches("url_contains:\"b http\"", post->view));  // within one URL
}

TEST(RuleSetTest, LangAndProfile) {
  auto post = PostWithText("hi");
  post->view.lang = "en";
  post->AddTokens("Rust dev, cat person", post->view.user_bio_tokens);
  post->AddTokens("Ann B", post->view.user_name_tokens);
  post->AddTokens("New York", post->view.user_location_tokens);
  post->view.followers_count = 10;
  post->view.statuses_count = 5;
  post->view.friends_count = 0;
  post->view.listed_count = 3;
  EXPECT_TRUE(Matches("lang:EN", post->view));
  EXPECT_FALSE(Matches("lang:fr", post->view));
  EXPECT_TRUE(Matches("bio:\"rust dev\"", post->view));
  EXPECT_FALSE(Matches("bio:\"dev rust\"", post->view));
  EXPECT_TRUE(Matches("bio_name:ann", post->view));
  EXPECT_TRUE(Matches("bio_location:\"new york\"", post->view));
  EXPECT_FALSE(Matches("bio_location:ann", post->view));
  EXPECT_TRUE(Matches("followers_count:10", post->view));
  EXPECT_TRUE(Matches("followers_count:5..10", post->view));
  EXPECT_FALSE(Matches("followers_count:11", post->view));
  EXPECT_FALSE(Matches("statuses_count:6..9", post->view));
  EXPECT_TRUE(Matches("friends_count:0..0 listed_count:3", post->view));
}

TEST(RuleSetTest, Sample) {
  auto post = PostWithText("hi");
  for (uint64_t id = 1; id < 200; ++id) {
    post->view.id = id;
    const int bucket = SampleBucket(id);
    ASSERT_GE(bucket, 0);
    ASSERT_LT(bucket, 100);
    EXPECT_TRUE(Matches("sample:" + std::to_string(bucket + 1), post->view));
    if (bucket > 0) {
      EXPECT_FALSE(Matches("sample:" + std::to_string(bucket), post->view));
    }
  }
  EXPECT_EQ(SampleBucket(1234567890123456789ULL), SampleBucket(1234567890123456789ULL));
}

TEST(RuleSetTest, SourceAndPlace) {
  auto post = PostWithText("hi");
  post->AddTokens("Twitter Web App", post->view.source_tokens);
  post->view.source_url = "https://mobile.twitter.com";
  post->AddTokens("Paris, France", post->view.place_tokens);
  post->view.place_id = "07d9cd6afd884001";
  post->view.place_country = "fr";
  EXPECT_TRUE(Matches("source:\"web app\"", post->view));
  EXPECT_TRUE(Matches("source:\"https://mobile.twitter.com\"", post->view));
  EXPECT_FALSE(Matches("source:android", post->view));
  EXPECT_TRUE(Matches("place:paris", post->view));
  EXPECT_TRUE(Matches("place:07d9cd6afd884001", post->view));
  EXPECT_FALSE(Matches("place:london", post->view));
  EXPECT_TRUE(Matches("place_country:FR", post->view));
  EXPECT_FALSE(Matches("place_country:us", post->view));
}

TEST(RuleSetTest, Geo) {
  auto post = PostWithText("hi");
  post->view.point = GeoPoint{-105.27, 40.01};  // Boulder
  EXPECT_TRUE(Matches("point_radius:[-105.27 40.01 1mi]", post->view));
  EXPECT_TRUE(Matches("point_radius:[-105.30 40.01 3km]", post->view));  // ~2.6 km away
  EXPECT_FALSE(Matches("point_radius:[-105.30 40.01 2km]", post->view));
  EXPECT_TRUE(Matches("bounding_box:[-105.3 40.0 -105.2 40.1]", post->view));
  EXPECT_TRUE(Matches("bounding_box:[-105.27 40.01 -105.2 40.1]", post->view));  // inclusive
  EXPECT_FALSE(Matches("bounding_box:[-105.2 40.0 -105.1 40.1]", post->view));
  post->view.is_retweet = true;  // geo never matches retweets
  EXPECT_FALSE(Matches("point_radius:[-105.27 40.01 1mi]", post->view));
  EXPECT_FALSE(Matches("bounding_box:[-105.3 40.0 -105.2 40.1]", post->view));

  auto placed = PostWithText("hi");
  placed->view.place_box = GeoBox{-105.28, 40.0, -105.26, 40.02};
  EXPECT_TRUE(Matches("bounding_box:[-105.3 39.9 -105.2 40.1]", placed->view));
  EXPECT_FALSE(Matches("bounding_box:[-105.27 39.9 -105.2 40.1]", placed->view));  // partly out
  EXPECT_TRUE(Matches("point_radius:[-105.27 40.01 5km]", placed->view));
  EXPECT_FALSE(Matches("point_radius:[-105.27 40.01 1km]", placed->view));  // corners outside
}

TEST(RuleSetTest, Flags) {
  auto post = PostWithText("hi");
  post->view.is_reply = true;
  post->view.verified = true;
  post->view.has_media = true;
  post->view.has_images = true;
  EXPECT_TRUE(Matches("is:reply is:verified has:media has:images", post->view));
  EXPECT_FALSE(Matches("is:retweet", post->view));
  EXPECT_FALSE(Matches("is:quote", post->view));
  EXPECT_FALSE(Matches("has:videos", post->view));
  EXPECT_FALSE(Matches("has:geo", post->view));
  EXPECT_FALSE(Matches("has:links", post->view));
  EXPECT_FALSE(Matches("has:lang", post->view));
  EXPECT_TRUE(Matches("hi -is:retweet", post->view));
}

TEST(RuleSetTest, BooleanStructure) {
  auto post = PostWithText("cat dog");
  EXPECT_TRUE(Matches("cat dog", post->view));
  EXPECT_FALSE(Matches("cat bird", post->view));
  EXPECT_TRUE(Matches("bird OR dog", post->view));
  EXPECT_FALSE(Matches("cat -dog", post->view));
  EXPECT_TRUE(Matches("cat -(bird OR fish)", post->view));
  EXPECT_FALSE(Matches("cat -(bird OR dog)", post->view));
  EXPECT_TRUE(Matches("(bird OR cat) (fish OR dog)", post->view));
  EXPECT_TRUE(Matches("bird OR cat -fish", post->view));
}

TEST(RuleSetTest, RuleOfNegationsOnlyDoesNotCompile) {
  EXPECT_FALSE(CompiledRule::Compile(RuleRecord{1, "-cat -dog", std::nullopt, 0}).ok());
}

TEST(RuleSetTest, OrWithAnUnanchoredBranchStillMatches) {
  auto post = PostWithText("fish");
  post->view.followers_count = 5;
  EXPECT_TRUE(Matches("cat OR followers_count:5", post->view));
  EXPECT_TRUE(Matches("cat OR (fish -dog)", post->view));
  EXPECT_TRUE(Matches("(cat OR sample:100) fish", post->view));
  EXPECT_FALSE(Matches("cat OR followers_count:6", post->view));
}

TEST(RuleSetTest, EmptySet) {
  std::shared_ptr<const RuleSet> set = RuleSet::Build({});
  EXPECT_TRUE(set->empty());
  MatchScratch scratch;
  std::vector<uint32_t> matched = {7};
  auto post = PostWithText("anything");
  set->Match(post->view, scratch, matched);
  EXPECT_TRUE(matched.empty());
  EXPECT_GT(set->MemoryBytes(), 0u);
}

TEST(RuleSetTest, OutputIsAscendingAndOncePerRule) {
  // Indexed rules, an unanchored one (followers_count) and one filed under two keys of the post.
  const std::vector<std::string> texts = {"dog",  "fish", "followers_count:1..9", "cat OR dog",
                                          "bird", "cat",  "contains:at"};
  std::vector<std::shared_ptr<const CompiledRule>> rules;
  for (size_t i = 0; i < texts.size(); ++i) rules.push_back(MustCompile(texts[i], i + 1));
  std::shared_ptr<const RuleSet> set = RuleSet::Build(rules);
  ASSERT_EQ(set->size(), texts.size());
  EXPECT_EQ(set->rules()[4]->record().value, "bird");
  auto post = PostWithText("cat dog");
  post->view.followers_count = 3;
  MatchScratch scratch;
  std::vector<uint32_t> matched;
  set->Match(post->view, scratch, matched);
  EXPECT_EQ(matched, (std::vector<uint32_t>{0, 2, 3, 5, 6}));
}

TEST(RuleSetTest, ScratchServesSeveralSets) {
  std::shared_ptr<const RuleSet> small = RuleSet::Build({MustCompile("contains:a")});
  std::shared_ptr<const RuleSet> large =
      RuleSet::Build({MustCompile("x"), MustCompile("contains:bcd"), MustCompile("contains:cd")});
  auto post = PostWithText("abcd");
  MatchScratch scratch;
  std::vector<uint32_t> matched;
  for (int i = 0; i < 3; ++i) {
    small->Match(post->view, scratch, matched);
    EXPECT_EQ(matched, (std::vector<uint32_t>{0}));
    large->Match(post->view, scratch, matched);
    EXPECT_EQ(matched, (std::vector<uint32_t>{1, 2}));
  }
}

TEST(RuleSetTest, TwoThreadsMatchOneSet) {
  testing::RuleGenerator generator(11);
  std::vector<std::shared_ptr<const CompiledRule>> rules;
  for (int i = 0; i < 500; ++i) rules.push_back(MustCompile(generator.Generate(), i + 1));
  std::shared_ptr<const RuleSet> set = RuleSet::Build(rules);

  std::vector<std::unique_ptr<OwnedPost>> posts;
  testing::PostGenerator post_generator(12);
  for (int i = 0; i < 300; ++i) {
    posts.push_back(std::make_unique<OwnedPost>());
    post_generator.Fill(*posts.back());
  }
  std::vector<std::vector<uint32_t>> expected(posts.size());
  {
    MatchScratch scratch;
    for (size_t i = 0; i < posts.size(); ++i) set->Match(posts[i]->view, scratch, expected[i]);
  }
  auto worker = [&](int* mismatches) {
    MatchScratch scratch;
    std::vector<uint32_t> matched;
    for (int round = 0; round < 5; ++round) {
      for (size_t i = 0; i < posts.size(); ++i) {
        set->Match(posts[i]->view, scratch, matched);
        if (matched != expected[i]) ++*mismatches;
      }
    }
  };
  int mismatches_a = 0, mismatches_b = 0;
  std::thread a(worker, &mismatches_a);
  std::thread b(worker, &mismatches_b);
  a.join();
  b.join();
  EXPECT_EQ(mismatches_a, 0);
  EXPECT_EQ(mismatches_b, 0);
}

}  // namespace
}  // namespace sluice::rules
