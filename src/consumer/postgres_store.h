// PostgresStore: posts in a PostgreSQL database through libpq (SPEC §8).
//
// Schema (created if absent; stable, docs/consumer-stores.md):
//   posts(id BIGINT PRIMARY KEY, body TEXT NOT NULL, received_ms BIGINT NOT NULL)
//   consumer_checkpoint(key TEXT PRIMARY KEY, value TEXT)
// Post ids are stored as signed 64-bit integers (X ids are below 2^63); a larger id is
// kInvalidArgument.
//
// Commit is one transaction: multi-row `INSERT INTO posts … VALUES … ON CONFLICT (id) DO NOTHING
// RETURNING id` statements (1000 rows each) say which ids were new, then the checkpoint is
// upserted, then COMMIT (durable when the server runs with fsync and synchronous_commit on, its
// defaults). The session sets default_toast_compression = lz4 where the server supports it.
// A connection found broken is reset once and the operation retried once before kIoError.
// Not thread-safe.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <string>

#include "consumer/store.h"

namespace sluice::consumer {

struct PgConnCloser {
  void operator()(PGconn* connection) const { PQfinish(connection); }
};
struct PgResultClearer {
  void operator()(PGresult* result) const { PQclear(result); }
};
using PgConnection = std::unique_ptr<PGconn, PgConnCloser>;
using PgResult = std::unique_ptr<PGresult, PgResultClearer>;

class PostgresStore final : public PostStore {
 public:
  // Connects with `conninfo` ("host=… dbname=…" or a postgresql:// URL) and creates the tables
  // if absent. Errors: kInvalidArgument (unparsable conninfo), kIoError (cannot connect, SQL).
  static Result<std::unique_ptr<PostgresStore>> Open(const std::string& conninfo);

  PostgresStore(const PostgresStore&) = delete;  // owns the connection
  PostgresStore& operator=(const PostgresStore&) = delete;

  Result<CommitResult> Commit(const CommitBatch& batch) override;
  Result<std::optional<std::string>> LoadCheckpoint() override;
  // Ordered by received_ms, ties by id.
  Result<std::vector<ReceivedPost>> ReadRange(int64_t from_ms, int64_t to_ms,
                                              size_t limit) override;
  Result<uint64_t> CountPosts() override;
  // "postgres:host=… port=… dbname=… user=…": never the password.
  std::string Describe() const override { return description_; }

 private:
  PostgresStore(std::string conninfo, std::string description)
      : conninfo_(std::move(conninfo)), description_(std::move(description)) {}
  Status Connect();
  // Runs `operation`; if it failed because the connection broke, resets it and runs it once
  // more.
  template <typename T, typename Operation>
  Result<T> WithReconnect(Operation operation);
  Status Exec(const char* sql);
  Result<CommitResult> CommitOnce(const CommitBatch& batch);
  Status Error(std::string_view what, const PGresult* result) const;

  std::string conninfo_;
  std::string description_;
  PgConnection connection_;
};

}  // namespace sluice::consumer
