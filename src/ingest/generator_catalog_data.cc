// Language-independent lists for the synthetic generator.
#include "ingest/generator_data.h"

namespace sluice {
namespace {

using sv = std::string_view;

// Includes sequences of several code points (a variation selector, a flag) on purpose: entity
// indices count code points, and consumers must not assume one emoji is one code point.
constexpr sv kEmoji[] = {"😂", "❤️", "🔥", "😭",    "🙏", "✨", "😍",    "👍", "🥺", "🎉",
                         "💯", "😊",      "👀", "🤣", "💕", "😅", "🙌",    "⚽", "🇧🇷",   "🎶",
                         "😎", "🤔",   "💪", "🌸",    "✅", "🚀", "📸", "😢", "🥰", "👏"};

constexpr sv kCashtags[] = {"TSLA", "AAPL", "NVDA",  "BTC", "SPY",  "ETH",  "AMZN", "MSFT",
                            "META", "AMD",  "GOOGL", "QQQ", "GME",  "DOGE", "SOL",  "PLTR",
                            "NFLX", "COIN", "XRP",   "AMC", "INTC", "BABA", "DIS",  "NIO",
                            "SHOP", "UBER", "JPM",   "BA",  "F",    "GE"};

constexpr SourceData kSources[] = {
    {R"(<a href="http://twitter.com/download/iphone" rel="nofollow">Twitter for iPhone</a>)", 0.40},
    {R"(<a href="http://twitter.com/download/android" rel="nofollow">Twitter for Android</a>)",
     0.32},
    {R"(<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>)", 0.17},
    {R"(<a href="http://twitter.com/#!/download/ipad" rel="nofollow">Twitter for iPad</a>)", 0.03},
    {R"(<a href="https://about.twitter.com/products/tweetdeck" rel="nofollow">TweetDeck</a>)",
     0.02},
    {R"(<a href="https://ifttt.com" rel="nofollow">IFTTT</a>)", 0.015},
    {R"(<a href="https://buffer.com" rel="nofollow">Buffer</a>)", 0.01},
    {R"(<a href="https://www.hootsuite.com" rel="nofollow">Hootsuite Inc.</a>)", 0.01},
    {R"(<a href="https://dlvrit.com/" rel="nofollow">dlvr.it</a>)", 0.01},
    {R"(<a href="https://studio.twitter.com" rel="nofollow">Twitter Media Studio</a>)", 0.005},
    {R"(<a href="https://www.sprinklr.com" rel="nofollow">Sprinklr</a>)", 0.005},
    {R"(<a href="https://help.twitter.com/en/using-twitter/how-to-tweet#source-labels" rel="nofollow">Sluice "demo" client</a>)",
     0.005},
};

constexpr WebSiteData kGlobalSites[] = {
    {"www.youtube.com", UrlStyle::kVideo},  {"www.instagram.com", UrlStyle::kPhoto},
    {"open.spotify.com", UrlStyle::kTrack}, {"www.twitch.tv", UrlStyle::kArticle},
    {"github.com", UrlStyle::kArticle},     {"www.tiktok.com", UrlStyle::kNumbered},
};

constexpr sv kSections[] = {"world",   "politics", "sports",  "business", "technology",
                            "culture", "science",  "opinion", "health",   "music"};

}  // namespace

std::span<const std::string_view> EmojiData() { return kEmoji; }
std::span<const std::string_view> CashtagData() { return kCashtags; }
std::span<const SourceData> SourceDataList() { return kSources; }
std::span<const WebSiteData> GlobalWebSiteData() { return kGlobalSites; }
std::span<const std::string_view> UrlSections() { return kSections; }

}  // namespace sluice
