#include "consumer/sqlite_store.h"

#include <condition_variable>
#include <limits>
#include <mutex>
#include <thread>
#include <utility>

namespace sluice::consumer {
namespace {

constexpr char kCheckpointKey[] = "coverage";

constexpr char kSchema[] =
    "CREATE TABLE IF NOT EXISTS posts ("
    "  id INTEGER PRIMARY KEY, body TEXT NOT NULL, received_ms INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS posts_received_ms ON posts (received_ms);"
    "CREATE TABLE IF NOT EXISTS consumer_checkpoint (key TEXT PRIMARY KEY, value TEXT);";

// Rolls the transaction back unless Commit() ran, so every early return leaves no transaction
// open (the caller retries the same batch on the same connection).
class Transaction {
 public:
  explicit Transaction(sqlite3* db) : db_(db) {}
  ~Transaction() {
    if (!done_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void MarkDone() { done_ = true; }

 private:
  sqlite3* db_;
  bool done_ = false;
};

Result<SqliteHandle> OpenConnection(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  SqliteHandle db(raw);  // sqlite3_open_v2 returns a handle to close even on failure
  if (rc != SQLITE_OK) {
    return Status::IoError("sqlite: cannot open " + path + ": " +
                           (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  return db;
}

}  // namespace

// Copies the log into the database file on its own connection and thread, so that this work
// (a quarter of the writer's time when SQLite's automatic checkpoint ran inside COMMIT) overlaps
// with the next Commits. PASSIVE checkpoints never wait for, nor block, the writer or readers.
class SqliteWalCheckpointer {
 public:
  static Result<std::unique_ptr<SqliteWalCheckpointer>> Start(const std::string& path,
                                                              std::chrono::milliseconds interval) {
    Result<SqliteHandle> db = OpenConnection(path, SQLITE_OPEN_READWRITE);
    if (!db.ok()) return db.status();
    // The checkpoint fsyncs the log before and the database after copying only at FULL/NORMAL.
    if (sqlite3_exec(db->get(), "PRAGMA synchronous=FULL", nullptr, nullptr, nullptr) !=
        SQLITE_OK) {
      return Status::IoError("sqlite " + path + ": " + sqlite3_errmsg(db->get()));
    }
    return std::unique_ptr<SqliteWalCheckpointer>(
        new SqliteWalCheckpointer(std::move(*db), interval));
  }

  SqliteWalCheckpointer(const SqliteWalCheckpointer&) = delete;  // owns a thread
  SqliteWalCheckpointer& operator=(const SqliteWalCheckpointer&) = delete;

  ~SqliteWalCheckpointer() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_up_.notify_one();
    thread_.join();
  }

  // Asks for a pass soon; called by the writer after a commit that leaves a long log.
  void Wake() {
    {
      std::lock_guard lock(mutex_);
      wake_ = true;
    }
    wake_up_.notify_one();
  }

  // Runs `checkpoint` on the caller's thread once no background pass runs, so that the writer's
  // own checkpoint does not fail (SQLITE_BUSY) on the checkpoint lock a background pass holds.
  template <typename Checkpoint>
  int Exclusively(Checkpoint checkpoint) {
    std::lock_guard pass(pass_mutex_);
    return checkpoint();
  }

 private:
  SqliteWalCheckpointer(SqliteHandle db, std::chrono::milliseconds interval)
      : db_(std::move(db)), interval_(interval), thread_([this] { Run(); }) {}

  void Run() {
    std::unique_lock lock(mutex_);
    while (!stop_) {
      wake_up_.wait_for(lock, interval_, [this] { return stop_ || wake_; });
      if (stop_) break;
      wake_ = false;
      lock.unlock();
      {
        std::lock_guard pass(pass_mutex_);
        // Errors (SQLITE_BUSY while the writer checkpoints, I/O) leave the log as it is; the
        // writer's wal_limit_bytes check is what bounds it.
        sqlite3_wal_checkpoint_v2(db_.get(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
      }
      lock.lock();
    }
  }

  SqliteHandle db_;  // used by thread_ only (and by no one once it is joined)
  const std::chrono::milliseconds interval_;
  std::mutex pass_mutex_;  // held while a checkpoint runs on db_ or on the writer
  std::mutex mutex_;       // guards wake_ and stop_
  std::condition_variable wake_up_;
  bool wake_ = false;
  bool stop_ = false;
  std::thread thread_;  // last: started once the members above exist
};

SqliteStore::SqliteStore(std::string path, SqliteHandle db, const SqliteStoreOptions& options)
    : path_(std::move(path)), options_(options), db_(std::move(db)) {}

SqliteStore::~SqliteStore() = default;

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path,
                                                       const SqliteStoreOptions& options) {
  Result<SqliteHandle> db = OpenConnection(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!db.ok()) return db.status();
  std::unique_ptr<SqliteStore> store(new SqliteStore(path, std::move(*db), options));
  sqlite3_busy_timeout(store->db_.get(), static_cast<int>(options.busy_timeout.count()));
  // Bodies are ~2.5-3 KB: 4 KiB pages hold one row each, 16 KiB pages five with ~10 % left
  // over; 64 KiB pages hold ~22 and mean fewer b-tree pages and log frames per post (measured
  // ~1.4x the Commit throughput of 16 KiB). Only takes effect when the file is new.
  SLUICE_RETURN_IF_ERROR(store->Exec("PRAGMA page_size=65536"));
  // WAL + FULL: each COMMIT fsyncs the log, so Commit is durable when it returns.
  SLUICE_RETURN_IF_ERROR(store->Exec("PRAGMA journal_mode=WAL"));
  // Replaces SQLite's automatic checkpoint inside COMMIT: the checkpointer started below does
  // that work on its own thread.
  sqlite3_wal_hook(store->db_.get(), &SqliteStore::OnWalCommit, store.get());
  SLUICE_RETURN_IF_ERROR(store->Exec("PRAGMA synchronous=FULL"));
  SLUICE_RETURN_IF_ERROR(store->Exec("PRAGMA cache_size=-65536"));  // 64 MiB
  SLUICE_RETURN_IF_ERROR(store->Exec(kSchema));
  SLUICE_RETURN_IF_ERROR(store->Prepare());
  sqlite3_stmt* page_size = nullptr;
  if (sqlite3_prepare_v2(store->db_.get(), "PRAGMA page_size", -1, &page_size, nullptr) !=
      SQLITE_OK) {
    return store->Error("page size");
  }
  SqliteStatement page_size_statement(page_size);
  if (sqlite3_step(page_size) != SQLITE_ROW) return store->Error("page size");
  store->page_size_ = sqlite3_column_int64(page_size, 0);
  Result<std::unique_ptr<SqliteWalCheckpointer>> checkpointer =
      SqliteWalCheckpointer::Start(path, options.checkpoint_interval);
  if (!checkpointer.ok()) return checkpointer.status();
  store->checkpointer_ = std::move(*checkpointer);
  return store;
}

int SqliteStore::OnWalCommit(void* store_arg, sqlite3* /*db*/, const char* /*schema*/, int frames) {
  auto* store = static_cast<SqliteStore*>(store_arg);
  store->wal_frames_ = frames;
  if (store->checkpointer_ &&
      static_cast<uint64_t>(frames * store->page_size_) >= store->options_.wal_checkpoint_bytes) {
    store->checkpointer_->Wake();
  }
  return SQLITE_OK;
}

Status SqliteStore::BoundWal() {
  const uint64_t wal_bytes = static_cast<uint64_t>(wal_frames_ * page_size_);
  if (!checkpointer_ || wal_bytes < options_.wal_restart_bytes) return Status::Ok();
  if (wal_bytes < options_.wal_limit_bytes) {
    // Copies the last frames the checkpointer has not (it keeps up to within about a batch):
    // with the whole log copied, this Commit starts the log over and overwrites the file in
    // place instead of growing it, which measured ~1.4x faster over 500k posts (an fdatasync of
    // a growing file also commits its new size). Never waits for readers.
    checkpointer_->Exclusively([&] {
      return sqlite3_wal_checkpoint_v2(db_.get(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                                       nullptr);
    });
    return Status::Ok();
  }
  // RESTART copies what the checkpointer has not, then waits (busy timeout) until no reader
  // uses the log, so that the next write starts it over from its beginning.
  const int rc = checkpointer_->Exclusively([&] {
    return sqlite3_wal_checkpoint_v2(db_.get(), nullptr, SQLITE_CHECKPOINT_RESTART, nullptr,
                                     nullptr);
  });
  if (rc != SQLITE_OK) {
    return Status::IoError(
        "sqlite " + path_ + ": the log is " + std::to_string(wal_bytes >> 20) +
        " MiB and cannot be checkpointed (a reader holds it?): " + sqlite3_errmsg(db_.get()));
  }
  wal_frames_ = 0;  // the next commit's hook reports the log's new length
  return Status::Ok();
}

Status SqliteStore::Exec(const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_.get(), sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : sqlite3_errmsg(db_.get());
    sqlite3_free(message);
    return Status::IoError("sqlite " + path_ + ": " + text);
  }
  return Status::Ok();
}

Status SqliteStore::Error(std::string_view what) const {
  return Status::IoError("sqlite " + path_ + ": " + std::string(what) + ": " +
                         sqlite3_errmsg(db_.get()));
}

Status SqliteStore::Prepare() {
  struct {
    SqliteStatement* statement;
    const char* sql;
  } const statements[] = {
      {&insert_post_, "INSERT OR IGNORE INTO posts (id, body, received_ms) VALUES (?, ?, ?)"},
      {&upsert_checkpoint_,
       "INSERT INTO consumer_checkpoint (key, value) VALUES (?, ?) "
       "ON CONFLICT (key) DO UPDATE SET value = excluded.value"},
      {&load_checkpoint_, "SELECT value FROM consumer_checkpoint WHERE key = ?"},
      {&read_range_,
       "SELECT id, body, received_ms FROM posts WHERE received_ms >= ? AND received_ms < ? "
       "ORDER BY received_ms, id LIMIT ?"},
      {&count_posts_, "SELECT count(*) FROM posts"},
  };
  for (const auto& [statement, sql] : statements) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v3(db_.get(), sql, -1, SQLITE_PREPARE_PERSISTENT, &raw, nullptr) !=
        SQLITE_OK) {
      return Error("prepare");
    }
    statement->reset(raw);
  }
  return Status::Ok();
}

Result<CommitResult> SqliteStore::Commit(const CommitBatch& batch) {
  for (const ReceivedPost& post : batch.posts) {
    if (post.id > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return Status::InvalidArgument("sqlite store cannot hold post id " + std::to_string(post.id) +
                                     " (above 2^63-1)");
    }
  }
  SLUICE_RETURN_IF_ERROR(BoundWal());
  if (sqlite3_exec(db_.get(), "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return Error("begin");
  }
  Transaction transaction(db_.get());
  Result<CommitResult> result = CommitInTransaction(batch);
  if (!result.ok()) return result;
  if (sqlite3_exec(db_.get(), "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return Error("commit");
  }
  transaction.MarkDone();
  return result;
}

Result<CommitResult> SqliteStore::CommitInTransaction(const CommitBatch& batch) {
  CommitResult result;
  result.inserted.reserve(batch.posts.size());
  sqlite3_stmt* insert = insert_post_.get();
  for (const ReceivedPost& post : batch.posts) {
    sqlite3_bind_int64(insert, 1, static_cast<int64_t>(post.id));
    // SQLITE_STATIC: the body outlives the step; saves a copy of every body.
    sqlite3_bind_text(insert, 2, post.body.data(), static_cast<int>(post.body.size()),
                      SQLITE_STATIC);
    sqlite3_bind_int64(insert, 3, post.received_ms);
    const int rc = sqlite3_step(insert);
    sqlite3_reset(insert);
    if (rc != SQLITE_DONE) return Error("insert post " + std::to_string(post.id));
    const bool inserted = sqlite3_changes(db_.get()) > 0;
    result.inserted.push_back(inserted ? 1 : 0);
    result.inserted_count += inserted ? 1 : 0;
  }
  sqlite3_clear_bindings(insert);
  if (batch.checkpoint) {
    sqlite3_stmt* upsert = upsert_checkpoint_.get();
    sqlite3_bind_text(upsert, 1, kCheckpointKey, -1, SQLITE_STATIC);
    sqlite3_bind_text(upsert, 2, batch.checkpoint->data(),
                      static_cast<int>(batch.checkpoint->size()), SQLITE_STATIC);
    const int rc = sqlite3_step(upsert);
    sqlite3_reset(upsert);
    sqlite3_clear_bindings(upsert);
    if (rc != SQLITE_DONE) return Error("write checkpoint");
  }
  return result;
}

Result<std::optional<std::string>> SqliteStore::LoadCheckpoint() {
  sqlite3_stmt* load = load_checkpoint_.get();
  sqlite3_bind_text(load, 1, kCheckpointKey, -1, SQLITE_STATIC);
  std::optional<std::string> checkpoint;
  const int rc = sqlite3_step(load);
  if (rc == SQLITE_ROW) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(load, 0));
    checkpoint.emplace(text ? text : "", static_cast<size_t>(sqlite3_column_bytes(load, 0)));
  }
  sqlite3_reset(load);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return Error("read checkpoint");
  return checkpoint;
}

Result<std::vector<ReceivedPost>> SqliteStore::ReadRange(int64_t from_ms, int64_t to_ms,
                                                         size_t limit) {
  std::vector<ReceivedPost> posts;
  sqlite3_stmt* read = read_range_.get();
  sqlite3_bind_int64(read, 1, from_ms);
  sqlite3_bind_int64(read, 2, to_ms);
  sqlite3_bind_int64(read, 3,
                     static_cast<int64_t>(std::min<size_t>(
                         limit, static_cast<size_t>(std::numeric_limits<int64_t>::max()))));
  int rc;
  while ((rc = sqlite3_step(read)) == SQLITE_ROW) {
    ReceivedPost& post = posts.emplace_back();
    post.id = static_cast<uint64_t>(sqlite3_column_int64(read, 0));
    const auto* body = reinterpret_cast<const char*>(sqlite3_column_text(read, 1));
    post.body.assign(body ? body : "", static_cast<size_t>(sqlite3_column_bytes(read, 1)));
    post.received_ms = sqlite3_column_int64(read, 2);
  }
  sqlite3_reset(read);
  if (rc != SQLITE_DONE) return Error("read posts");
  return posts;
}

Result<uint64_t> SqliteStore::CountPosts() {
  sqlite3_stmt* count = count_posts_.get();
  const int rc = sqlite3_step(count);
  const uint64_t posts =
      rc == SQLITE_ROW ? static_cast<uint64_t>(sqlite3_column_int64(count, 0)) : 0;
  sqlite3_reset(count);
  if (rc != SQLITE_ROW) return Error("count posts");
  return posts;
}

}  // namespace sluice::consumer
