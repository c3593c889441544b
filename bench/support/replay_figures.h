// The replay figures of the server benchmark (backfill and recovery, src/stream/replay_job.h):
// all against an archive of generated posts built once (BuildReplayArchive) and cloned into each
// run's data dir, so that every run replays the same hour.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "base/status.h"
#include "support/figures.h"
#include "support/generated_archive.h"
#include "support/report.h"

namespace sluice::bench {

// An hour of archive ending just before it was built: `sparse_rate` posts/s, then the last
// `dense_ms` at `dense_rate` posts/s (a stream receiving that many posts/s, for the backfill's
// five minutes).
struct ReplayArchive {
  std::filesystem::path dir;  // the archive directory
  GeneratedArchive made;
  int64_t start_ms = 0;  // the hour: [start_ms, end_ms)
  int64_t end_ms = 0;
  int64_t dense_start_ms = 0;  // dense_rate from here to end_ms
  double sparse_rate = 0;
  double dense_rate = 0;
};

// Writes it under `parent`. Errors: those of WriteGeneratedArchive.
Result<ReplayArchive> BuildReplayArchive(const std::filesystem::path& parent, double sparse_rate,
                                         double dense_rate, int64_t dense_ms);

// Baseline: every segment file of the archive read front to back with 1 MiB preads (twice; the
// second pass, from the page cache, is the figure).
Result<Sample> RunArchiveRead(const ReplayArchive& archive);

// (e) One recovery of the whole hour, Decahose partition 1 of the `fan` stream, plain, to one
// client that counts the posts; the generator is off.
Result<Sample> RunRecovery(const BenchEnv& env, const ReplayArchive& archive);

// (f) Time to first post of `connections` backfills (backfillMinutes=5, partition 1, plain, one
// after the other) on a server whose generator runs at the archive's dense rate.
// REQUIRES: the backfills' start (now - 5 min) lies in the archive's dense part: with dense_ms
// of 5 min or more, it runs within 5 min of BuildReplayArchive. The archive has no posts from
// its end to the server's start (the build's duration), which the backfills' ranges cross.
Result<Sample> RunBackfillTtfb(const BenchEnv& env, const ReplayArchive& archive, int connections);

// (g) The ingest figure with `jobs` recoveries of the archive's hour (the demo's Decahose, gzip,
// one partition each, each started again when it completes) running throughout.
Result<Sample> RunIngestWithRecovery(const BenchEnv& env, const ReplayArchive& archive, double rate,
                                     int jobs);

}  // namespace sluice::bench
