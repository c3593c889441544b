// Stream: one labelled stream of an account (SPEC §1) — its configuration, its fan-out
// channels (one; two for a Decahose, one per partition) and its delivery counters.
//
// Which posts a stream carries is decided once per post by ChannelFor, on the pipeline thread.
// The channels themselves belong to the network thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/metrics.h"
#include "config/server_config.h"
#include "rules/rule_set.h"
#include "stream/channel.h"
#include "stream/combined_rules.h"

namespace sluice {

struct StreamMetrics {
  Counter* posts_delivered = nullptr;  // posts written to connections (each connection counts)
  Counter* bytes_delivered = nullptr;  // bytes written to sockets, after compression
  Counter* heartbeats = nullptr;
  Counter* slow_reader_disconnects = nullptr;
  Counter* limit_disconnects = nullptr;
  Counter* refused_connections = nullptr;  // 429
  Counter* backfill_posts = nullptr;       // posts replayed from the archive by backfills
  Counter* recovery_posts = nullptr;       // posts replayed from the archive by recoveries
  Counter* refused_recoveries = nullptr;   // 429: the stream's recovery job limit
  // Backfills that joined the live channel as soon as their catch-up ended, and those that
  // held live chunks while they replayed the last stretch (stream_connection.cc).
  Counter* backfill_joins_immediate = nullptr;
  Counter* backfill_joins_held = nullptr;
};

class Stream {
 public:
  // `board` (the registry's) receives this stream's rules as slot `slot`; without one the
  // stream keeps a board of its own (tests of a lone stream).
  Stream(std::string account, StreamConfig config, MetricsRegistry& metrics,
         RulesBoard* board = nullptr, size_t slot = 0);
  Stream(const Stream&) = delete;  // channels are referenced by their subscribers
  Stream& operator=(const Stream&) = delete;

  const std::string& account() const { return account_; }
  const StreamConfig& config() const { return config_; }
  StreamKind kind() const { return config_.kind; }

  // Index of the channel that carries post `id`, or -1 when the stream does not carry it.
  // Thread safety: any thread (pure function of the id and the configuration).
  int ChannelFor(uint64_t post_id) const;

  size_t channel_count() const { return channels_.size(); }
  Channel& channel(size_t i) { return *channels_[i]; }
  // The channel of a Decahose partition (1 or 2); the only channel otherwise (partition 0).
  // REQUIRES: the partition is valid for the stream's kind.
  Channel& ChannelOfPartition(int partition);

  const StreamMetrics& metrics() const { return metrics_; }

  // Replaces the stream's rules (PowerTrack; none at first) and publishes the new
  // CombinedRules, which the pipeline and replays load per batch or step, so a change reaches
  // every connection at once and nothing waits for it. Thread safety: any thread.
  void SetRules(std::shared_ptr<const rules::RuleSet> rules) {
    board_->Set(slot_, std::move(rules));
  }
  // Every stream's rules as matched (this stream's are slot_rules(rule_slot())).
  std::shared_ptr<const CombinedRules> combined_rules() const { return board_->current(); }
  size_t rule_slot() const { return slot_; }

 private:
  const std::string account_;
  const StreamConfig config_;
  std::vector<std::unique_ptr<Channel>> channels_;
  StreamMetrics metrics_;
  std::unique_ptr<RulesBoard> own_board_;  // only without the registry's
  RulesBoard* board_;
  size_t slot_;
};

}  // namespace sluice
