// PowerTrack rule matching (SPEC §5; src/rules/rule_set.h) on one core: 250,000 realistic rules
// (bench/support/rule_corpus.h) against 20,000 generator posts.
//
//   BM_MatchIndexed     RuleSet::Match on posts already extracted (items = posts), the index
//                       anchored by key frequencies learned from other posts (as a running
//                       server's is: rules/key_frequencies.h)
//   BM_MatchGuessedAnchors  the same before any post was seen (anchors from guesses)
//   BM_MatchReference   the baseline: ReferenceMatches of every rule on each post (no index); it
//                       also checks that both found the same rules on the posts it ran
//   BM_Extract          PostViewExtractor::Extract alone (JSON → PostView), in place as the
//                       pipeline extracts (ExtractPadded)
//   BM_ExtractAndMatch  both, as the pipeline does per post and stream
//   BM_CompileRules     CompiledRule::Compile, per rule
//   BM_BuildRuleSet     RuleSet::Build of the 250,000 compiled rules (with, and without, the
//                       learned frequencies; with them, each rule's learned anchors are
//                       chosen by the first build and reused after)
//
// The rule set, the posts and their views are built once (GetFixture) and shared; the RSS it
// took to compile and index the rules is read from /proc/self/statm around that.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "ingest/generator.h"
#include "post/post_view.h"
#include "rules/rule_set.h"
#include "support/rule_corpus.h"

namespace sluice {
namespace {

constexpr size_t kRules = 250000;
constexpr uint64_t kRuleSeed = 1;
constexpr int kPosts = 20000;
// The stream the key frequencies are learned from before the measured posts: another generator
// seed, so no measured post was seen (the server samples one post in 8: this is 160,000 posts).
constexpr int kLearningPosts = 20000;
constexpr uint64_t kLearningSeed = 7;
constexpr int64_t kStartMs = 1795394779000;  // 2026-11-23
// Posts whose rules the reference evaluator and the index must agree on (BM_MatchReference
// evaluates a few per repetition; this checks more, once).
constexpr int kCheckedPosts = 16;

// Calls `f` on every string_view of `v`.
template <typename F>
void ForEachString(PostView& v, F&& f) {
  for (auto* list : {&v.text_tokens, &v.texts, &v.hashtags, &v.mentions, &v.cashtags, &v.urls,
                     &v.url_tokens, &v.user_bio_tokens, &v.user_name_tokens,
                     &v.user_location_tokens, &v.source_tokens, &v.place_tokens}) {
    for (std::string_view& s : *list) f(s);
  }
  for (std::string_view* s :
       {&v.user_screen_name, &v.lang, &v.source_url, &v.place_id, &v.place_country,
        &v.retweeted_screen_name, &v.in_reply_to_screen_name}) {
    f(*s);
  }
}

// A PostView that owns the bytes its views point to (an extractor's views die at its next
// Extract), so that matching can run over many posts extracted up front.
class OwnedView {
 public:
  explicit OwnedView(const PostView& source) : view_(source) {
    size_t total = 0;
    ForEachString(view_, [&](std::string_view s) { total += s.size(); });
    bytes_ = std::make_unique<char[]>(std::max<size_t>(total, 1));
    size_t used = 0;
    ForEachString(view_, [&](std::string_view& s) {
      std::copy(s.begin(), s.end(), bytes_.get() + used);
      s = std::string_view(bytes_.get() + used, s.size());
      used += s.size();
    });
  }
  const PostView& view() const { return view_; }

 private:
  PostView view_;
  std::unique_ptr<char[]> bytes_;  // does not move when the OwnedView does
};

int64_t ResidentBytes() {
  long pages = 0, resident = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return static_cast<int64_t>(resident) * ::sysconf(_SC_PAGESIZE);
}

double SecondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

struct Fixture {
  bench::RuleCorpus corpus;
  std::vector<rules::RuleRecord> records;
  IngestBatch posts;
  std::vector<OwnedView> views;
  std::vector<std::shared_ptr<const rules::CompiledRule>> compiled;
  std::shared_ptr<const rules::RuleSet> guessed;  // anchors from guesses
  std::shared_ptr<const rules::KeyFrequencyTable> frequencies;
  std::shared_ptr<const rules::RuleSet> set;  // anchors from frequencies
  double compile_s = 0, build_s = 0;
  double learned_build_s = 0;  // the first build with the frequencies: every rule's anchors chosen
  int64_t rss_rules = 0, rss_index = 0;  // RSS growth: compiling the rules, then Build
  double matches_per_post = 0, matched_share = 0, matches_per_matched_post = 0;
  std::string error;
};

const Fixture& GetFixture() {
  static const Fixture* fixture = [] {
    auto* f = new Fixture;
    f->corpus = bench::RuleCorpus::Make(kRules, kRuleSeed);
    PostGenerator generator(42);
    for (int i = 0; i < kPosts; ++i) generator.Generate(kStartMs + i / 4, f->posts);
    PostViewExtractor extractor;
    PostView view;
    f->views.reserve(kPosts);
    for (const IngestPostRef& post : f->posts.posts) {
      if (Status s = extractor.Extract(f->posts.bytes(post), view); !s.ok()) {
        f->error = "Extract: " + s.message();
        return f;
      }
      f->views.emplace_back(view);
    }
    for (size_t i = 0; i < f->corpus.rules.size(); ++i) {
      f->records.push_back({i + 1, f->corpus.rules[i].value, f->corpus.rules[i].tag, kStartMs});
    }

    const int64_t rss0 = ResidentBytes();
    auto t0 = std::chrono::steady_clock::now();
    f->compiled.reserve(f->records.size());
    for (const rules::RuleRecord& record : f->records) {
      auto rule = rules::CompiledRule::Compile(record);
      if (!rule.ok()) {
        f->error = "Compile " + record.value + ": " + rule.status().message();
        return f;
      }
      f->compiled.push_back(std::move(*rule));
    }
    f->compile_s = SecondsSince(t0);
    const int64_t rss1 = ResidentBytes();
    t0 = std::chrono::steady_clock::now();
    f->guessed = rules::RuleSet::Build(f->compiled);
    f->guessed->PrepareIndex();
    f->build_s = SecondsSince(t0);
    f->rss_rules = rss1 - rss0;
    f->rss_index = ResidentBytes() - rss1;

    {
      rules::KeyFrequencies learned;
      IngestBatch learning;
      PostGenerator other(kLearningSeed);
      for (int i = 0; i < kLearningPosts; ++i) other.Generate(kStartMs - 60000 + i / 4, learning);
      rules::MatchScratch scratch;
      std::vector<uint32_t> matched;
      for (const IngestPostRef& post : learning.posts) {
        if (!extractor.Extract(learning.bytes(post), view).ok()) continue;
        f->guessed->Match(view, scratch, matched);
        learned.Observe(scratch.keys());
      }
      f->frequencies = learned.Snapshot();
    }
    t0 = std::chrono::steady_clock::now();
    f->set = rules::RuleSet::Build(f->compiled, f->frequencies);
    f->set->PrepareIndex();
    f->learned_build_s = SecondsSince(t0);

    rules::MatchScratch scratch;
    std::vector<uint32_t> matched;
    size_t matches = 0, matched_posts = 0;
    for (const OwnedView& v : f->views) {
      f->set->Match(v.view(), scratch, matched);
      matches += matched.size();
      matched_posts += !matched.empty();
    }
    f->matches_per_post = static_cast<double>(matches) / kPosts;
    f->matched_share = static_cast<double>(matched_posts) / kPosts;
    f->matches_per_matched_post =
        matched_posts ? static_cast<double>(matches) / static_cast<double>(matched_posts) : 0;
    return f;
  }();
  return *fixture;
}

// The fixture, or nullptr after reporting its error.
const Fixture* FixtureOrSkip(benchmark::State& state) {
  const Fixture& f = GetFixture();
  if (!f.error.empty()) {
    state.SkipWithError(f.error.c_str());
    return nullptr;
  }
  return &f;
}

void MatchIndexed(benchmark::State& state, const rules::RuleSet& set) {
  const Fixture* f = FixtureOrSkip(state);
  if (!f) return;
  rules::MatchScratch scratch;
  std::vector<uint32_t> matched;
  size_t next = 0;
  for (auto _ : state) {
    set.Match(f->views[next].view(), scratch, matched);
    benchmark::DoNotOptimize(matched.data());
    if (++next == f->views.size()) next = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["rules"] = static_cast<double>(set.size());
  state.counters["matches_per_post"] = f->matches_per_post;
  state.counters["matched_share"] = f->matched_share;
  state.counters["matches_per_matched_post"] = f->matches_per_matched_post;
}

void BM_MatchIndexed(benchmark::State& state) {
  const Fixture* f = FixtureOrSkip(state);
  if (f) MatchIndexed(state, *f->set);
}
BENCHMARK(BM_MatchIndexed)->MinTime(0.5);

void BM_MatchGuessedAnchors(benchmark::State& state) {
  const Fixture* f = FixtureOrSkip(state);
  if (f) MatchIndexed(state, *f->guessed);
}
BENCHMARK(BM_MatchGuessedAnchors)->MinTime(0.5);

// About 1,000 × slower: a few posts per repetition.
void BM_MatchReference(benchmark::State& state) {
  const Fixture* f = FixtureOrSkip(state);
  if (!f) return;
  std::vector<uint32_t> reference;
  size_t next = 0;
  for (auto _ : state) {
    reference.clear();
    const PostView& view = f->views[next].view();
    for (size_t i = 0; i < f->compiled.size(); ++i) {
      if (rules::ReferenceMatches(f->compiled[i]->ast(), view)) {
        reference.push_back(static_cast<uint32_t>(i));
      }
    }
    benchmark::DoNotOptimize(reference.data());
    if (++next == f->views.size()) next = 0;
  }
  state.SetItemsProcessed(state.iterations());
  // The differential check, outside the timing: the index must find exactly these rules.
  static const int mismatches = [f] {
    rules::MatchScratch scratch;
    std::vector<uint32_t> indexed, expected;
    int differing = 0;
    for (int p = 0; p < kCheckedPosts; ++p) {
      const PostView& view = f->views[static_cast<size_t>(p) * kPosts / kCheckedPosts].view();
      expected.clear();
      for (size_t i = 0; i < f->compiled.size(); ++i) {
        if (rules::ReferenceMatches(f->compiled[i]->ast(), view)) {
          expected.push_back(static_cast<uint32_t>(i));
        }
      }
      f->set->Match(view, scratch, indexed);
      differing += indexed != expected;
    }
    return differing;
  }();
  state.counters["posts_checked"] = kCheckedPosts;
  state.counters["posts_differing_from_index"] = mismatches;
}
BENCHMARK(BM_MatchReference)->Iterations(3)->Unit(benchmark::kMillisecond);

// Post `p` of `batch` extracted as the pipeline does (stream/match_workers.cc): in place when
// the batch's next bytes pad it, else from a copy.
Status Extract(PostViewExtractor& extractor, const IngestBatch& batch, size_t p, PostView& view) {
  const IngestPostRef& ref = batch.posts[p];
  return extractor.Extract(batch.bytes(ref), batch.readable_after(ref), view);
}

void BM_Extract(benchmark::State& state) {
  const Fixture* f = FixtureOrSkip(state);
  if (!f) return;
  PostViewExtractor extractor;
  PostView view;
  size_t next = 0;
  int64_t bytes = 0;
  for (auto _ : state) {
    const std::string_view post = f->posts.bytes(f->posts.posts[next]);
    benchmark::DoNotOptimize(Extract(extractor, f->posts, next, view).ok());
    bytes += static_cast<int64_t>(post.size());
    if (++next == f->posts.size()) next = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(bytes);
}
BENCHMARK(BM_Extract)->MinTime(0.3);

void BM_ExtractAndMatch(benchmark::State& state) {
  const Fixture* f = FixtureOrSkip(state);
  if (!f) return;
  PostViewExtractor extractor;
  PostView view;
  rules::MatchScratch scratch;
  std::vector<uint32_t> matched;
  size_t next = 0;
  for (auto _ : state) {
    if (Extract(extractor, f->posts, next, view).ok()) {
      f->set->Match(view, scratch, matched);
    }
    benchmark::DoNotOptimize(matched.data());
    if (++next == f->posts.size()) next = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ExtractAndMatch)->MinTime(0.3);

void BM_CompileRules(benchmark::State& state) {
  const Fixture* f = FixtureOrSkip(state);
  if (!f) return;
  size_t next = 0;
  for (auto _ : state) {
    auto rule = rules::CompiledRule::Compile(f->records[next]);
    benchmark::DoNotOptimize(rule.ok());
    if (++next == f->records.size()) next = 0;
  }
  state.SetItemsProcessed(state.iterations());
  // The fixture's one pass over all 250,000 rules.
  state.counters["all_rules_s"] = f->compile_s;
}
BENCHMARK(BM_CompileRules)->MinTime(0.3);

void BM_BuildRuleSet(benchmark::State& state) {
  const Fixture* f = FixtureOrSkip(state);
  if (!f) return;
  const bool learned = state.range(0) != 0;
  for (auto _ : state) {
    std::shared_ptr<const rules::RuleSet> set =
        rules::RuleSet::Build(f->compiled, learned ? f->frequencies : nullptr);
    set->PrepareIndex();  // the index is built on first need
    benchmark::DoNotOptimize(set.get());
    state.PauseTiming();  // freeing the previous index is not building
    set.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(f->compiled.size()));
  state.counters["rules"] = static_cast<double>(f->compiled.size());
  state.counters["memory_bytes"] = static_cast<double>(f->set->MemoryBytes());
  state.counters["memory_bytes_per_rule"] =
      static_cast<double>(f->set->MemoryBytes()) / static_cast<double>(f->compiled.size());
  // RSS growth of this process: compiling the 250,000 rules, then indexing them.
  state.counters["rss_rules_bytes"] = static_cast<double>(f->rss_rules);
  state.counters["rss_index_bytes"] = static_cast<double>(f->rss_index);
  state.counters["rss_growth_bytes"] = static_cast<double>(f->rss_rules + f->rss_index);
  state.counters["first_build_s"] = f->build_s;
  state.counters["first_learned_build_s"] = f->learned_build_s;
}
BENCHMARK(BM_BuildRuleSet)
    ->ArgName("learned_frequencies")
    ->Arg(0)
    ->Arg(1)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace sluice

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  const sluice::bench::RuleCorpus& corpus = sluice::GetFixture().corpus;
  benchmark::AddCustomContext("rule_corpus_rules", std::to_string(corpus.rules.size()));
  benchmark::AddCustomContext("rule_corpus_mix", corpus.MixSummary());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
