#include "ingest/generator.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "base/snowflake.h"
#include "ingest/generator_status_writer.h"
#include "ingest/generator_text.h"
#include "ingest/generator_world.h"
#include "ingest/json_writer.h"
#include "ingest/rng.h"

namespace sluice {
namespace {

// The mix of the public sample stream, roughly: a quarter retweets, a fifth replies.
constexpr uint32_t kRetweetPercent = 27;
constexpr uint32_t kReplyPercent = 18;
constexpr uint32_t kQuotePercent = 5;
constexpr uint64_t kSelfReplyShare = ProbabilityThreshold(0.10);  // threads
constexpr uint64_t kAsciiEscapedShare = ProbabilityThreshold(0.10);
constexpr uint64_t kTopLevelPlaceShare = ProbabilityThreshold(0.04);
constexpr uint64_t kNestedPlaceShare = ProbabilityThreshold(0.05);
constexpr uint64_t kPointShare = ProbabilityThreshold(0.40);  // of posts with a place

// A duration between `low` and `high` ms, uniform on a log scale (seconds ago as often as days).
int64_t LogUniformMs(double low, double high, Rng& rng) {
  return static_cast<int64_t>(std::exp(std::log(low) + rng.Unit() * std::log(high / low)));
}

bool HasLinksOrMedia(const ComposedText& text) {
  return text.has_media ||
         std::any_of(text.entities.begin(), text.entities.end(),
                     [](const TextEntity& e) { return e.kind == EntityKind::kUrl; });
}

}  // namespace

struct PostGenerator::Impl {
  explicit Impl(uint64_t seed)
      : rng(Mix64(seed ^ 0x9e57a7e5eed00001ull)), worker(Mix64(seed) & kSnowflakeWorkerMask) {
    statuses_counts.reserve(world.users().size());
    for (const SyntheticUser& user : world.users()) statuses_counts.push_back(user.statuses_count);
  }

  uint64_t Generate(int64_t created_ms, IngestBatch& out);
  uint64_t NextId(int64_t created_ms);
  uint32_t SampleAuthor(Language language) {
    const LanguageCatalog& catalog = world.catalog(language);
    return catalog.users[catalog.author_table.Sample(rng)];
  }
  // Someone mentioned, replied to, retweeted or quoted.
  uint32_t SamplePopularUser(Language language) {
    const LanguageCatalog& catalog = world.catalog(language);
    return catalog.users[catalog.popular_table.Sample(rng)];
  }
  void SamplePlace(Language language, StatusSpec& spec);
  // An earlier post by someone else, as retweeted or quoted: spec, full text and compat text.
  void MakeOriginal(Language language, bool ascii, int64_t before_ms, StatusSpec& spec);
  // Sets spec.text (and full_text when the text is over 140 code points) from `full`.
  void SetTexts(StatusSpec& spec, ComposedText& full, ComposedText& compat) {
    full.media_status_id = spec.id;
    full.media_user = spec.user;
    if (full.code_points > kCompatTextCodePoints) {
      composer.ComposeTruncated(full, spec.id, compat);
      spec.text = &compat;
      spec.full_text = &full;
    } else {
      spec.text = &full;
      spec.full_text = nullptr;
    }
  }

  const SyntheticWorld world;  // first: the composer and writer keep references to it
  TextComposer composer{world};
  StatusWriter writer{world};
  JsonWriter json;
  ComposedText top_full, top_compat, nested_full, nested_compat;
  Rng rng;
  std::vector<uint32_t> statuses_counts;  // per user, grows as they post
  const uint64_t worker;
  int64_t last_ms = INT64_MIN;
  uint64_t sequence = 0;
  uint64_t generated = 0;
};

uint64_t PostGenerator::Impl::NextId(int64_t created_ms) {
  if (last_ms != INT64_MIN && created_ms <= last_ms) {
    if (sequence == kSnowflakeSequenceMask) {  // this millisecond is full: borrow the next one
      ++last_ms;
      sequence = 0;
    } else {
      ++sequence;
    }
  } else {
    last_ms = created_ms;
    sequence = 0;
  }
  return MakeSnowflake(last_ms, worker, sequence);
}

void PostGenerator::Impl::SamplePlace(Language language, StatusSpec& spec) {
  const LanguageCatalog& catalog = world.catalog(language);
  const SyntheticPlace& place = catalog.places[catalog.place_table.Sample(rng)];
  spec.place = &place;
  spec.has_point = rng.Chance(kPointShare);
  if (spec.has_point) {
    spec.longitude = place.west + rng.Unit() * (place.east - place.west);
    spec.latitude = place.south + rng.Unit() * (place.north - place.south);
  }
}

void PostGenerator::Impl::MakeOriginal(Language language, bool ascii, int64_t before_ms,
                                       StatusSpec& spec) {
  spec.user = SamplePopularUser(language);
  spec.created_ms = std::max(kTwitterEpochMs, before_ms - LogUniformMs(2e3, 2.6e8, rng));
  spec.id = MakeSnowflake(spec.created_ms, rng.Below(1024), rng.Below(4096));
  spec.statuses_count = statuses_counts[spec.user];
  spec.source = world.SampleSource(rng);
  spec.top_level = false;
  composer.Compose({language, ascii, nullptr, true}, rng, nested_full);
  SetTexts(spec, nested_full, nested_compat);
  spec.has_links_or_media = HasLinksOrMedia(nested_full);
  if (rng.Chance(kNestedPlaceShare)) SamplePlace(language, spec);
  // Engagement of a post popular enough to be shared: a heavy tail.
  spec.retweet_count = static_cast<uint32_t>(std::exp(rng.Unit() * 12.0));
  spec.favorite_count = spec.retweet_count * (1 + rng.Below(8)) + rng.Below(20);
  spec.reply_count = spec.retweet_count / (3 + rng.Below(18));
  spec.quote_count = spec.retweet_count / (5 + rng.Below(26));
}

uint64_t PostGenerator::Impl::Generate(int64_t created_ms, IngestBatch& out) {
  StatusSpec top;
  top.id = NextId(created_ms);
  top.created_ms = last_ms;
  const Language language = world.SampleLanguage(rng);
  const bool ascii = rng.Chance(kAsciiEscapedShare);
  top.user = SampleAuthor(language);
  top.statuses_count = ++statuses_counts[top.user];
  top.source = world.SampleSource(rng);
  const uint32_t filter = rng.Below(100);
  top.filter_level = filter < 85 ? "low" : filter < 95 ? "medium" : "none";

  StatusSpec nested;
  const uint32_t kind = rng.Below(100);
  if (kind < kRetweetPercent) {
    MakeOriginal(language, ascii, top.created_ms, nested);
    composer.ComposeRetweet(nested_full, nested.user, top_compat);
    top.text = &top_compat;
    top.retweeted = &nested;
    top.has_links_or_media = nested.has_links_or_media;
  } else {
    TextComposer::Options options{language, ascii, nullptr, true};
    if (kind < kRetweetPercent + kReplyPercent) {
      top.is_reply = true;
      top.reply_to_user = rng.Chance(kSelfReplyShare) ? top.user : SamplePopularUser(language);
      top.reply_to_status =
          MakeSnowflake(std::max(kTwitterEpochMs, top.created_ms - LogUniformMs(5e3, 8.64e7, rng)),
                        rng.Below(1024), rng.Below(4096));
      // A thread continues without naming its own author.
      if (top.reply_to_user != top.user) options.reply_to = &world.users()[top.reply_to_user];
    } else if (kind < kRetweetPercent + kReplyPercent + kQuotePercent) {
      MakeOriginal(language, ascii, top.created_ms, nested);
      top.quoted = &nested;
      options.allow_media = false;
    }
    composer.Compose(options, rng, top_full);
    SetTexts(top, top_full, top_compat);
    top.has_links_or_media = HasLinksOrMedia(top_full);
    if (rng.Chance(kTopLevelPlaceShare)) SamplePlace(language, top);
  }

  json.Clear();
  writer.Write(top, ascii, json);
  out.Add(top.id, json.view());
  ++generated;
  return top.id;
}

PostGenerator::PostGenerator(uint64_t seed) : impl_(std::make_unique<Impl>(seed)) {}
PostGenerator::~PostGenerator() = default;
PostGenerator::PostGenerator(PostGenerator&&) noexcept = default;
PostGenerator& PostGenerator::operator=(PostGenerator&&) noexcept = default;

uint64_t PostGenerator::Generate(int64_t created_ms, IngestBatch& out) {
  return impl_->Generate(created_ms, out);
}
uint64_t PostGenerator::worker() const { return impl_->worker; }
int64_t PostGenerator::last_time_ms() const { return impl_->last_ms; }
uint64_t PostGenerator::posts_generated() const { return impl_->generated; }

}  // namespace sluice
