// MeasuredStore: a PostStore that forwards to another and measures its Commit calls — wall and
// thread CPU time inside them, the thread that makes them (the consumer's store worker), and
// the moment the posts newly stored reach a target — for the consumer benchmark.
//
// Thread safety: Commit and the other PostStore members from one thread at a time (as any
// store); stats() and WaitForTarget from any thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>

#include "consumer/store.h"

namespace sluice::bench {

class MeasuredStore final : public consumer::PostStore {
 public:
  using Steady = std::chrono::steady_clock;

  struct Stats {
    uint64_t commits = 0;
    uint64_t inserted = 0;
    double commit_seconds = 0;      // wall time inside the inner Commit
    double commit_cpu_seconds = 0;  // CPU time of the committing thread inside it
    pid_t committer_tid = 0;        // the thread of the last Commit
    std::optional<Steady::time_point> target_reached_at;
  };

  // REQUIRES: `inner` outlives this store.
  MeasuredStore(consumer::PostStore& inner, uint64_t target_inserted)
      : inner_(inner), target_(target_inserted) {}
  MeasuredStore(const MeasuredStore&) = delete;  // others wait on its condition variable
  MeasuredStore& operator=(const MeasuredStore&) = delete;

  Result<consumer::CommitResult> Commit(const consumer::CommitBatch& batch) override;
  Result<std::optional<std::string>> LoadCheckpoint() override { return inner_.LoadCheckpoint(); }
  Result<std::vector<consumer::ReceivedPost>> ReadRange(int64_t from_ms, int64_t to_ms,
                                                        size_t limit) override {
    return inner_.ReadRange(from_ms, to_ms, limit);
  }
  Result<uint64_t> CountPosts() override { return inner_.CountPosts(); }
  std::string Describe() const override { return inner_.Describe(); }

  // Blocks until the target is reached or `deadline` passes; the time it was reached, if it was.
  std::optional<Steady::time_point> WaitForTarget(Steady::time_point deadline);
  Stats stats() const;

 private:
  consumer::PostStore& inner_;
  const uint64_t target_;
  mutable std::mutex mu_;
  std::condition_variable reached_;
  Stats stats_;
};

// CPU time of the calling thread, in seconds.
double ThreadCpuNow();

}  // namespace sluice::bench
