#include "support/measured_store.h"

#include <time.h>
#include <unistd.h>

namespace sluice::bench {

double ThreadCpuNow() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

Result<consumer::CommitResult> MeasuredStore::Commit(const consumer::CommitBatch& batch) {
  const Steady::time_point start = Steady::now();
  const double cpu_start = ThreadCpuNow();
  Result<consumer::CommitResult> result = inner_.Commit(batch);
  const double cpu = ThreadCpuNow() - cpu_start;
  const Steady::time_point end = Steady::now();
  std::lock_guard lock(mu_);
  ++stats_.commits;
  stats_.commit_seconds += std::chrono::duration<double>(end - start).count();
  stats_.commit_cpu_seconds += cpu;
  stats_.committer_tid = ::gettid();
  if (result.ok()) {
    stats_.inserted += result->inserted_count;
    if (stats_.inserted >= target_ && !stats_.target_reached_at) {
      stats_.target_reached_at = end;
      reached_.notify_all();
    }
  }
  return result;
}

std::optional<MeasuredStore::Steady::time_point> MeasuredStore::WaitForTarget(
    Steady::time_point deadline) {
  std::unique_lock lock(mu_);
  reached_.wait_until(lock, deadline, [&] { return stats_.target_reached_at.has_value(); });
  return stats_.target_reached_at;
}

MeasuredStore::Stats MeasuredStore::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

}  // namespace sluice::bench
