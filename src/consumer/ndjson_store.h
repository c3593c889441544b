// NdjsonStore: posts as newline-delimited JSON files in one directory, one post body per line,
// a file per UTC hour of received time (docs/consumer-stores.md describes the layout).
//
//   posts-YYYYMMDDHH.ndjson  the bodies, exactly as received, each followed by "\n"
//   posts-YYYYMMDDHH.index   per line of the .ndjson, in the same order: "ID RECEIVED_MS END\n"
//                            where END is the byte offset just past that line's "\n"
//   checkpoint               the coverage checkpoint, replaced atomically
//
// Durability: Commit appends and fdatasyncs the .ndjson files, then appends and fdatasyncs the
// .index files, then replaces the checkpoint (temp file, fsync, rename, directory fsync). A crash
// can leave a torn tail in either file; Open cuts both back to the last line that both hold in
// full (a line the index does not describe was never acknowledged).
//
// Uniqueness: Open loads the ids of the files of the newest `dedup_hours` hours present (counted
// back from the newest file's hour) and every id written since; a post whose id is in that set is
// not written again. An id last stored longer ago than that may be stored twice.
//
// A failed fdatasync poisons the store (the files' state is unknown): every later Commit fails
// with kIoError until the store is reopened, which repairs the tails. Not thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "consumer/store.h"

namespace sluice::consumer {

struct NdjsonStoreOptions {
  // Hours of files whose ids are loaded on open for de-duplication; 26 covers a 24-hour recovery
  // window plus the hour in progress and one of clock slack.
  int dedup_hours = 26;
};

class NdjsonStore final : public PostStore {
 public:
  // Opens (creating if needed) the store in `dir`, repairing torn tails. Errors: kIoError,
  // kCorruption (an index line that is complete but unreadable, or bodies without an index).
  static Result<std::unique_ptr<NdjsonStore>> Open(const std::filesystem::path& dir,
                                                   const NdjsonStoreOptions& options = {});
  ~NdjsonStore() override;
  NdjsonStore(const NdjsonStore&) = delete;  // owns file descriptors
  NdjsonStore& operator=(const NdjsonStore&) = delete;

  // kInvalidArgument for a body holding a newline (it would split its line).
  Result<CommitResult> Commit(const CommitBatch& batch) override;
  Result<std::optional<std::string>> LoadCheckpoint() override;
  // Ordered by received_ms, ties in the order written. Exact: each line's received_ms is in the
  // index.
  Result<std::vector<ReceivedPost>> ReadRange(int64_t from_ms, int64_t to_ms,
                                              size_t limit) override;
  Result<uint64_t> CountPosts() override;
  std::string Describe() const override { return "ndjson:" + dir_.string(); }

  // "posts-2026112310" for the hour holding `unix_ms`.
  static std::string HourFileStem(int64_t unix_ms);

  struct IndexEntry {
    uint64_t id = 0;
    int64_t received_ms = 0;
    uint64_t end = 0;  // offset just past the line's "\n" in the .ndjson file
  };

 private:
  struct HourFile;
  struct CachedIndex {
    uint64_t index_bytes = 0;
    uint64_t posts_bytes = 0;
    std::vector<IndexEntry> entries;
  };

  explicit NdjsonStore(std::filesystem::path dir, NdjsonStoreOptions options);
  Status LoadRecentIds();
  Result<HourFile*> OpenHour(int64_t hour_ms);
  Result<std::vector<int64_t>> ListHours() const;
  Status WriteCheckpoint(const std::string& checkpoint);
  Result<CachedIndex> LoadIndex(int64_t hour_ms) const;
  // LoadIndex through read_cache_, re-read when a file's size changed.
  Result<const CachedIndex*> CachedIndexOf(int64_t hour_ms);
  std::filesystem::path PathOf(int64_t hour_ms, const char* extension) const;

  std::filesystem::path dir_;
  NdjsonStoreOptions options_;
  std::map<int64_t, std::unique_ptr<HourFile>> open_hours_;
  std::unordered_set<uint64_t> ids_;
  std::map<int64_t, CachedIndex> read_cache_;  // the hours of the last ReadRange
  bool poisoned_ = false;
};

}  // namespace sluice::consumer
