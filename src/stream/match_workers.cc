#include "stream/match_workers.h"

#include <algorithm>

#include "post/post_view.h"
#include "rules/rule_set.h"

namespace sluice {

struct MatchWorkers::State {
  PostViewExtractor extractor;
  PostView view;
  rules::MatchScratch scratch;
  CombinedMatch matched;
};

std::span<const MatchWorkers::Hit> MatchWorkers::Job::hits(size_t p) const {
  const PostResult& r = posts_[p];
  return std::span<const Hit>(hits_[r.range]).subspan(r.begin, r.end - r.begin);
}

MatchWorkers::MatchWorkers(size_t threads) {
  if (threads == 0) threads = DefaultThreads();
  for (size_t s = 0; s < threads; ++s) states_.push_back(std::make_unique<State>());
  for (size_t s = 1; s < threads; ++s) helpers_.emplace_back([this, s] { RunHelper(s); });
}

MatchWorkers::~MatchWorkers() {
  // A started job's ranges point into its batch: finish them before anything goes.
  for (Job& job : jobs_) {
    if (!job.waited_) Wait(&job);
  }
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  work_ready_.notify_all();
  for (std::thread& helper : helpers_) helper.join();
}

size_t MatchWorkers::DefaultThreads() {
  // More than 4 would not help: the fan-out thread still serialises every matched post alone.
  return std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 4);
}

MatchWorkers::Job* MatchWorkers::Start(const IngestBatch& batch,
                                       std::shared_ptr<const CombinedRules> rules,
                                       rules::KeyFrequencies* frequencies) {
  // A slot whose job was waited, that longest ago.
  Job* job = nullptr;
  for (Job& candidate : jobs_) {
    if (candidate.waited_ && (job == nullptr || candidate.wait_order_ < job->wait_order_)) {
      job = &candidate;
    }
  }
  job->batch_ = &batch;
  job->rules_ = std::move(rules);
  job->frequencies_ = frequencies;
  job->waited_ = false;
  const size_t posts = batch.posts.size();
  job->posts_.resize(posts);
  const size_t ranges = std::max<size_t>(1, (posts + kRangePosts / 2) / kRangePosts);
  job->range_begin_.resize(ranges + 1);
  for (size_t r = 0; r <= ranges; ++r) job->range_begin_[r] = posts * r / ranges;
  if (job->hits_.size() < ranges) job->hits_.resize(ranges);
  {
    std::lock_guard lock(mu_);
    job->ranges_left_ = ranges;
    for (size_t r = 0; r < ranges; ++r) tasks_.push_back({job, r});
  }
  if (!helpers_.empty()) work_ready_.notify_all();
  return job;
}

const MatchWorkers::Job& MatchWorkers::Wait(Job* job) {
  std::unique_lock lock(mu_);
  while (job->ranges_left_ > 0) {
    if (tasks_.empty()) {
      range_done_.wait(lock);
      continue;
    }
    // Rather than sleep, take the oldest pending range (this job's, or one ahead of it).
    const Task task = tasks_.front();
    tasks_.pop_front();
    lock.unlock();
    MatchRange(*states_[0], *task.job, task.range);
    lock.lock();
    --task.job->ranges_left_;
  }
  job->waited_ = true;
  job->wait_order_ = ++waits_;
  job->batch_ = nullptr;
  job->frequencies_ = nullptr;
  return *job;
}

void MatchWorkers::RunHelper(size_t s) {
  std::unique_lock lock(mu_);
  for (;;) {
    work_ready_.wait(lock, [&] { return stopping_ || !tasks_.empty(); });
    if (tasks_.empty()) return;  // stopping, and nothing left
    const Task task = tasks_.front();
    tasks_.pop_front();
    lock.unlock();
    MatchRange(*states_[s], *task.job, task.range);
    lock.lock();
    if (--task.job->ranges_left_ == 0) range_done_.notify_all();
  }
}

void MatchWorkers::MatchRange(State& state, Job& job, size_t range) {
  const IngestBatch& batch = *job.batch_;
  std::vector<Hit>& hits = job.hits_[range];
  hits.clear();
  for (size_t p = job.range_begin_[range]; p < job.range_begin_[range + 1]; ++p) {
    const IngestPostRef& ref = batch.posts[p];
    Job::PostResult& result = job.posts_[p];
    result.range = static_cast<uint32_t>(range);
    result.begin = static_cast<uint32_t>(hits.size());
    // The batch's next posts pad this one: only the last posts are copied to be parsed.
    result.extracted =
        state.extractor.Extract(batch.bytes(ref), batch.readable_after(ref), state.view).ok();
    if (result.extracted) {
      job.rules_->Match(state.view, state.scratch, state.matched);
      if (job.frequencies_ && p % kObserveEvery == 0) {
        job.frequencies_->Observe(state.scratch.keys());
      }
      for (uint32_t slot : state.matched.slots) {
        for (uint32_t position : state.matched.per_slot[slot]) hits.push_back({slot, position});
      }
    }
    result.end = static_cast<uint32_t>(hits.size());
  }
}

}  // namespace sluice
