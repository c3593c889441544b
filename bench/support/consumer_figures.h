// The consumer benchmark's figures (bench/consumer_bench.cc): `sluice consume`'s library fed by
// a StreamFeeder on 127.0.0.1, storing into SQLite or PostgreSQL, and the store alone as the
// baseline. Each function returns one run's figures.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "consumer/store.h"
#include "support/post_feed.h"
#include "support/report.h"

namespace sluice::bench {

// The store alone: every post of `feed` handed to `store.Commit` in batches of `batch_posts`
// (with a coverage checkpoint, as the consumer commits them); posts/s over the time spent in
// Commit. REQUIRES: `store` is empty.
Result<Sample> RunStoreBaseline(const PostFeed& feed, consumer::PostStore& store,
                                size_t batch_posts);

// A Consumer (default options) with `connections` redundant connections to a feeder serving
// every post of `feed` on each: posts/s stored from Start() until the last distinct post is
// committed (the store's own count), with the CPU of the consumer's engine and store threads.
// Errors: when the store has not received every post within `timeout`. REQUIRES: `store` empty.
Result<Sample> RunConsumerThroughput(const PostFeed& feed, consumer::PostStore& store,
                                     int connections, std::chrono::seconds timeout);

// A Consumer (default options, default BackoffSchedule) with `connections` connections to a
// feeder serving `feed` then heartbeats. Each trial: the feeder goes away (connections reset,
// new ones refused); once every connection's immediate reconnect was refused (the back-off is at
// its first network step, 250 ms), it waits the trial's offset — spread over [0, 250) ms across
// trials — and comes back. One sample per trial: from the feeder listening again to the
// consumer's first body bytes on the first and on the last of its connections (the
// kConnected events' times), to the feeder's accept, and the back-off delays chosen.
Result<std::vector<Sample>> RunReconnect(const PostFeed& feed, consumer::PostStore& store,
                                         int connections, int trials);

// Drops the consumer's tables so the next PostgresStore starts empty. Errors: IoError.
Status ResetPostgres(const std::string& conninfo);

// A store that keeps nothing: every post of a batch counts as newly stored. The consumer's
// throughput into it is what its engine thread alone can do (the store's ceiling removed).
class DiscardingStore final : public consumer::PostStore {
 public:
  Result<consumer::CommitResult> Commit(const consumer::CommitBatch& batch) override {
    consumer::CommitResult result;
    result.inserted.assign(batch.posts.size(), 1);
    result.inserted_count = batch.posts.size();
    return result;
  }
  Result<std::optional<std::string>> LoadCheckpoint() override {
    return std::optional<std::string>();
  }
  Result<std::vector<consumer::ReceivedPost>> ReadRange(int64_t, int64_t, size_t) override {
    return std::vector<consumer::ReceivedPost>();
  }
  Result<uint64_t> CountPosts() override { return uint64_t{0}; }
  std::string Describe() const override { return "discard"; }
};

}  // namespace sluice::bench
