// MatchWorkers: the fan-out stage's post views and rule matches, computed by helper threads
// ahead of the fan-out thread, so that matching uses the cores the other stages leave idle and
// the fan-out thread serialises one batch while the next is being matched.
//
// A job is one batch, cut into ranges of consecutive posts; helpers take ranges in order, each
// with its own extractor, view and match scratch, and the thread that waits for a job runs
// ranges itself rather than sleep (work never waits for a free thread). Results are kept per
// post, compact, for the fan-out thread to walk in order: it alone serialises, so output order
// and bytes never depend on threads.
//
//   MatchWorkers workers(0);                     // hardware threads, the caller counted
//   MatchWorkers::Job* a = workers.Start(batch_a, rules);
//   MatchWorkers::Job* b = workers.Start(batch_b, rules);   // look-ahead
//   const MatchWorkers::Job& done = workers.Wait(a);        // serialise batch_a with `done`
//
// Thread safety: Start and Wait from one thread (the owner); helpers are internal. The
// constructor starts them, the destructor waits for every started job, then stops and joins.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "ingest/ingest_batch.h"
#include "rules/key_frequencies.h"
#include "stream/combined_rules.h"

namespace sluice {

class MatchWorkers {
 public:
  // One rule a post matched: its stream slot and its position in that slot's RuleSet.
  struct Hit {
    uint32_t slot;
    uint32_t position;
  };

  class Job {
   public:
    // The rules the job matched with (those the batch is annotated from).
    const CombinedRules& rules() const { return *rules_; }
    // Post p (index into the batch's posts): whether its view could be extracted, and its
    // hits ordered by slot then position (empty when it matched nothing or failed).
    bool extracted(size_t p) const { return posts_[p].extracted; }
    std::span<const Hit> hits(size_t p) const;

   private:
    friend class MatchWorkers;
    struct PostResult {
      uint32_t range = 0;
      uint32_t begin = 0;  // into that range's hits
      uint32_t end = 0;
      bool extracted = false;
    };
    const IngestBatch* batch_ = nullptr;
    std::shared_ptr<const CombinedRules> rules_;
    rules::KeyFrequencies* frequencies_ = nullptr;
    std::vector<PostResult> posts_;       // reused across jobs
    std::vector<std::vector<Hit>> hits_;  // per range, reused
    std::vector<size_t> range_begin_;     // range r is [range_begin_[r], range_begin_[r + 1])
    size_t ranges_left_ = 0;              // not yet finished; guarded by mu_
    bool waited_ = true;                  // free for Start once waited
    uint64_t wait_order_ = 0;
  };

  // Ranges are about this many posts: small enough to share a batch between threads, large
  // enough that taking one costs nothing next to matching it.
  static constexpr size_t kRangePosts = 64;
  // Jobs started and not yet waited, at most.
  static constexpr size_t kMaxJobs = 2;
  // A sample is enough to tell common keys from rare ones, and costs an eighth.
  static constexpr size_t kObserveEvery = 8;

  // `threads` counts the caller: threads - 1 helpers are started. 0 means DefaultThreads();
  // 1 matches on the caller alone, in Wait.
  explicit MatchWorkers(size_t threads);
  ~MatchWorkers();
  // Owns threads that point back at it.
  MatchWorkers(const MatchWorkers&) = delete;
  MatchWorkers& operator=(const MatchWorkers&) = delete;

  // The hardware's threads, clamped to [1, 4].
  static size_t DefaultThreads();
  size_t threads() const { return states_.size(); }

  // Starts extracting every post of `batch` and matching it against `rules`; returns at once.
  // The keys of one post in kObserveEvery are reported to `frequencies` (when not null), from
  // which the rules are re-indexed (rules/key_frequencies.h). A waited job's results stay
  // valid until the next Start.
  // REQUIRES: fewer than kMaxJobs jobs started and not waited; `batch` unchanged until Wait.
  Job* Start(const IngestBatch& batch, std::shared_ptr<const CombinedRules> rules,
             rules::KeyFrequencies* frequencies = nullptr);
  // Returns when every post of `job` is matched, matching pending ranges on this thread
  // meanwhile.
  const Job& Wait(Job* job);
  // Start and Wait.
  const Job& Run(const IngestBatch& batch, std::shared_ptr<const CombinedRules> rules,
                 rules::KeyFrequencies* frequencies = nullptr) {
    return Wait(Start(batch, std::move(rules), frequencies));
  }

 private:
  // What one thread matches with.
  struct State;
  struct Task {
    Job* job;
    size_t range;
  };

  void MatchRange(State& state, Job& job, size_t range);
  void RunHelper(size_t state);

  std::vector<std::unique_ptr<State>> states_;  // [0] is the caller's
  Job jobs_[kMaxJobs];
  uint64_t waits_ = 0;  // Waits so far: a slot's wait order

  std::mutex mu_;
  std::condition_variable work_ready_;
  std::condition_variable range_done_;
  std::deque<Task> tasks_;  // in start order
  bool stopping_ = false;

  std::vector<std::thread> helpers_;  // last: joined before the state above goes
};

}  // namespace sluice
