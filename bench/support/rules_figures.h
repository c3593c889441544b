// The rules figures of the server benchmark (section (h) of bench/RESULTS.md): adding a
// 250,000-rule set (support/rule_corpus.h) through the Rules API, and ingest with that set on
// four PowerTrack streams. Each starts its own sluiced (figures.h) and stops it before returning.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "support/figures.h"
#include "support/report.h"
#include "support/rule_corpus.h"
#include "support/temp_dir.h"

namespace sluice::bench {

// How a rule set is sent: sequential POSTs of `batch` rules each (fewer when the body would pass
// `max_body_bytes`) over loopback, one connection per request.
struct RulesUpload {
  const RuleCorpus* corpus = nullptr;  // REQUIRES: outlives the call
  size_t batch = 5000;
  size_t max_body_bytes = 4'000'000;  // the server takes 5 MB
};

// (h) The time to add every rule of the corpus to one empty PowerTrack stream (generator off):
// total seconds, rules/s, per-request latencies, and what the server holds afterwards (its
// sluice_stream_rules gauges and RSS growth).
Result<Sample> RunRulesApi(const BenchEnv& env, const RulesUpload& upload);

// A data dir whose PowerTrack streams (labels rules1…, one per corpus) each hold their corpus,
// added through the API by a server that then stopped; the ingest-with-rules runs start from
// copies. Not a measurement: each POST carries as many rules as fit in max_body_bytes.
struct RulesDataDir {
  std::optional<TempDir> dir;  // data in dir/data
  int streams = 0;
  size_t rules_per_stream = 0;  // of the first stream
  double add_seconds = 0;       // adding them all (every stream, one after the other)
};
// REQUIRES: `per_stream` non-empty, its corpora outlive the call.
// Errors: those of the server and of the Rules API (a non-201 answer, fewer rules created).
Result<RulesDataDir> PrepareRulesDataDir(const BenchEnv& env,
                                         const std::vector<const RuleCorpus*>& per_stream);

// (h) The ingest figure with rules: the generator at `rate` (unbounded: back-pressure limits
// it) on a copy of `prepared`, two gzip connections on each of its streams; posts/s ingested,
// posts/s matched and delivered, server CPU per thread.
Result<Sample> RunIngestWithRules(const BenchEnv& env, const RulesDataDir& prepared, double rate);

}  // namespace sluice::bench
