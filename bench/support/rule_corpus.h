// RuleCorpus: a realistic PowerTrack rule set for the rules benchmarks (rules_bench and the
// server figures rules_api / ingest_rules), deterministic by seed.
//
// Rules are written against the synthetic generator's own world (ingest/generator_world.h, the
// same in every generator seed): its per-language vocabularies, hashtags, accounts, tickers and
// sites, so that they match the demo firehose the way a customer's rules match the real one —
// a few percent of posts match, a matched post matches a few rules, and most rules match rarely.
// Keywords come from the middle and the tail of the Zipf vocabularies (rare words are what rules
// target; the head is function words), combined the way monitoring rules are: a core term
// (keyword, hashtag, account) with context words, phrases, OR lists, groups, negations and
// filters (lang:, -is:retweet, has:…). Related rules share their core term, as the rules of one
// campaign do. The mix is in RuleCorpus::families (and docs: bench/run-all, section (h)).
//
// Thread safety: none needed; Make is a pure function of its arguments.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace sluice::bench {

struct CorpusRule {
  std::string value;  // valid PowerTrack rule text, unique within the corpus
  std::string tag;
};

struct RuleCorpus {
  std::vector<CorpusRule> rules;
  // Rules per family, in a fixed order (e.g. {"keyword", 512}, {"phrase", 50012}, …).
  std::vector<std::pair<std::string, size_t>> families;

  // `count` rules from `seed` (about 1 µs a rule, plus ~30 ms to build the generator's world).
  static RuleCorpus Make(size_t count, uint64_t seed);

  // "keyword 0.2 %, phrase 20 %, …": the family shares, for reports.
  std::string MixSummary() const;
};

}  // namespace sluice::bench
