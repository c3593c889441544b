#include "support/generated_archive.h"

#include <algorithm>
#include <chrono>
#include <string>
#include <system_error>

#include "archive/archive.h"
#include "base/clock.h"
#include "ingest/generator.h"
#include "ingest/ingest_batch.h"

namespace sluice::bench {
namespace {

constexpr size_t kGroupPosts = 256;
// A group closes where a new 10 ms period starts: ingest hands the archive what arrived since
// its last append.
constexpr int64_t kGroupPeriodMs = 10;

}  // namespace

Result<GeneratedArchive> WriteGeneratedArchive(const std::filesystem::path& dir,
                                               const std::vector<ArchiveSpan>& spans,
                                               uint64_t seed) {
  const auto t0 = std::chrono::steady_clock::now();
  ManualClock clock(spans.empty() ? 0 : spans.front().start_ms);
  SystemClock sync_clock;  // fsyncs paced by real time, not by the jumps of `clock`
  archive::WriterOptions options;
  options.dir = dir;
  options.sync_interval_ms = 1000;
  options.sync_clock = &sync_clock;
  auto writer = archive::Writer::Open(options, clock, nullptr, nullptr);
  if (!writer.ok()) return writer.status();
  PostGenerator generator(seed);
  IngestBatch batch;
  std::vector<archive::Record> records;
  GeneratedArchive made;
  int64_t group_period = 0;
  uint64_t jitter = seed;
  auto flush = [&]() -> Status {
    if (batch.empty()) return Status::Ok();
    records.clear();
    for (const IngestPostRef& p : batch.posts) records.push_back({p.id, batch.bytes(p)});
    auto appended = (*writer)->Append(records);
    if (!appended.ok()) return appended.status();
    made.records += records.size();
    for (const archive::Record& r : records) made.bytes += 32 + r.bytes.size();
    batch.data.clear();
    batch.posts.clear();
    return Status::Ok();
  };
  for (const ArchiveSpan& span : spans) {
    if (span.posts_per_s <= 0) continue;
    const double step_ms = 1000.0 / span.posts_per_s;
    for (double slot = static_cast<double>(span.start_ms); slot < static_cast<double>(span.end_ms);
         slot += step_ms) {
      // Somewhere in its slot, so that the posts' milliseconds (which decide the samples) are
      // spread evenly even when the rate divides a second evenly; slots keep them in order.
      jitter = jitter * 6364136223846793005u + 1442695040888963407u;
      const double t = slot + step_ms * static_cast<double>(jitter >> 11) * 0x1p-53;
      const int64_t created = std::min(static_cast<int64_t>(t), span.end_ms - 1);
      if (!batch.empty() &&
          (created / kGroupPeriodMs != group_period || batch.size() >= kGroupPosts)) {
        SLUICE_RETURN_IF_ERROR(flush());
      }
      group_period = created / kGroupPeriodMs;
      generator.Generate(created, batch);
      clock.SetMs(std::max(clock.NowMs(), created));
    }
    SLUICE_RETURN_IF_ERROR(flush());
  }
  SLUICE_RETURN_IF_ERROR((*writer)->Sync());
  made.next_seq = (*writer)->next_seq();
  made.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return made;
}

Status CloneArchive(const std::filesystem::path& from, const std::filesystem::path& to) {
  std::error_code error;
  std::filesystem::create_directories(to, error);
  if (error) return Status::IoError("create " + to.string() + ": " + error.message());
  for (const auto& entry : std::filesystem::directory_iterator(from, error)) {
    const std::filesystem::path& path = entry.path();
    const std::string ext = path.extension().string();
    if (ext != ".seg" && ext != ".meta" && ext != ".idx" && path.filename() != "RETENTION") {
      continue;  // LOCK, temp files
    }
    std::filesystem::path meta = path;
    meta.replace_extension(".meta");
    const bool sealed = ext != ".seg" || std::filesystem::exists(meta);
    if (sealed) {
      std::filesystem::create_hard_link(path, to / path.filename(), error);
    } else {
      std::filesystem::copy_file(path, to / path.filename(), error);
    }
    if (error) return Status::IoError("clone " + path.string() + ": " + error.message());
  }
  if (error) return Status::IoError("list " + from.string() + ": " + error.message());
  return Status::Ok();
}

}  // namespace sluice::bench
