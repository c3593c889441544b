// RecoveryJobs: the recovery requests running now, per stream — the per-stream concurrency
// limit (SPEC §4: more than the job limit at once is 429), `GET /recovery/jobs` and the
// per-job progress lines of /metrics.
//
// Thread safety: none; owned by the network thread, like the connections that run the jobs.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <string_view>

#include "stream/stream.h"
#include "stream/subscriber.h"

namespace sluice {

// One running job, updated by its connection as the replay advances.
struct RecoveryJobInfo {
  uint64_t id = 0;
  const Stream* stream = nullptr;
  int partition = 0;  // decahose: 1 or 2; 0 otherwise
  int64_t start_time_ms = 0;
  int64_t end_time_ms = 0;
  int64_t started_ms = 0;
  int64_t position_time_ms = 0;  // archive time the replay has read up to
  uint64_t posts_sent = 0;
  std::weak_ptr<Subscriber> connection;  // for the operational disconnect at shutdown
};

class RecoveryJobs {
 public:
  RecoveryJobs() = default;
  RecoveryJobs(const RecoveryJobs&) = delete;  // hands out pointers to its entries
  RecoveryJobs& operator=(const RecoveryJobs&) = delete;

  int Running(const Stream* stream) const;
  // Registers a job; the caller checked the stream's limit. The pointer stays valid until
  // Finish.
  RecoveryJobInfo* Start(const Stream* stream, int partition, int64_t start_time_ms,
                         int64_t end_time_ms, int64_t now_ms);
  void Finish(const RecoveryJobInfo* job);
  // The connections of every running job (to disconnect them all at shutdown).
  std::vector<std::shared_ptr<Subscriber>> Connections() const;

  // {"jobs":[{"id":"…","stream":"prod","partition":1,"startTime":…,…}],"sent":"…"} for the
  // jobs of `account`, oldest first.
  std::string RenderJson(std::string_view account, int64_t now_ms) const;
  // Prometheus lines (gauges per job, labelled by account, stream and job id).
  std::string RenderMetrics() const;

 private:
  uint64_t next_id_ = 1;
  std::list<RecoveryJobInfo> jobs_;  // list: entries must not move
};

}  // namespace sluice
