// ArchiveFrontier: how far the live fan-out has got along the archive, the meeting point of
// live delivery and replays (backfill, recovery).
//
// The pipeline appends a batch to the archive, then hands its chunks to the network thread,
// which publishes them to their channels and only then advances the frontier. So, read on the
// network thread, `published_seq` splits the archive exactly: every post with a sequence below
// it has already been published to its channel; every later one will be published after now.
// A backfill that has replayed [start, published_seq) from the archive joins the live channel
// with no gap and no repeat (ARCHITECTURE: "joins the live queue at the exact archive position
// where the reader stopped").
//
// `time_floor_ms` completes a recovery: no post with archive time below it will ever be
// appended at or after `published_seq` (the pipeline raises the writer's time floor to it
// before publishing it), so a recovery whose end time is at or below the floor is complete
// once it has read up to `published_seq`.
//
// `ingest_backlog_bytes` says how far ingest is behind: the bytes the pipeline found waiting
// when it last took batches from its queue (near zero while it keeps up). Replays yield to a
// pipeline that is behind (stream_connection.cc), because ingest must not lose its pace to them.
//
// Thread safety: the first two are written only by the network thread, the backlog only by the
// pipeline thread; all are readable from any thread (replay workers read published_seq to bound
// their reads). published_seq and time_floor_ms are read together only on the network thread.
#pragma once

#include <atomic>
#include <cstdint>

namespace sluice {

struct ArchiveFrontier {
  std::atomic<uint64_t> published_seq{0};
  std::atomic<int64_t> time_floor_ms{0};
  std::atomic<uint64_t> ingest_backlog_bytes{0};
};

}  // namespace sluice
