// ReplayJob: one connection's read of the archive — the catch-up of a backfill or the whole of
// a recovery (SPEC §4) — done in bounded steps on a replay worker, never on the pipeline or the
// network thread, so a replay blocks neither ingest nor other connections.
//
// Each Step reads on from where the last one stopped, keeps the posts the stream carries on the
// job's channel (Stream::ChannelFor, the same decision the pipeline makes for live posts; for a
// PowerTrack stream, the posts its current rules match, annotated with matching_rules), and
// returns them as one StreamChunk (plain, and deflated for a gzip connection) for the connection
// to queue. A step stops at `limit_seq` (the caller passes the ArchiveFrontier's published
// sequence: posts at or beyond it are not yet published, or reach the connection live), at the
// first post at or after the end time, where the archive hour changes (a chunk's posts share
// one hour, for usage accounting), or when its byte budget is spent — whichever comes first.
// The connection asks for the next step only when its socket has taken the last one (h2o's
// "proceed"), so a replay never buffers more than a step ahead of the client.
//
// Records the step has no use for (another channel's posts, inside the step's limit, end time
// and hour) are passed over by the Reader's filter, which checks their framing but neither
// their crc nor, in a sealed segment, their payload: they count as read, for the position and
// for the scan budget, exactly as if the step had looked at them.
//
// Thread safety: Step must not run concurrently with itself; successive steps may run on
// different threads (the caller orders them, e.g. by posting the next one only after the last
// one's result arrived). Step lowers the calling thread's CPU priority to nice 19 (Linux: per
// thread) and leaves it there: run it on threads reserved for background work (the replay
// worker pool), never on the pipeline or network thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>

#include "archive/archive.h"
#include "base/status.h"
#include "gzip/gzip.h"
#include "post/post_view.h"
#include "rules/rule_set.h"
#include "stream/stream.h"
#include "stream/stream_chunk.h"

namespace sluice {

struct ReplayBudget {
  uint64_t max_chunk_bytes = 1ull << 20;  // of output (plain) per step
  // The same for the first step that finds posts, so that a client's first posts come after a
  // short scan (a backfill's time to first byte) rather than after a whole chunk's worth.
  uint64_t first_chunk_bytes = 64ull << 10;
  // Of archive read per step: payloads of the records the step looks at, whole records (framing
  // included) of those the filter passes over.
  uint64_t max_scan_bytes = 32ull << 20;
};

struct ReplayStep {
  Status status;                 // not ok: the job failed and cannot go on
  StreamChunkPtr chunk;          // null when the step found no post for the channel
  uint64_t position = 0;         // every record below it has been read
  bool reached_limit = false;    // position >= the step's limit_seq
  bool reached_end = false;      // met a record at or after the end time: the range is done
  int64_t position_time_ms = 0;  // archive time of the last record read (progress)
};

class ReplayJob {
 public:
  // Reads the archive in `archive_dir` (indexed by `index`) from the first record whose archive
  // time is >= start_time_ms, up to (excluding) the first at or after end_time_ms if given.
  // REQUIRES: `stream` outlives the job; 0 <= channel < stream.channel_count().
  ReplayJob(std::filesystem::path archive_dir, std::shared_ptr<const archive::ArchiveIndex> index,
            const Stream& stream, int channel, int64_t start_time_ms,
            std::optional<int64_t> end_time_ms, bool gzip, ReplayBudget budget = {});
  ~ReplayJob();
  ReplayJob(const ReplayJob&) = delete;  // owns a reader and a deflater
  ReplayJob& operator=(const ReplayJob&) = delete;

  ReplayStep Step(uint64_t limit_seq);

 private:
  Status Open();
  // The Reader's filter: whether the step must see `record` — a post of the channel, or one
  // that ends the step (at or past the limit or the end time, or of another hour than the
  // chunk's). `arg` is the job.
  static bool Wants(const archive::RecordView& record, const void* arg);
  // Takes the records the Reader passed over as read.
  void AdvancePastSkipped();
  // Whether the job's channel carries the post; for PowerTrack, fills matched_ (the positions
  // are matched_.per_slot[stream_.rule_slot()]).
  bool Carries(const archive::RecordView& record);

  const std::filesystem::path archive_dir_;
  const std::shared_ptr<const archive::ArchiveIndex> index_;
  const Stream& stream_;
  const int channel_;
  const int64_t start_time_ms_;
  const std::optional<int64_t> end_time_ms_;
  const ReplayBudget budget_;
  std::unique_ptr<gzip::BatchDeflater> deflater_;  // null without gzip

  std::unique_ptr<archive::Reader> reader_;  // opened by the first step
  // A record read but not yet consumed (at or past a step's limit or hour); its bytes stay
  // valid because the reader is not called again until the next step takes it.
  std::optional<archive::RecordView> pending_;
  uint64_t position_ = 0;
  int64_t position_time_ms_ = 0;
  uint64_t chunks_ = 0;  // chunks with posts returned so far
  // What Wants needs to know of the step in progress.
  uint64_t step_limit_seq_ = 0;
  int64_t chunk_hour_begin_ms_ = 0;  // the chunk's hour, [begin, end); empty while it has no post
  int64_t chunk_hour_end_ms_ = 0;
  bool done_ = false;
  Status failed_;

  // PowerTrack: every stream's rules as loaded at the step's start (null when this stream has
  // none, and for other kinds), and what matching them needs.
  std::shared_ptr<const CombinedRules> step_rules_;
  std::unique_ptr<PostViewExtractor> extractor_;
  PostView view_;
  rules::MatchScratch scratch_;
  CombinedMatch matched_;
};

}  // namespace sluice
