// SqliteStore: the default PostStore, one SQLite database file (SPEC §8).
//
// Schema (stable, scripts and docs rely on it; docs/consumer-stores.md):
//   posts(id INTEGER PRIMARY KEY, body TEXT NOT NULL, received_ms INTEGER NOT NULL)
//   consumer_checkpoint(key TEXT PRIMARY KEY, value TEXT)
// Post ids are stored as signed 64-bit integers: X post ids are below 2^63, so the stored value
// equals the id; an id of 2^63 or more is rejected with kInvalidArgument.
//
// The database runs in WAL mode with synchronous=FULL, so a Commit is on disk when it returns.
// WAL checkpoints (copying the log into the database file) run on a background thread with its
// own connection, not inside Commit; see SqliteStoreOptions for how the log is kept bounded.
// Other connections and processes may read the file while the store writes.
//
// Not thread-safe: one thread uses a store at a time. The background checkpointer is internal
// and is stopped and joined by the destructor.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "consumer/store.h"

namespace sluice::consumer {

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct SqliteFinalizer {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};
using SqliteHandle = std::unique_ptr<sqlite3, SqliteCloser>;
using SqliteStatement = std::unique_ptr<sqlite3_stmt, SqliteFinalizer>;

struct SqliteStoreOptions {
  // The background checkpointer runs a PASSIVE checkpoint (copies what it can of the log into
  // the database file without waiting for anyone) after each Commit that leaves the log at
  // least this long, and every `checkpoint_interval` regardless. The log starts over from its
  // beginning at the first write after a checkpoint has copied all of it.
  uint64_t wal_checkpoint_bytes = 32 << 20;
  std::chrono::milliseconds checkpoint_interval{1000};
  // When the log reaches this size, Commit first waits for a running pass to end and copies the
  // rest itself (PASSIVE, usually about one batch), so that it starts the log over: writes then
  // overwrite the log file in place rather than grow it. Readers on a snapshot in the log defer
  // this (it never waits for them) until the next Commit.
  uint64_t wal_restart_bytes = 256 << 20;
  // When the log reaches this size (readers pinning old snapshots, or the checkpointer not
  // keeping up), Commit first runs a blocking RESTART checkpoint on the writing connection,
  // waiting up to `busy_timeout` for readers; if the log still cannot be restarted, Commit fails
  // with kIoError before writing anything, so the log never grows past this plus one batch.
  uint64_t wal_limit_bytes = uint64_t{1} << 30;
  std::chrono::milliseconds busy_timeout{5000};
};

class SqliteWalCheckpointer;

class SqliteStore final : public PostStore {
 public:
  // Opens or creates the database at `path` and its tables, and starts the checkpointer.
  // Errors: kIoError.
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path,
                                                   const SqliteStoreOptions& options = {});

  SqliteStore(const SqliteStore&) = delete;  // owns the connections and the checkpointer thread
  SqliteStore& operator=(const SqliteStore&) = delete;
  ~SqliteStore() override;

  Result<CommitResult> Commit(const CommitBatch& batch) override;
  Result<std::optional<std::string>> LoadCheckpoint() override;
  // Ordered by received_ms, ties by id.
  Result<std::vector<ReceivedPost>> ReadRange(int64_t from_ms, int64_t to_ms,
                                              size_t limit) override;
  Result<uint64_t> CountPosts() override;
  std::string Describe() const override { return "sqlite:" + path_; }

 private:
  SqliteStore(std::string path, SqliteHandle db, const SqliteStoreOptions& options);
  Status Prepare();
  Status Exec(const char* sql);
  Status Error(std::string_view what) const;
  Status BoundWal();
  Result<CommitResult> CommitInTransaction(const CommitBatch& batch);
  static int OnWalCommit(void* store, sqlite3* db, const char* schema, int frames);

  std::string path_;
  SqliteStoreOptions options_;
  SqliteHandle db_;
  int64_t page_size_ = 0;
  int64_t wal_frames_ = 0;  // frames in the log after this connection's last commit
  SqliteStatement insert_post_;
  SqliteStatement upsert_checkpoint_;
  SqliteStatement load_checkpoint_;
  SqliteStatement read_range_;
  SqliteStatement count_posts_;
  std::unique_ptr<SqliteWalCheckpointer> checkpointer_;  // last: stopped before db_ closes
};

}  // namespace sluice::consumer
