// The extractor against the demo firehose: every generated post (v1.1, all kinds) yields a view
// that agrees with the post's JSON, and a throughput sanity print.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <time.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "post/post_parser.h"
#include "post/post_view.h"
#include "post/post_view_test_util.h"
#include "post/text_tokens.h"

// Counts every allocation of this test binary, to check that a warm extractor allocates nothing.
// Not under AddressSanitizer, which owns operator new and delete itself.
std::atomic<uint64_t> allocations{0};
#ifdef __SANITIZE_ADDRESS__
constexpr bool kCountsAllocations = false;
#else
constexpr bool kCountsAllocations = true;

void* operator new(size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
#endif

namespace sluice {
namespace {

size_t EntityCount(simdjson::dom::element status, const char* kind) {
  simdjson::dom::array list;
  simdjson::dom::element entities = status["entities"].value_unsafe();
  simdjson::dom::element extended;
  if (status["extended_tweet"].get(extended) == simdjson::SUCCESS) {
    entities = extended["entities"].value_unsafe();
  }
  return entities[kind].get(list) == simdjson::SUCCESS ? list.size() : 0;
}

TEST(PostViewGeneratedTest, EveryGeneratedPostAgreesWithItsJson) {
  const IngestBatch batch = GeneratePosts(1, 20000);
  PostViewExtractor extractor;
  PostView view;
  simdjson::dom::parser parser;
  int retweets = 0, quotes = 0, replies = 0, geo = 0, media = 0, links = 0;
  for (const IngestPostRef& ref : batch.posts) {
    const std::string_view json = batch.bytes(ref);
    const Status status = extractor.Extract(json, view);
    ASSERT_TRUE(status.ok()) << status.ToString() << "\n" << json;
    ASSERT_EQ(view.id, ref.id);

    simdjson::dom::element post = parser.parse(json.data(), json.size()).value();
    simdjson::dom::element retweeted, quoted;
    const bool is_retweet = post["retweeted_status"].get(retweeted) == simdjson::SUCCESS;
    const simdjson::dom::element content = is_retweet ? retweeted : post;
    const bool has_quoted = content["quoted_status"].get(quoted) == simdjson::SUCCESS;
    ASSERT_EQ(view.is_retweet, is_retweet) << json;
    ASSERT_EQ(view.is_quote, !is_retweet && has_quoted) << json;
    ASSERT_FALSE(view.text_tokens.empty()) << json;
    ASSERT_EQ(view.texts.size(), has_quoted ? 2u : 1u);

    size_t hashtags = EntityCount(content, "hashtags");
    size_t mentions = EntityCount(content, "user_mentions");
    size_t cashtags = EntityCount(content, "symbols");
    if (has_quoted) {
      hashtags += EntityCount(quoted, "hashtags");
      mentions += EntityCount(quoted, "user_mentions");
      cashtags += EntityCount(quoted, "symbols");
    }
    ASSERT_EQ(view.hashtags.size(), hashtags) << json;
    ASSERT_EQ(view.mentions.size(), mentions) << json;
    ASSERT_EQ(view.mention_ids.size(), mentions) << json;
    ASSERT_EQ(view.cashtags.size(), cashtags) << json;
    // Each hashtag is in the text's tokens (hashtags are words of the text).
    for (std::string_view tag : view.hashtags) {
      for (const std::string& token : Tokenize(tag)) {
        bool found = false;
        for (std::string_view t : view.text_tokens) found = found || t == token;
        ASSERT_TRUE(found) << token << "\n" << json;
      }
    }

    std::string_view screen_name;
    ASSERT_EQ(post["user"]["screen_name"].get(screen_name), simdjson::SUCCESS);
    ASSERT_EQ(view.user_screen_name, FoldCase(screen_name));
    ASSERT_EQ(view.user_id, post["user"]["id"].get_uint64().value());
    ASSERT_EQ(view.statuses_count, post["user"]["statuses_count"].get_int64().value());
    ASSERT_EQ(view.followers_count, post["user"]["followers_count"].get_int64().value());
    ASSERT_EQ(view.verified, post["user"]["verified"].get_bool().value());
    ASSERT_TRUE(view.has_lang);
    ASSERT_FALSE(view.source_tokens.empty());
    ASSERT_FALSE(view.source_url.empty());

    const bool has_place = post["place"].is_object();
    ASSERT_EQ(view.has_geo, has_place) << json;
    if (has_place) {
      ASSERT_TRUE(view.place_box.has_value());
      ASSERT_FALSE(view.place_country.empty());
      if (view.point) {
        ASSERT_GE(view.point->longitude, view.place_box->west) << json;
        ASSERT_LE(view.point->longitude, view.place_box->east) << json;
        ASSERT_GE(view.point->latitude, view.place_box->south) << json;
        ASSERT_LE(view.point->latitude, view.place_box->north) << json;
      }
    }
    const bool is_reply = !post["in_reply_to_status_id_str"].is_null();
    ASSERT_EQ(view.is_reply, is_reply);
    if (is_reply) {
      ASSERT_NE(view.in_reply_to_status_id, 0u);
      ASSERT_NE(view.in_reply_to_user_id, 0u);
      ASSERT_FALSE(view.in_reply_to_screen_name.empty());
    }
    if (is_retweet) {
      ASSERT_NE(view.retweeted_status_id, 0u);
      ASSERT_FALSE(view.retweeted_screen_name.empty());
    }
    retweets += view.is_retweet, quotes += view.is_quote, replies += view.is_reply;
    geo += view.has_geo, media += view.has_media, links += view.has_links;
  }
  // The documented mix (docs/generator.md), loosely.
  const int n = static_cast<int>(batch.size());
  EXPECT_NEAR(retweets, n * 0.27, n * 0.03);
  EXPECT_NEAR(quotes, n * 0.05, n * 0.02);
  EXPECT_NEAR(replies, n * 0.18, n * 0.03);
  EXPECT_GT(geo, 0);
  EXPECT_GT(media, 0);
  EXPECT_GT(links, media);
}

TEST(PostViewGeneratedTest, AWarmExtractorDoesNotAllocate) {
  if (!kCountsAllocations) GTEST_SKIP() << "allocations are not counted under AddressSanitizer";
  const IngestBatch batch = GeneratePosts(3, 5000);
  PostViewExtractor extractor;
  PostView view;
  for (const IngestPostRef& ref : batch.posts) {
    ASSERT_TRUE(extractor.Extract(batch.bytes(ref), view).ok());
  }
  const uint64_t before = allocations.load();
  for (const IngestPostRef& ref : batch.posts) {
    ASSERT_TRUE(extractor.Extract(batch.bytes(ref), view).ok());
  }
  EXPECT_EQ(allocations.load() - before, 0u);
}

// Every field of a view, one per line, to compare two views whole.
std::string Describe(const PostView& v) {
  std::string out;
  auto list = [&](const char* name, const std::vector<std::string_view>& items) {
    out += name;
    for (std::string_view item : items) out.append(" [").append(item).append("]");
    out += "\n";
  };
  auto number = [&](const char* name, double value) {
    out += name + (" " + std::to_string(value)) + "\n";
  };
  number("id", static_cast<double>(v.id));
  list("text_tokens", v.text_tokens);
  list("texts", v.texts);
  list("hashtags", v.hashtags);
  list("mentions", v.mentions);
  for (uint64_t id : v.mention_ids) out += std::to_string(id) + " ";
  list("cashtags", v.cashtags);
  list("urls", v.urls);
  list("url_tokens", v.url_tokens);
  list("user", {v.user_screen_name, v.lang, v.source_url, v.place_id, v.place_country,
                v.retweeted_screen_name, v.in_reply_to_screen_name});
  list("user_bio_tokens", v.user_bio_tokens);
  list("user_name_tokens", v.user_name_tokens);
  list("user_location_tokens", v.user_location_tokens);
  list("source_tokens", v.source_tokens);
  list("place_tokens", v.place_tokens);
  for (uint64_t n : {v.user_id, v.retweeted_status_id, v.retweeted_user_id, v.in_reply_to_status_id,
                     v.in_reply_to_user_id}) {
    out += std::to_string(n) + " ";
  }
  for (int64_t n : {v.statuses_count, v.followers_count, v.friends_count, v.listed_count}) {
    out += std::to_string(n) + " ";
  }
  if (v.place_box) {
    number("box", v.place_box->west + v.place_box->south * 7 + v.place_box->east * 13 +
                      v.place_box->north * 17);
  }
  if (v.point) number("point", v.point->longitude + v.point->latitude * 7);
  for (bool flag : {v.verified, v.is_retweet, v.is_reply, v.is_quote, v.has_geo, v.has_links,
                    v.has_media, v.has_images, v.has_videos, v.has_lang}) {
    out += flag ? '1' : '0';
  }
  return out;
}

TEST(PostViewGeneratedTest, ExtractPaddedGivesTheSameViewAsExtract) {
  const IngestBatch batch = GeneratePosts(5, 3000);
  PostViewExtractor copying, in_place;
  PostView want, got;
  // Padding of any content: the posts that follow in the batch, or bytes that would change the
  // post if simdjson read them as part of it.
  const std::string garbage(PostParser::kPadding, '9');
  std::string alone;
  for (const IngestPostRef& ref : batch.posts) {
    const std::string_view json = batch.bytes(ref);
    ASSERT_TRUE(copying.Extract(json, want).ok()) << json;
    const std::string expected = Describe(want);
    if (ref.offset + ref.length + PostParser::kPadding <= batch.data.size()) {
      ASSERT_TRUE(in_place.ExtractPadded(json, got).ok()) << json;
      ASSERT_EQ(Describe(got), expected) << json;
    }
    alone.assign(json);
    alone += garbage;
    ASSERT_TRUE(in_place.ExtractPadded(std::string_view(alone).substr(0, json.size()), got).ok());
    ASSERT_EQ(Describe(got), expected) << json;
  }
}

TEST(PostViewGeneratedTest, ExtractPaddedRefusesWhatExtractRefuses) {
  PostViewExtractor extractor;
  PostView view;
  for (std::string_view bad :
       {std::string_view(), std::string_view("  "), std::string_view("{\"id_str\":"),
        std::string_view("[1,2]"), std::string_view("{\"text\":\"no id\"}")}) {
    const Status copied = extractor.Extract(bad, view);
    std::string padded(bad);
    padded.append(PostParser::kPadding, '}');
    const Status in_place =
        extractor.ExtractPadded(std::string_view(padded).substr(0, bad.size()), view);
    EXPECT_FALSE(copied.ok()) << bad;
    EXPECT_EQ(in_place.code(), copied.code()) << bad;
    EXPECT_EQ(in_place.message(), copied.message()) << bad;
  }
}

// CPU time, not wall time: the print should not depend on what else the machine runs.
double ThreadCpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

// Posts per second of thread CPU time for `extract` over the batch, warm.
template <typename Extract>
double PostsPerSecond(const IngestBatch& batch, Extract&& extract) {
  for (const IngestPostRef& ref : batch.posts) extract(batch.bytes(ref));
  constexpr int kRounds = 5;
  const double start = ThreadCpuSeconds();
  for (int round = 0; round < kRounds; ++round) {
    for (const IngestPostRef& ref : batch.posts) extract(batch.bytes(ref));
  }
  return static_cast<double>(batch.size()) * kRounds / (ThreadCpuSeconds() - start);
}

// Not a benchmark (bench/ has those): a sanity print of extraction speed on the demo mix, for
// with simdjson's DOM parse alone for scale (extraction starts with it).
TEST(PostViewGeneratedTest, ThroughputSanityPrint) {
  const IngestBatch batch = GeneratePosts(7, 20000);
  PostViewExtractor extractor;
  PostView view;
  size_t tokens = 0;
  const double validating = PostsPerSecond(batch, [&](std::string_view json) {
    (void)extractor.Extract(json, view);
    tokens += view.text_tokens.size();
  });
  simdjson::dom::parser parser;
  const double parse = PostsPerSecond(
      batch, [&](std::string_view json) { (void)parser.parse(json.data(), json.size()).error(); });
  const double post_bytes = static_cast<double>(batch.data.size()) / batch.size();
  std::printf(
      "PostViewExtractor (%.0f-byte posts, thread CPU): Extract %.0f posts/s/core (%.0f MB/s); "
      "DOM parse alone %.0f/s\n",
      post_bytes, validating, validating * post_bytes / 1e6, parse);
  EXPECT_GT(tokens, 0u);
}

}  // namespace
}  // namespace sluice
