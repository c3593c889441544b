#include "stream/replay_job.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <utility>

#include "base/time_format.h"
#include "config/config_limits.h"
#include "stream/matching_rules.h"

namespace sluice {
namespace {

// The lowest priority short of SCHED_IDLE: a thread at nice 19 weighs 1.5 % of one at nice 0
// under Linux's fair scheduler, so a busy pipeline or network thread is hardly slowed, and the
// replay still runs on any CPU time they leave. Measured with server_bench's
// ingest_with_recovery figure: ingest beside two recoveries kept 0.67 of its pace alone at
// nice 10, 0.89 under SCHED_IDLE, 0.94 at nice 19.
constexpr int kReplayNice = 19;
// Room for a chunk's posts without regrowing: its budget plus a typical post.
constexpr uint64_t kChunkSlackBytes = 16 << 10;

// Replays are bulk work beside ingest and live fan-out, which must keep their pace (a recovery
// may read an hour of archive flat out): each step runs its thread at a low CPU priority, so that
// under contention the scheduler gives the replay what the others leave. One syscall a step (a
// step takes milliseconds); best effort: an error leaves the priority as it was.
void LowerThisThreadsPriority() {
  (void)::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), kReplayNice);
}

}  // namespace

ReplayJob::ReplayJob(std::filesystem::path archive_dir,
                     std::shared_ptr<const archive::ArchiveIndex> index, const Stream& stream,
                     int channel, int64_t start_time_ms, std::optional<int64_t> end_time_ms,
                     bool gzip, ReplayBudget budget)
    : archive_dir_(std::move(archive_dir)),
      index_(std::move(index)),
      stream_(stream),
      channel_(channel),
      start_time_ms_(start_time_ms),
      end_time_ms_(end_time_ms),
      budget_(budget) {
  if (gzip) deflater_ = std::make_unique<gzip::BatchDeflater>();
}

ReplayJob::~ReplayJob() = default;

Status ReplayJob::Open() {
  Result<uint64_t> first = index_->SeqAtTime(start_time_ms_);
  if (!first.ok()) return first.status();
  auto reader = archive::Reader::Open(archive_dir_, *index_, *first);
  if (!reader.ok()) return reader.status();
  reader_ = std::move(reader).value();
  reader_->set_filter(&ReplayJob::Wants, this);
  position_ = *first;
  position_time_ms_ = start_time_ms_;
  return Status::Ok();
}

bool ReplayJob::Wants(const archive::RecordView& record, const void* arg) {
  const auto* job = static_cast<const ReplayJob*>(arg);
  return record.seq >= job->step_limit_seq_ ||
         (job->end_time_ms_ && record.archive_time_ms >= *job->end_time_ms_) ||
         (job->chunk_hour_begin_ms_ < job->chunk_hour_end_ms_ &&
          (record.archive_time_ms < job->chunk_hour_begin_ms_ ||
           record.archive_time_ms >= job->chunk_hour_end_ms_)) ||
         (job->stream_.kind() == StreamKind::kPowerTrack
              ? job->step_rules_ != nullptr
              : job->stream_.ChannelFor(record.post_id) == job->channel_);
}

bool ReplayJob::Carries(const archive::RecordView& record) {
  if (stream_.kind() != StreamKind::kPowerTrack) {
    return stream_.ChannelFor(record.post_id) == channel_;
  }
  if (!step_rules_) return false;
  if (!extractor_) extractor_ = std::make_unique<PostViewExtractor>();
  // The pipeline archived only posts it could parse; a view that fails here matches nothing,
  // as it did live.
  if (!extractor_->Extract(record.bytes, view_).ok()) return false;
  // The combined index holds every stream's rules; this job wants its own stream's.
  step_rules_->Match(view_, scratch_, matched_);
  return !matched_.per_slot.empty() && !matched_.per_slot[stream_.rule_slot()].empty();
}

void ReplayJob::AdvancePastSkipped() {
  if (reader_->skipped_end_seq() > position_) {
    position_ = reader_->skipped_end_seq();
    position_time_ms_ = reader_->skipped_time_ms();
  }
}

ReplayStep ReplayJob::Step(uint64_t limit_seq) {
  LowerThisThreadsPriority();
  ReplayStep step;
  if (!failed_.ok()) {
    step.status = failed_;
    return step;
  }
  if (!reader_) {
    if (Status s = Open(); !s.ok()) {
      failed_ = s;
      step.status = s;
      return step;
    }
  }
  auto chunk = std::make_shared<StreamChunk>();
  chunk->cover_begin = position_;
  step_limit_seq_ = limit_seq;
  // The stream's current rules (SPEC §4): a change applies from the next step on.
  step_rules_.reset();
  if (stream_.kind() == StreamKind::kPowerTrack) {
    auto combined = stream_.combined_rules();
    if (!combined->slot_rules(stream_.rule_slot()).empty()) step_rules_ = std::move(combined);
  }
  chunk_hour_begin_ms_ = chunk_hour_end_ms_ = 0;
  // The first chunk is small: the client gets its first posts after a short scan.
  const uint64_t max_chunk_bytes =
      chunks_ > 0 ? budget_.max_chunk_bytes
                  : std::min(budget_.max_chunk_bytes, budget_.first_chunk_bytes);
  uint64_t scanned = 0;
  while (!done_ && position_ < limit_seq && chunk->plain.size() < max_chunk_bytes &&
         scanned < budget_.max_scan_bytes) {
    if (!pending_) {
      archive::RecordView record;
      const uint64_t skipped_before = reader_->skipped_bytes();
      Result<bool> next = reader_->Next(record, budget_.max_scan_bytes - scanned);
      scanned += reader_->skipped_bytes() - skipped_before;
      AdvancePastSkipped();
      if (!next.ok()) {
        failed_ = next.status();
        step.status = failed_;
        return step;
      }
      if (!*next) break;  // nothing more is readable yet, or the scan budget is spent
      pending_ = record;
    }
    const archive::RecordView& record = *pending_;
    if (record.seq >= limit_seq) {
      position_ = limit_seq;  // no record lies between what was read and this one
      break;
    }
    if (end_time_ms_ && record.archive_time_ms >= *end_time_ms_) {
      done_ = true;
      break;
    }
    const int64_t hour = UtcHourStartMs(record.archive_time_ms);
    if (chunk->posts > 0 && hour != chunk->hour_ms) break;
    scanned += record.bytes.size();
    if (Carries(record)) {
      if (chunk->posts == 0) {
        chunk->first_seq = record.seq;
        chunk->hour_ms = hour;
        chunk_hour_begin_ms_ = hour;
        chunk_hour_end_ms_ = hour + kHourMs;
        chunk->plain.reserve(max_chunk_bytes + kChunkSlackBytes);
      }
      if (step_rules_) {
        const size_t slot = stream_.rule_slot();
        AppendAnnotatedPost(chunk->plain, record.bytes, step_rules_->slot_rules(slot),
                            matched_.per_slot[slot]);
      } else {
        chunk->plain.append(record.bytes);
        chunk->plain.append("\r\n");
      }
      chunk->seqs.push_back(record.seq);
      chunk->end_seq = record.seq + 1;
      ++chunk->posts;
    }
    position_ = record.seq + 1;
    position_time_ms_ = record.archive_time_ms;
    pending_.reset();
  }
  chunk->cover_end = position_;
  step.position = position_;
  step.position_time_ms = position_time_ms_;
  step.reached_limit = position_ >= limit_seq;
  step.reached_end = done_;
  if (chunk->posts > 0) {
    if (deflater_) {
      gzip::DeflatedBlock block;
      if (Status s = deflater_->Deflate(chunk->plain, block); s.ok()) {
        chunk->deflated = std::move(block);
      }
      // Without a deflated form the connection deflates the chunk itself.
    }
    step.chunk = std::move(chunk);
    ++chunks_;
  }
  return step;
}

}  // namespace sluice
