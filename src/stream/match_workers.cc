#include "stream/match_workers.h"

#include <algorithm>

#include "post/post_parser.h"
#include "post/post_view.h"
#include "rules/rule_set.h"

namespace sluice {

struct MatchWorkers::Worker {
  PostViewExtractor extractor;
  PostView view;
  rules::MatchScratch scratch;
  CombinedMatch matched;
  std::vector<Hit> hits;  // of the posts of this worker's range, in post order
};

MatchWorkers::MatchWorkers(size_t threads) {
  if (threads == 0) threads = DefaultThreads();
  for (size_t w = 0; w < threads; ++w) workers_.push_back(std::make_unique<Worker>());
  for (size_t w = 1; w < threads; ++w) helpers_.emplace_back([this, w] { RunHelper(w); });
}

MatchWorkers::~MatchWorkers() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  job_ready_.notify_all();
  for (std::thread& helper : helpers_) helper.join();
}

size_t MatchWorkers::DefaultThreads() {
  // More than 4 would not help: the caller still serialises every matched post alone.
  return std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 4);
}

void MatchWorkers::Run(const IngestBatch& batch, const CombinedRules& rules,
                       rules::KeyFrequencies* frequencies) {
  const size_t posts = batch.posts.size();
  posts_.resize(posts);
  const size_t ranges = posts >= kMinParallelPosts ? workers_.size() : 1;
  batch_ = &batch;
  rules_ = &rules;
  frequencies_ = frequencies;
  range_begin_.assign(ranges + 1, posts);
  range_begin_[0] = 0;
  if (ranges > 1) {
    // Split by bytes rather than by count: extraction time follows a post's size, and a batch
    // mixes short posts with long retweets.
    const uint64_t total = batch.data.size();
    uint64_t seen = 0;
    size_t next = 1;
    for (size_t p = 0; p < posts && next < ranges; ++p) {
      while (next < ranges && seen >= total * next / ranges) range_begin_[next++] = p;
      seen += batch.posts[p].length;
    }
    {
      std::lock_guard lock(mu_);
      ++generation_;
      helpers_busy_ = ranges - 1;
    }
    job_ready_.notify_all();
  }
  MatchRange(0, range_begin_[0], range_begin_[1]);
  if (ranges > 1) {
    std::unique_lock lock(mu_);
    job_done_.wait(lock, [&] { return helpers_busy_ == 0; });
  }
  batch_ = nullptr;
  rules_ = nullptr;
  frequencies_ = nullptr;
}

std::span<const MatchWorkers::Hit> MatchWorkers::hits(size_t p) const {
  const PostResult& r = posts_[p];
  return std::span<const Hit>(workers_[r.worker]->hits).subspan(r.begin, r.end - r.begin);
}

void MatchWorkers::RunHelper(size_t w) {
  uint64_t seen_generation = 0;
  for (;;) {
    size_t begin, end;
    {
      std::unique_lock lock(mu_);
      job_ready_.wait(lock, [&] { return stopping_ || generation_ != seen_generation; });
      if (stopping_) return;
      seen_generation = generation_;
      begin = range_begin_[w];
      end = range_begin_[w + 1];
    }
    MatchRange(w, begin, end);
    std::lock_guard lock(mu_);
    if (--helpers_busy_ == 0) job_done_.notify_one();
  }
}

void MatchWorkers::MatchRange(size_t w, size_t begin, size_t end) {
  Worker& worker = *workers_[w];
  const IngestBatch& batch = *batch_;
  worker.hits.clear();
  for (size_t p = begin; p < end; ++p) {
    const IngestPostRef& ref = batch.posts[p];
    const std::string_view bytes = batch.bytes(ref);
    // The batch's next posts are padding enough for simdjson to read the post in place; only
    // the last posts need the copy.
    const bool padded =
        uint64_t{ref.offset} + ref.length + PostParser::kPadding <= batch.data.size();
    PostResult& result = posts_[p];
    result.worker = static_cast<uint32_t>(w);
    result.begin = static_cast<uint32_t>(worker.hits.size());
    result.extracted = (padded ? worker.extractor.ExtractPadded(bytes, worker.view)
                               : worker.extractor.Extract(bytes, worker.view))
                           .ok();
    if (result.extracted) {
      rules_->Match(worker.view, worker.scratch, worker.matched);
      if (frequencies_ && p % kObserveEvery == 0) frequencies_->Observe(worker.scratch.keys());
      for (uint32_t slot : worker.matched.slots) {
        for (uint32_t position : worker.matched.per_slot[slot]) {
          worker.hits.push_back({slot, position});
        }
      }
    }
    result.end = static_cast<uint32_t>(worker.hits.size());
  }
}

}  // namespace sluice
