#include "post/post_view.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>
#include <vector>

#include "post/post_parser.h"

namespace sluice {
namespace {

using Strings = std::vector<std::string>;

Strings S(const std::vector<std::string_view>& views) {
  return Strings(views.begin(), views.end());
}

void ExpectPoint(const PostView& v, double longitude, double latitude) {
  ASSERT_TRUE(v.point.has_value());
  EXPECT_DOUBLE_EQ(v.point->longitude, longitude);
  EXPECT_DOUBLE_EQ(v.point->latitude, latitude);
}

void ExpectBox(const PostView& v, double west, double south, double east, double north) {
  ASSERT_TRUE(v.place_box.has_value());
  EXPECT_DOUBLE_EQ(v.place_box->west, west);
  EXPECT_DOUBLE_EQ(v.place_box->south, south);
  EXPECT_DOUBLE_EQ(v.place_box->east, east);
  EXPECT_DOUBLE_EQ(v.place_box->north, north);
}

class PostViewTest : public ::testing::Test {
 protected:
  const PostView& View(std::string_view json) {
    const Status status = extractor_.Extract(json, view_);
    EXPECT_TRUE(status.ok()) << status.ToString() << "\n" << json;
    return view_;
  }
  std::string Error(std::string_view json) {
    const Status status = extractor_.Extract(json, view_);
    EXPECT_FALSE(status.ok()) << json;
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
    return status.message();
  }

  PostViewExtractor extractor_;
  PostView view_;
};

// ---------------------------------------------------------------------------------------------
// v1.1 "original"

constexpr std::string_view kV1Original = R"({
  "created_at":"Mon Nov 23 00:46:19 +0000 2026","id":1595000000000000001,
  "id_str":"1595000000000000001",
  "text":"Coca-Cola &amp; café at the GAME! #WorldCup @FIFAcom $KO https://t.co/abc",
  "source":"<a href=\"https://About.Example.com/App\" rel=\"nofollow\">Tweet-Deck Pro</a>",
  "truncated":false,
  "in_reply_to_status_id":null,"in_reply_to_status_id_str":null,
  "in_reply_to_user_id":null,"in_reply_to_user_id_str":null,"in_reply_to_screen_name":null,
  "user":{"id":42,"id_str":"42","name":"Ana María","screen_name":"AnaM",
          "location":"São Paulo, Brasil","description":"Coffee LOVER ☕ and dev",
          "verified":true,"followers_count":1500,"friends_count":300,"listed_count":7,
          "statuses_count":12345},
  "geo":{"type":"Point","coordinates":[40.5,-3.75]},
  "coordinates":{"type":"Point","coordinates":[-3.75,40.5]},
  "place":{"id":"ABC123def","url":"https://api.twitter.com/1.1/geo/id/abc.json",
           "place_type":"city","name":"Madrid","full_name":"Madrid, Spain","country_code":"ES",
           "country":"Spain","bounding_box":{"type":"Polygon","coordinates":[[[-3.9,40.3],
           [-3.9,40.6],[-3.5,40.6],[-3.5,40.3]]]}},
  "is_quote_status":false,
  "entities":{"hashtags":[{"text":"WorldCup","indices":[34,43]}],
              "urls":[{"url":"https://t.co/abc","expanded_url":"https://www.Example.com/News/Story-1",
                       "display_url":"example.com/news","indices":[58,81]}],
              "user_mentions":[{"screen_name":"FIFAcom","name":"FIFA","id":7,"id_str":"7",
                                "indices":[44,52]}],
              "symbols":[{"text":"KO","indices":[53,56]}]},
  "lang":"ES","timestamp_ms":"1795394779000"})";

TEST_F(PostViewTest, V1OriginalEveryField) {
  const PostView& v = View(kV1Original);
  EXPECT_EQ(v.id, 1595000000000000001u);
  EXPECT_EQ(S(v.text_tokens), (Strings{"coca", "cola", "café", "at", "the", "game", "worldcup",
                                       "fifacom", "ko", "https", "t", "co", "abc"}));
  EXPECT_EQ(S(v.texts),
            (Strings{"coca-cola & café at the game! #worldcup @fifacom $ko https://t.co/abc"}));
  EXPECT_EQ(S(v.hashtags), (Strings{"worldcup"}));
  EXPECT_EQ(S(v.mentions), (Strings{"fifacom"}));
  EXPECT_EQ(v.mention_ids, (std::vector<uint64_t>{7}));
  EXPECT_EQ(S(v.cashtags), (Strings{"ko"}));
  EXPECT_EQ(S(v.urls), (Strings{"https://www.example.com/news/story-1"}));
  EXPECT_EQ(S(v.url_tokens), (Strings{"https", "www", "example", "com", "news", "story", "1"}));

  EXPECT_EQ(v.user_id, 42u);
  EXPECT_EQ(v.user_screen_name, "anam");
  EXPECT_EQ(S(v.user_bio_tokens), (Strings{"coffee", "lover", "and", "dev"}));
  EXPECT_EQ(S(v.user_name_tokens), (Strings{"ana", "maría"}));
  EXPECT_EQ(S(v.user_location_tokens), (Strings{"são", "paulo", "brasil"}));
  EXPECT_EQ(v.statuses_count, 12345);
  EXPECT_EQ(v.followers_count, 1500);
  EXPECT_EQ(v.friends_count, 300);
  EXPECT_EQ(v.listed_count, 7);
  EXPECT_TRUE(v.verified);

  EXPECT_EQ(v.lang, "es");
  EXPECT_TRUE(v.has_lang);
  EXPECT_EQ(S(v.source_tokens), (Strings{"tweet", "deck", "pro"}));
  EXPECT_EQ(v.source_url, "https://about.example.com/app");

  EXPECT_EQ(S(v.place_tokens), (Strings{"madrid", "spain"}));
  EXPECT_EQ(v.place_id, "abc123def");
  EXPECT_EQ(v.place_country, "es");
  ExpectBox(v, -3.9, 40.3, -3.5, 40.6);
  ExpectPoint(v, -3.75, 40.5);

  EXPECT_FALSE(v.is_retweet);
  EXPECT_FALSE(v.is_reply);
  EXPECT_FALSE(v.is_quote);
  EXPECT_EQ(v.retweeted_status_id, 0u);
  EXPECT_EQ(v.retweeted_user_id, 0u);
  EXPECT_EQ(v.retweeted_screen_name, "");
  EXPECT_EQ(v.in_reply_to_status_id, 0u);
  EXPECT_EQ(v.in_reply_to_user_id, 0u);
  EXPECT_EQ(v.in_reply_to_screen_name, "");

  EXPECT_TRUE(v.has_geo);
  EXPECT_TRUE(v.has_links);
  EXPECT_FALSE(v.has_media);
  EXPECT_FALSE(v.has_images);
  EXPECT_FALSE(v.has_videos);
}

TEST_F(PostViewTest, V1DeprecatedGeoIsLatitudeFirst) {
  const PostView& v =
      View(R"({"id_str":"5","text":"x","geo":{"type":"Point","coordinates":[51.5,-0.12]}})");
  ExpectPoint(v, -0.12, 51.5);
  EXPECT_TRUE(v.has_geo);
  EXPECT_FALSE(v.place_box.has_value());
}

TEST_F(PostViewTest, V1PlaceWithoutPointHasGeo) {
  const PostView& v = View(R"({"id":5,"text":"x","geo":null,"coordinates":null,
    "place":{"id":"p1","full_name":"Paris, France","country_code":"FR"}})");
  EXPECT_FALSE(v.point.has_value());
  EXPECT_TRUE(v.has_geo);
  EXPECT_EQ(v.place_country, "fr");
  EXPECT_FALSE(v.place_box.has_value());
}

TEST_F(PostViewTest, V1ReplyFields) {
  const PostView& v = View(R"({"id_str":"10","text":"@Bob hi",
    "in_reply_to_status_id":9,"in_reply_to_status_id_str":"9",
    "in_reply_to_user_id":77,"in_reply_to_user_id_str":"77","in_reply_to_screen_name":"Bob"})");
  EXPECT_TRUE(v.is_reply);
  EXPECT_EQ(v.in_reply_to_status_id, 9u);
  EXPECT_EQ(v.in_reply_to_user_id, 77u);
  EXPECT_EQ(v.in_reply_to_screen_name, "bob");
}

TEST_F(PostViewTest, V1ExtendedTweetPrefersFullTextAndItsEntities) {
  const PostView& v = View(R"({"id_str":"11","truncated":true,
    "text":"Short start… https://t.co/self",
    "entities":{"hashtags":[],"urls":[{"url":"https://t.co/self",
                "expanded_url":"https://twitter.com/i/web/status/11"}],
                "user_mentions":[],"symbols":[]},
    "extended_tweet":{"full_text":"Short start and the long END #Tail",
      "entities":{"hashtags":[{"text":"Tail"}],"urls":[],"user_mentions":[],"symbols":[],
                  "media":[{"type":"photo","expanded_url":"https://x.com/p"}]},
      "extended_entities":{"media":[{"type":"video"}]}}})");
  EXPECT_EQ(S(v.text_tokens), (Strings{"short", "start", "and", "the", "long", "end", "tail"}));
  EXPECT_EQ(S(v.hashtags), (Strings{"tail"}));
  EXPECT_TRUE(v.urls.empty());
  EXPECT_TRUE(v.has_media);
  EXPECT_TRUE(v.has_videos);
  EXPECT_FALSE(v.has_images);  // extended_entities has the real type
  EXPECT_TRUE(v.has_links);    // media count as links
}

TEST_F(PostViewTest, V1MediaTypes) {
  const PostView& photo = View(R"({"id_str":"12","text":"x",
    "entities":{"media":[{"type":"photo"}]},"extended_entities":{"media":[{"type":"photo"}]}})");
  EXPECT_TRUE(photo.has_media && photo.has_images && photo.has_links);
  EXPECT_FALSE(photo.has_videos);
  const PostView& gif = View(R"({"id_str":"12","text":"x",
    "entities":{"media":[{"type":"photo"}]},
    "extended_entities":{"media":[{"type":"animated_gif"}]}})");
  EXPECT_TRUE(gif.has_media && gif.has_videos);
  EXPECT_FALSE(gif.has_images);
  const PostView& only_entities =
      View(R"({"id_str":"12","text":"x","entities":{"media":[{"type":"photo"}]}})");
  EXPECT_TRUE(only_entities.has_images);
}

constexpr std::string_view kV1Retweet = R"({"id_str":"20","text":"RT @Orig: Truncated te…",
  "source":"<a href=\"https://rt.app\" rel=\"nofollow\">RT App</a>","lang":"en",
  "user":{"id_str":"1","screen_name":"Retweeter","name":"R","followers_count":3},
  "geo":null,"coordinates":null,"place":null,
  "entities":{"hashtags":[],"user_mentions":[{"screen_name":"Orig","id_str":"2"}],"urls":[],
              "symbols":[]},
  "retweeted_status":{"id_str":"19","text":"Truncated text in full #Original",
    "user":{"id_str":"2","screen_name":"Orig","name":"O"},
    "coordinates":{"type":"Point","coordinates":[1,2]},
    "place":{"id":"pp","full_name":"Somewhere","country_code":"GB"},
    "entities":{"hashtags":[{"text":"Original"}],"user_mentions":[],"urls":[],"symbols":[]},
    "extended_entities":{"media":[{"type":"photo"}]}}})";

TEST_F(PostViewTest, V1RetweetContentIsTheRetweetedPost) {
  const PostView& v = View(kV1Retweet);
  EXPECT_TRUE(v.is_retweet);
  EXPECT_FALSE(v.is_quote);
  EXPECT_FALSE(v.is_reply);
  EXPECT_EQ(v.retweeted_status_id, 19u);
  EXPECT_EQ(v.retweeted_user_id, 2u);
  EXPECT_EQ(v.retweeted_screen_name, "orig");
  EXPECT_EQ(S(v.text_tokens), (Strings{"truncated", "text", "in", "full", "original"}));
  EXPECT_EQ(S(v.hashtags), (Strings{"original"}));
  EXPECT_TRUE(v.mentions.empty());  // the "RT @Orig" mention is the retweet's own
  EXPECT_TRUE(v.has_images);
  // The author is the retweeter.
  EXPECT_EQ(v.user_id, 1u);
  EXPECT_EQ(v.user_screen_name, "retweeter");
  EXPECT_EQ(S(v.source_tokens), (Strings{"rt", "app"}));
  // Geo never matches a retweet, not even through the retweeted post.
  EXPECT_FALSE(v.has_geo);
  EXPECT_FALSE(v.point.has_value());
  EXPECT_TRUE(v.place_id.empty());
  EXPECT_TRUE(v.place_tokens.empty());
}

constexpr std::string_view kV1Quote = R"({"id_str":"30","text":"So true @Friend",
  "is_quote_status":true,"quoted_status_id_str":"29",
  "entities":{"hashtags":[],"user_mentions":[{"screen_name":"Friend","id":5}],"urls":[],
              "symbols":[]},
  "place":{"id":"own","full_name":"Lisbon, Portugal","country_code":"PT"},
  "user":{"id_str":"3","screen_name":"Quoter"},
  "quoted_status":{"id_str":"29","text":"Original words $TSLA",
    "user":{"id_str":"4","screen_name":"QuotedAuthor","description":"quoted bio"},
    "coordinates":{"type":"Point","coordinates":[10,20]},
    "place":{"id":"theirs","full_name":"Rome, Italy","country_code":"IT"},
    "entities":{"hashtags":[{"text":"Q"}],"user_mentions":[],"symbols":[{"text":"TSLA"}],
                "urls":[{"expanded_url":"https://quoted.example/a"}]},
    "extended_entities":{"media":[{"type":"video"}]}}})";

TEST_F(PostViewTest, V1QuoteAddsQuotedContentAfterASegmentBreak) {
  const PostView& v = View(kV1Quote);
  EXPECT_TRUE(v.is_quote);
  EXPECT_FALSE(v.is_retweet);
  EXPECT_EQ(S(v.text_tokens), (Strings{"so", "true", "friend", "", "original", "words", "tsla"}));
  EXPECT_EQ(S(v.texts), (Strings{"so true @friend", "original words $tsla"}));
  EXPECT_EQ(S(v.hashtags), (Strings{"q"}));
  EXPECT_EQ(S(v.mentions), (Strings{"friend"}));
  EXPECT_EQ(v.mention_ids, (std::vector<uint64_t>{5}));
  EXPECT_EQ(S(v.cashtags), (Strings{"tsla"}));
  EXPECT_EQ(S(v.urls), (Strings{"https://quoted.example/a"}));
  EXPECT_TRUE(v.has_links);
  EXPECT_TRUE(v.has_videos);
  // The quoted author and the quoted post's geo do not count.
  EXPECT_EQ(v.user_id, 3u);
  EXPECT_EQ(v.user_screen_name, "quoter");
  EXPECT_TRUE(v.user_bio_tokens.empty());
  EXPECT_EQ(v.place_id, "own");
  EXPECT_FALSE(v.point.has_value());
}

TEST_F(PostViewTest, V1RetweetOfQuoteUsesTheRetweetedPostsQuote) {
  const PostView& v = View(R"({"id_str":"40","text":"RT @A: a",
    "retweeted_status":{"id_str":"39","text":"quoting it","is_quote_status":true,
      "user":{"id_str":"8","screen_name":"A"},
      "quoted_status":{"id_str":"38","text":"the quoted one"}},
    "is_quote_status":true,
    "quoted_status":{"id_str":"38","text":"the quoted one"}})");
  EXPECT_TRUE(v.is_retweet);
  EXPECT_FALSE(v.is_quote);
  EXPECT_EQ(S(v.text_tokens), (Strings{"quoting", "it", "", "the", "quoted", "one"}));
}

TEST_F(PostViewTest, QuotedOfQuotedIsNotFollowed) {
  const PostView& v = View(R"({"id_str":"50","text":"one",
    "quoted_status":{"id_str":"49","text":"two",
      "quoted_status":{"id_str":"48","text":"three"}}})");
  EXPECT_EQ(S(v.text_tokens), (Strings{"one", "", "two"}));
}

TEST_F(PostViewTest, V1IdsAsNumbersOrStrings) {
  const PostView& v = View(R"({"id":18446744073709551615,"text":"x",
    "user":{"id":12,"screen_name":"a","statuses_count":"17"},
    "in_reply_to_status_id":99,"in_reply_to_user_id":12,
    "entities":{"user_mentions":[{"screen_name":"b","id":13}]}})");
  EXPECT_EQ(v.id, 18446744073709551615u);
  EXPECT_EQ(v.user_id, 12u);
  EXPECT_EQ(v.statuses_count, 17);
  EXPECT_EQ(v.in_reply_to_status_id, 99u);
  EXPECT_EQ(v.in_reply_to_user_id, 12u);
  EXPECT_TRUE(v.is_reply);
  EXPECT_EQ(v.mention_ids, (std::vector<uint64_t>{13}));
}

TEST_F(PostViewTest, UrlTokensHaveABreakBetweenUrls) {
  const PostView& v = View(R"({"id_str":"13","text":"two links",
    "entities":{"urls":[{"url":"https://t.co/1","expanded_url":"https://a.example/x"},
                        {"url":"https://t.co/2","expanded_url":null},
                        {"url":"https://t.co/3","expanded_url":"https://b.example/Y"}]}})");
  EXPECT_EQ(S(v.urls), (Strings{"https://a.example/x", "https://t.co/2", "https://b.example/y"}));
  EXPECT_EQ(S(v.url_tokens), (Strings{"https", "a", "example", "x", "", "https", "t", "co", "2", "",
                                      "https", "b", "example", "y"}));
}

TEST_F(PostViewTest, V1TopLevelFullTextAndJsonEscapes) {
  // tweet_mode=extended puts the whole text in full_text; \u escapes are decoded by the parser.
  const PostView& v =
      View(R"({"id_str":"14","full_text":"Caf\u00e9 \ud83d\ude02 \"QUOTED\" a&amp;amp;b",
    "text":"ignored"})");
  EXPECT_EQ(S(v.text_tokens), (Strings{"café", "quoted", "a", "amp", "b"}));
  EXPECT_EQ(S(v.texts), (Strings{"café 😂 \"quoted\" a&amp;b"}));  // unescaped once only
}

TEST_F(PostViewTest, V2VerifiedAndNumericIds) {
  const PostView& v = View(R"({"data":{"id":1234,"text":"x","author_id":"5"},
    "includes":{"users":[{"id":"5","username":"V","verified":true,
                          "public_metrics":{"followers_count":"12"}}]}})");
  EXPECT_EQ(v.id, 1234u);
  EXPECT_EQ(v.user_id, 5u);
  EXPECT_TRUE(v.verified);
  EXPECT_EQ(v.followers_count, 12);
  EXPECT_FALSE(v.has_lang);
}

TEST_F(PostViewTest, LangUndIsNoLang) {
  EXPECT_FALSE(View(R"({"id":1,"text":"x","lang":"und"})").has_lang);
  EXPECT_FALSE(View(R"({"id":1,"text":"x"})").has_lang);
  EXPECT_EQ(View(R"({"id":1,"text":"x","lang":"zh-Hant"})").lang, "zh-hant");
}

TEST_F(PostViewTest, PlainSourceHasNoUrl) {
  const PostView& v = View(R"({"id":1,"text":"x","source":"web"})");
  EXPECT_EQ(S(v.source_tokens), (Strings{"web"}));
  EXPECT_EQ(v.source_url, "");
}

TEST_F(PostViewTest, MinimalPostHasEmptyView) {
  const PostView& v = View(R"({"id_str":"7"})");
  EXPECT_EQ(v.id, 7u);
  EXPECT_TRUE(v.text_tokens.empty());
  EXPECT_FALSE(v.has_geo || v.has_links || v.has_media || v.has_lang || v.is_retweet);
}

TEST_F(PostViewTest, AFieldOfTheWrongTypeIsIgnored) {
  const PostView& v = View(R"({"id_str":"7","text":5,"user":"nobody","entities":[1],
    "coordinates":{"coordinates":["a","b"]},"place":{"bounding_box":{"coordinates":7}},
    "retweeted_status":null,"lang":null})");
  EXPECT_EQ(v.id, 7u);
  EXPECT_FALSE(v.is_retweet);
  EXPECT_FALSE(v.point.has_value());
}

// ---------------------------------------------------------------------------------------------
// v2

constexpr std::string_view kV2Original = R"({
  "data":{"id":"1600","text":"Hola MUNDO &lt;3 #Fútbol @Messi $MELI https://t.co/x",
    "author_id":"100","lang":"es","source":"Twitter for iPhone",
    "in_reply_to_user_id":"101",
    "referenced_tweets":[{"type":"replied_to","id":"1599"}],
    "entities":{"hashtags":[{"start":17,"end":24,"tag":"Fútbol"}],
      "mentions":[{"start":25,"end":31,"username":"Messi","id":"102"}],
      "cashtags":[{"start":32,"end":37,"tag":"MELI"}],
      "urls":[{"url":"https://t.co/x","expanded_url":"https://News.example/Gol",
               "display_url":"news.example/gol"},
              {"url":"https://t.co/m","expanded_url":"https://x.com/u/status/1600/photo/1",
               "media_key":"3_1"}]},
    "attachments":{"media_keys":["3_1","7_2"]},
    "geo":{"place_id":"pl1","coordinates":{"type":"Point","coordinates":[-58.4,-34.6]}}},
  "includes":{
    "users":[{"id":"101","username":"Diego","name":"D"},
             {"id":"100","username":"LeoFan","name":"Leo FAN","description":"Vamos ⚽ Argentina",
              "location":"Buenos Aires","verified":false,
              "public_metrics":{"followers_count":10,"following_count":20,"tweet_count":30,
                                "listed_count":40}}],
    "media":[{"media_key":"3_1","type":"photo"},{"media_key":"7_2","type":"video"}],
    "places":[{"id":"pl1","full_name":"Buenos Aires, Argentina","country_code":"AR",
               "geo":{"type":"Feature","bbox":[-58.5,-34.7,-58.3,-34.5]}}]}})";

TEST_F(PostViewTest, V2EveryField) {
  const PostView& v = View(kV2Original);
  EXPECT_EQ(v.id, 1600u);
  EXPECT_EQ(S(v.text_tokens),
            (Strings{"hola", "mundo", "3", "fútbol", "messi", "meli", "https", "t", "co", "x"}));
  EXPECT_EQ(S(v.texts), (Strings{"hola mundo <3 #fútbol @messi $meli https://t.co/x"}));
  EXPECT_EQ(S(v.hashtags), (Strings{"fútbol"}));
  EXPECT_EQ(S(v.mentions), (Strings{"messi"}));
  EXPECT_EQ(v.mention_ids, (std::vector<uint64_t>{102}));
  EXPECT_EQ(S(v.cashtags), (Strings{"meli"}));
  EXPECT_EQ(S(v.urls), (Strings{"https://news.example/gol"}));  // the media link is media
  EXPECT_EQ(S(v.url_tokens), (Strings{"https", "news", "example", "gol"}));

  EXPECT_EQ(v.user_id, 100u);
  EXPECT_EQ(v.user_screen_name, "leofan");
  EXPECT_EQ(S(v.user_bio_tokens), (Strings{"vamos", "argentina"}));
  EXPECT_EQ(S(v.user_name_tokens), (Strings{"leo", "fan"}));
  EXPECT_EQ(S(v.user_location_tokens), (Strings{"buenos", "aires"}));
  EXPECT_EQ(v.statuses_count, 30);
  EXPECT_EQ(v.followers_count, 10);
  EXPECT_EQ(v.friends_count, 20);
  EXPECT_EQ(v.listed_count, 40);
  EXPECT_FALSE(v.verified);

  EXPECT_EQ(v.lang, "es");
  EXPECT_TRUE(v.has_lang);
  EXPECT_EQ(S(v.source_tokens), (Strings{"twitter", "for", "iphone"}));
  EXPECT_EQ(v.source_url, "");

  EXPECT_EQ(S(v.place_tokens), (Strings{"buenos", "aires", "argentina"}));
  EXPECT_EQ(v.place_id, "pl1");
  EXPECT_EQ(v.place_country, "ar");
  ExpectBox(v, -58.5, -34.7, -58.3, -34.5);
  ExpectPoint(v, -58.4, -34.6);

  EXPECT_FALSE(v.is_retweet);
  EXPECT_FALSE(v.is_quote);
  EXPECT_TRUE(v.is_reply);
  EXPECT_EQ(v.in_reply_to_status_id, 1599u);
  EXPECT_EQ(v.in_reply_to_user_id, 101u);
  EXPECT_EQ(v.in_reply_to_screen_name, "diego");

  EXPECT_TRUE(v.has_geo);
  EXPECT_TRUE(v.has_links);
  EXPECT_TRUE(v.has_media);
  EXPECT_TRUE(v.has_images);
  EXPECT_TRUE(v.has_videos);
}

constexpr std::string_view kV2RetweetOfQuote = R"({
  "data":{"id":"2000","text":"RT @Orig: cut…","author_id":"1","lang":"en",
    "referenced_tweets":[{"type":"retweeted","id":"1999"}],
    "geo":{"place_id":"x"}},
  "includes":{
    "users":[{"id":"1","username":"Retweeter"},{"id":"2","username":"Orig"},
             {"id":"3","username":"Quoted","description":"not counted"}],
    "tweets":[{"id":"1999","text":"My take #Hot","author_id":"2",
               "referenced_tweets":[{"type":"quoted","id":"1998"}],
               "entities":{"hashtags":[{"tag":"Hot"}]}},
              {"id":"1998","text":"Quoted words","author_id":"3",
               "entities":{"cashtags":[{"tag":"AAPL"}]},
               "attachments":{"media_keys":["m1"]}}],
    "media":[{"media_key":"m1","type":"animated_gif"}]}})";

TEST_F(PostViewTest, V2RetweetResolvesTheRetweetedPostAndItsQuote) {
  const PostView& v = View(kV2RetweetOfQuote);
  EXPECT_TRUE(v.is_retweet);
  EXPECT_FALSE(v.is_quote);
  EXPECT_EQ(v.retweeted_status_id, 1999u);
  EXPECT_EQ(v.retweeted_user_id, 2u);
  EXPECT_EQ(v.retweeted_screen_name, "orig");
  EXPECT_EQ(S(v.text_tokens), (Strings{"my", "take", "hot", "", "quoted", "words"}));
  EXPECT_EQ(S(v.hashtags), (Strings{"hot"}));
  EXPECT_EQ(S(v.cashtags), (Strings{"aapl"}));
  EXPECT_TRUE(v.has_videos);
  EXPECT_EQ(v.user_id, 1u);
  EXPECT_EQ(v.user_screen_name, "retweeter");
  EXPECT_FALSE(v.has_geo);  // never for a retweet
}

TEST_F(PostViewTest, V2QuoteAndMissingIncludes) {
  const PostView& v = View(R"({"data":{"id":"3000","text":"look","author_id":"9",
    "referenced_tweets":[{"type":"quoted","id":"2999"}]}})");
  EXPECT_TRUE(v.is_quote);
  EXPECT_EQ(S(v.text_tokens), (Strings{"look"}));  // the quoted post is not included
  EXPECT_EQ(v.user_id, 9u);
  const PostView& rt = View(R"({"data":{"id":"3001","text":"RT @x: y","author_id":"9",
    "referenced_tweets":[{"type":"retweeted","id":"2999"}]}})");
  EXPECT_TRUE(rt.is_retweet);
  EXPECT_EQ(rt.retweeted_status_id, 2999u);
  EXPECT_EQ(rt.retweeted_screen_name, "");
  EXPECT_EQ(S(rt.text_tokens), (Strings{"rt", "x", "y"}));
}

TEST_F(PostViewTest, V2NoteTweetHasTheLongText) {
  const PostView& v = View(R"({"data":{"id":"4000","text":"Start of a long…",
    "note_tweet":{"text":"Start of a long post #Long","entities":{"hashtags":[{"tag":"Long"}]}}}})");
  EXPECT_EQ(S(v.text_tokens), (Strings{"start", "of", "a", "long", "post", "long"}));
  EXPECT_EQ(S(v.hashtags), (Strings{"long"}));
}

TEST_F(PostViewTest, V2MediaKeyWithoutIncludeStillCountsAsMedia) {
  const PostView& v =
      View(R"({"data":{"id":"4001","text":"x","attachments":{"media_keys":["k"]}}})");
  EXPECT_TRUE(v.has_media);
  EXPECT_TRUE(v.has_links);
  EXPECT_FALSE(v.has_images || v.has_videos);
}

// ---------------------------------------------------------------------------------------------
// Errors: the posts PostParser refuses, with its words.

TEST_F(PostViewTest, NotJsonIsAnError) {
  EXPECT_EQ(Error("{\"id\":1,"),
            "invalid JSON: The JSON document has an improper structure: "
            "missing or superfluous commas, braces, missing keys, etc.");
  EXPECT_TRUE(Error("").starts_with("invalid JSON: "));
  EXPECT_TRUE(Error("{\"id\":1} x").starts_with("invalid JSON: "));
}

TEST_F(PostViewTest, NotAnObjectIsAnError) {
  EXPECT_EQ(Error("[1,2]"), "post is not a JSON object");
  EXPECT_EQ(Error("\"text\""), "post is not a JSON object");
}

TEST_F(PostViewTest, NoIdIsAnError) {
  EXPECT_EQ(Error(R"({"text":"x"})"), "post has no id (expected id_str, id, or data.id)");
  EXPECT_EQ(Error(R"({"data":{"text":"x"}})"), "post has no id (expected id_str, id, or data.id)");
}

TEST_F(PostViewTest, BadIdIsAnError) {
  EXPECT_EQ(Error(R"({"id_str":"12a","id":12})"), "post id is not a positive 64-bit integer");
  EXPECT_EQ(Error(R"({"id":0})"), "post id is not a positive 64-bit integer");
  EXPECT_EQ(Error(R"({"id":-5})"), "post id is not a positive 64-bit integer");
  EXPECT_EQ(Error(R"({"data":{"id":"99999999999999999999"}})"),
            "post id is not a positive 64-bit integer");
}

TEST_F(PostViewTest, AnErrorLeavesAnEmptyView) {
  View(kV1Original);
  (void)Error("nope");
  EXPECT_EQ(view_.id, 0u);
  EXPECT_TRUE(view_.text_tokens.empty());
  EXPECT_FALSE(view_.point.has_value());
}

// ---------------------------------------------------------------------------------------------
// Any value of the wrong type

// Writes `value` as JSON, with the `target`-th value (pre-order) replaced by `replacement`.
void WriteReplacing(simdjson::dom::element value, int target, std::string_view replacement,
                    int& index, std::string& out) {
  if (index++ == target) {
    out += replacement;
    return;
  }
  switch (value.type()) {
    case simdjson::dom::element_type::OBJECT: {
      out += '{';
      bool first = true;
      const simdjson::dom::object object = value.get_object().value();
      for (const auto field : object) {
        if (!first) out += ',';
        first = false;
        out += '"';
        out += field.key;  // the test posts' keys need no escaping
        out += "\":";
        WriteReplacing(field.value, target, replacement, index, out);
      }
      out += '}';
      return;
    }
    case simdjson::dom::element_type::ARRAY: {
      out += '[';
      bool first = true;
      const simdjson::dom::array array = value.get_array().value();
      for (const simdjson::dom::element item : array) {
        if (!first) out += ',';
        first = false;
        WriteReplacing(item, target, replacement, index, out);
      }
      out += ']';
      return;
    }
    default:
      out += simdjson::minify(value);
      return;
  }
}

TEST_F(PostViewTest, EveryValueReplacedByEveryTypeStillExtracts) {
  const std::string_view replacements[] = {"null", "true", "-1",    "1.5e300",   "\"x\"",
                                           "[]",   "{}",   "[[1]]", "{\"a\":{}}"};
  PostParser id_parser;
  int extracted = 0;
  for (const std::string_view post :
       {kV1Original, kV1Retweet, kV1Quote, kV2Original, kV2RetweetOfQuote}) {
    simdjson::dom::parser parser;
    const simdjson::dom::element root = parser.parse(post.data(), post.size()).value();
    for (int target = 1;; ++target) {  // 0 is the whole post
      int index = 0;
      std::string json;
      for (const std::string_view replacement : replacements) {
        index = 0;
        json.clear();
        WriteReplacing(root, target, replacement, index, json);
        const Status status = extractor_.Extract(json, view_);
        // Refused exactly when PostParser refuses it (a bad or missing id), with its words.
        const Result<uint64_t> id = id_parser.ParseId(json);
        ASSERT_EQ(status.ok(), id.ok()) << json;
        if (!id.ok()) {
          EXPECT_EQ(status.message(), id.status().message());
        } else {
          EXPECT_EQ(view_.id, *id);
        }
        ++extracted;
      }
      if (target >= index) break;  // every value replaced
    }
  }
  EXPECT_GT(extracted, 1000);
}

// ---------------------------------------------------------------------------------------------
// Storage

TEST_F(PostViewTest, ViewsOfAPreviousPostAreReplacedNotMixed) {
  View(kV1Quote);
  const PostView& v = View(kV2Original);
  EXPECT_FALSE(v.is_quote);
  EXPECT_EQ(v.texts.size(), 1u);
  EXPECT_EQ(S(v.hashtags), (Strings{"fútbol"}));
}

TEST_F(PostViewTest, HugePostIsExtractedWhole) {
  std::string text;
  for (int i = 0; i < 100000; ++i) text += "Word ";
  const std::string json = R"({"id_str":"1","text":")" + text + R"(","user":{"name":")" + text +
                           R"(","description":")" + text + R"(","location":")" + text + R"("}})";
  const PostView& v = View(json);
  ASSERT_EQ(v.text_tokens.size(), 100000u);
  EXPECT_EQ(v.text_tokens.back(), "word");
  EXPECT_EQ(v.user_location_tokens.size(), 100000u);
  EXPECT_EQ(v.texts[0].size(), 500000u);
}

TEST_F(PostViewTest, OutgrowingTheReservedStorageStartsOver) {
  // Folding lengthens each Ⱥ (2 bytes) to ⱥ (3 bytes), and a retweeted post that quotes itself
  // is read twice: more than the storage reserved up front for the post, so it moves during the
  // extraction and the extractor must start over (ASan checks no view points into the old one).
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "\u023a\u023a ";
  const std::string json =
      R"({"data":{"id":"2","referenced_tweets":[{"type":"retweeted","id":"1"}]},)"
      R"("includes":{"tweets":[{"id":"1","text":")" +
      text + R"(","referenced_tweets":[{"type":"quoted","id":"1"}]}]}})";
  const PostView& v = View(json);
  ASSERT_EQ(v.text_tokens.size(), 40001u);
  EXPECT_EQ(v.text_tokens.front(), "\u2c65\u2c65");
  EXPECT_EQ(v.text_tokens[20000], "");
  EXPECT_EQ(v.text_tokens.back(), "\u2c65\u2c65");
  ASSERT_EQ(v.texts.size(), 2u);
  EXPECT_EQ(v.texts[1].size(), 20000u * 7);
}

}  // namespace
}  // namespace sluice
