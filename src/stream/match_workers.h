// MatchWorkers: the fan-out stage's post views and rule matches for a whole batch, computed by
// the calling thread and helper threads together, so that matching uses the cores the archive
// stage leaves idle. Each thread takes a contiguous range of the batch's posts with its own
// extractor, view and match scratch; the results are kept per post, compact, for the caller to
// walk in order (it alone serialises, so output order and bytes do not depend on threads).
//
// Thread safety: Run and the result accessors from one thread (the owner); helper threads are
// internal. The constructor starts the helpers, the destructor stops and joins them.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "ingest/ingest_batch.h"
#include "stream/combined_rules.h"

namespace sluice {

class MatchWorkers {
 public:
  // One rule a post matched: its stream slot and its position in that slot's RuleSet.
  struct Hit {
    uint32_t slot;
    uint32_t position;
  };
  // Batches smaller than this are matched by the calling thread alone: waking helpers would
  // cost more than it saves.
  static constexpr size_t kMinParallelPosts = 64;

  // `threads` counts the caller: threads - 1 helpers are started. 0 means
  // DefaultThreads().
  explicit MatchWorkers(size_t threads);
  ~MatchWorkers();
  // Owns threads that point back at it.
  MatchWorkers(const MatchWorkers&) = delete;
  MatchWorkers& operator=(const MatchWorkers&) = delete;

  // The hardware's threads, clamped to [1, 4].
  static size_t DefaultThreads();
  size_t threads() const { return workers_.size(); }

  // Extracts every post of `batch` and matches it against `rules`; returns when all are done.
  // The keys of one post in kObserveEvery are reported to `frequencies` (when not null), from
  // which the rules are re-indexed (rules/key_frequencies.h).
  // REQUIRES: `batch` and `rules` stay unchanged until Run returns.
  void Run(const IngestBatch& batch, const CombinedRules& rules,
           rules::KeyFrequencies* frequencies = nullptr);

  // A sample is enough to tell common keys from rare ones, and costs an eighth.
  static constexpr size_t kObserveEvery = 8;

  // Results of the last Run, valid until the next. Post p (index into batch.posts):
  // whether its view could be extracted, and its hits ordered by slot then position (empty
  // when it matched nothing or failed).
  bool extracted(size_t p) const { return posts_[p].extracted; }
  std::span<const Hit> hits(size_t p) const;

 private:
  struct Worker;
  struct PostResult {
    uint32_t worker = 0;
    uint32_t begin = 0;  // into that worker's hits
    uint32_t end = 0;
    bool extracted = false;
  };

  // Matches posts [begin, end) of the current job with worker `w`'s state.
  void MatchRange(size_t w, size_t begin, size_t end);
  void RunHelper(size_t w);

  std::vector<std::unique_ptr<Worker>> workers_;  // [0] is the caller's
  std::vector<PostResult> posts_;                 // reused across batches

  // The job in hand, handed to the helpers under mu_.
  std::mutex mu_;
  std::condition_variable job_ready_;
  std::condition_variable job_done_;
  const IngestBatch* batch_ = nullptr;
  const CombinedRules* rules_ = nullptr;
  rules::KeyFrequencies* frequencies_ = nullptr;
  std::vector<size_t> range_begin_;  // range w is [range_begin_[w], range_begin_[w + 1])
  uint64_t generation_ = 0;          // bumped per parallel job
  size_t helpers_busy_ = 0;
  bool stopping_ = false;

  std::vector<std::thread> helpers_;  // last: joined before the state above goes
};

}  // namespace sluice
