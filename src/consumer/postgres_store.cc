#include "consumer/postgres_store.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <unordered_set>
#include <utility>

namespace sluice::consumer {
namespace {

constexpr char kSchema[] =
    "CREATE TABLE IF NOT EXISTS posts ("
    "  id BIGINT PRIMARY KEY, body TEXT NOT NULL, received_ms BIGINT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS posts_received_ms ON posts (received_ms);"
    "CREATE TABLE IF NOT EXISTS consumer_checkpoint (key TEXT PRIMARY KEY, value TEXT);";

// Rows per INSERT statement: three parameters a row, and the protocol allows 65535. Measured
// against COPY into a temp table + INSERT … SELECT: the multi-row INSERT was faster
// (docs/consumer-stores.md).
constexpr size_t kRowsPerInsert = 1000;
constexpr char kUpsertCheckpoint[] =
    "INSERT INTO consumer_checkpoint (key, value) VALUES ('coverage', $1) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value";
constexpr char kLoadCheckpoint[] = "SELECT value FROM consumer_checkpoint WHERE key = 'coverage'";
constexpr char kReadRange[] =
    "SELECT id, body, received_ms FROM posts WHERE received_ms >= $1 AND received_ms < $2 "
    "ORDER BY received_ms, id LIMIT $3";

void IgnoreNotice(void*, const char*) {}  // "relation already exists, skipping" and the like

template <typename Int>
Int ParseInt(const char* text) {
  Int value = 0;
  std::from_chars(text, text + std::char_traits<char>::length(text), value);
  return value;
}

// INSERT INTO posts … VALUES ($1,$2,$3),($4,$5,$6),… ON CONFLICT (id) DO NOTHING RETURNING id
std::string InsertSql(size_t rows) {
  std::string sql = "INSERT INTO posts (id, body, received_ms) VALUES ";
  for (size_t row = 0; row < rows; ++row) {
    const size_t first = 3 * row + 1;
    if (row > 0) sql.push_back(',');
    sql += "($" + std::to_string(first) + ",$" + std::to_string(first + 1) + ",$" +
           std::to_string(first + 2) + ")";
  }
  sql += " ON CONFLICT (id) DO NOTHING RETURNING id";
  return sql;
}

// "host=h port=p dbname=d user=u" from the parsed conninfo: the password never leaves here.
Result<std::string> DescribeConninfo(const std::string& conninfo) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  if (!options) {
    std::string message = error ? error : "out of memory";
    PQfreemem(error);
    while (!message.empty() && message.back() == '\n') message.pop_back();
    return Status::InvalidArgument("postgres: bad conninfo: " + message);
  }
  std::string description = "postgres:";
  for (const char* keyword : {"host", "hostaddr", "port", "dbname", "user"}) {
    for (PQconninfoOption* option = options; option->keyword; ++option) {
      if (std::string_view(option->keyword) == keyword && option->val && *option->val) {
        if (description.back() != ':') description.push_back(' ');
        description += std::string(keyword) + "=" + option->val;
      }
    }
  }
  PQconninfoFree(options);
  return description;
}

}  // namespace

Result<std::unique_ptr<PostgresStore>> PostgresStore::Open(const std::string& conninfo) {
  Result<std::string> description = DescribeConninfo(conninfo);
  if (!description.ok()) return description.status();
  std::unique_ptr<PostgresStore> store(new PostgresStore(conninfo, std::move(*description)));
  SLUICE_RETURN_IF_ERROR(store->Connect());
  return store;
}

Status PostgresStore::Connect() {
  // Keywords after an expanded dbname override it, so the default timeout goes first.
  const char* keywords[] = {"connect_timeout", "dbname", nullptr};
  const char* values[] = {"10", conninfo_.c_str(), nullptr};
  connection_.reset(PQconnectdbParams(keywords, values, /*expand_dbname=*/1));
  if (!connection_) return Status::IoError(description_ + ": out of memory");
  if (PQstatus(connection_.get()) != CONNECTION_OK) {
    std::string message = PQerrorMessage(connection_.get());
    while (!message.empty() && message.back() == '\n') message.pop_back();
    return Status::IoError(description_ + ": cannot connect: " + message);
  }
  PQsetNoticeProcessor(connection_.get(), IgnoreNotice, nullptr);
  if (PQsetClientEncoding(connection_.get(), "UTF8") != 0) {
    return Error("set client encoding", nullptr);
  }
  // lz4 compresses the TOASTed bodies (most are over 2 KB) much faster than the default pglz;
  // servers before 14 or without lz4 refuse, and keep pglz.
  PgResult ignored(PQexec(connection_.get(), "SET default_toast_compression = lz4"));
  return Exec(kSchema);
}

Status PostgresStore::Error(std::string_view what, const PGresult* result) const {
  std::string message = result && *PQresultErrorMessage(result) ? PQresultErrorMessage(result)
                                                                : PQerrorMessage(connection_.get());
  while (!message.empty() && message.back() == '\n') message.pop_back();
  message = description_ + ": " + std::string(what) + ": " + message;
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  // Class 22 is "data exception": the batch holds something the column cannot take.
  if (state && std::string_view(state).starts_with("22")) {
    return Status::InvalidArgument(std::move(message));
  }
  return Status::IoError(std::move(message));
}

Status PostgresStore::Exec(const char* sql) {
  PgResult result(PQexec(connection_.get(), sql));
  const ExecStatusType status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return Error(sql, result.get());
  return Status::Ok();
}

template <typename T, typename Operation>
Result<T> PostgresStore::WithReconnect(Operation operation) {
  bool reconnected = false;
  if (!connection_ || PQstatus(connection_.get()) != CONNECTION_OK) {
    SLUICE_RETURN_IF_ERROR(Connect());
    reconnected = true;
  }
  Result<T> result = operation();
  if (!result.ok() && !reconnected && PQstatus(connection_.get()) != CONNECTION_OK) {
    Status status = Connect();
    if (!status.ok()) {
      return Status::IoError(result.status().message() + "; reconnect failed: " + status.message());
    }
    result = operation();
  }
  return result;
}

Result<CommitResult> PostgresStore::Commit(const CommitBatch& batch) {
  for (const ReceivedPost& post : batch.posts) {
    if (post.id > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return Status::InvalidArgument("postgres store cannot hold post id " +
                                     std::to_string(post.id) + " (above 2^63-1)");
    }
    if (post.body.find('\0') != std::string::npos) {
      return Status::InvalidArgument("postgres store cannot hold post " + std::to_string(post.id) +
                                     ": its body contains a NUL byte");
    }
  }
  return WithReconnect<CommitResult>([&] { return CommitOnce(batch); });
}

Result<CommitResult> PostgresStore::CommitOnce(const CommitBatch& batch) {
  PGconn* connection = connection_.get();
  SLUICE_RETURN_IF_ERROR(Exec("BEGIN"));
  auto rollback = [&](Status status) -> Result<CommitResult> {
    if (PQstatus(connection) == CONNECTION_OK) {
      PgResult ignored(PQexec(connection, "ROLLBACK"));
    }
    return status;
  };
  // Only the first post of an id in the batch is sent: that one is "inserted" if any is.
  std::unordered_set<uint64_t> sent;
  std::vector<const ReceivedPost*> unique;
  unique.reserve(batch.posts.size());
  for (const ReceivedPost& post : batch.posts) {
    if (sent.insert(post.id).second) unique.push_back(&post);
  }
  std::unordered_set<uint64_t> new_ids;
  std::vector<std::string> numbers;
  std::vector<const char*> values;
  for (size_t start = 0; start < unique.size(); start += kRowsPerInsert) {
    const size_t rows = std::min(kRowsPerInsert, unique.size() - start);
    numbers.clear();
    values.clear();
    numbers.reserve(2 * rows);  // no reallocation: `values` points into it
    for (size_t row = 0; row < rows; ++row) {
      const ReceivedPost& post = *unique[start + row];
      values.push_back(numbers.emplace_back(std::to_string(post.id)).c_str());
      values.push_back(post.body.c_str());
      values.push_back(numbers.emplace_back(std::to_string(post.received_ms)).c_str());
    }
    PgResult inserted(PQexecParams(connection, InsertSql(rows).c_str(),
                                   static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                                   nullptr, 0));
    if (PQresultStatus(inserted.get()) != PGRES_TUPLES_OK) {
      return rollback(Error("insert", inserted.get()));
    }
    for (int row = 0; row < PQntuples(inserted.get()); ++row) {
      new_ids.insert(static_cast<uint64_t>(ParseInt<int64_t>(PQgetvalue(inserted.get(), row, 0))));
    }
  }

  if (batch.checkpoint) {
    const char* values[] = {batch.checkpoint->c_str()};
    const int lengths[] = {static_cast<int>(batch.checkpoint->size())};
    PgResult upsert(
        PQexecParams(connection, kUpsertCheckpoint, 1, nullptr, values, lengths, nullptr, 0));
    if (PQresultStatus(upsert.get()) != PGRES_COMMAND_OK) {
      return rollback(Error("write checkpoint", upsert.get()));
    }
  }
  PgResult commit(PQexec(connection, "COMMIT"));
  if (PQresultStatus(commit.get()) != PGRES_COMMAND_OK) return Error("commit", commit.get());

  CommitResult result;
  result.inserted.reserve(batch.posts.size());
  for (const ReceivedPost& post : batch.posts) {
    const bool is_new = new_ids.erase(post.id) > 0;  // erase: a later duplicate is not new
    result.inserted.push_back(is_new ? 1 : 0);
    result.inserted_count += is_new ? 1 : 0;
  }
  return result;
}

Result<std::optional<std::string>> PostgresStore::LoadCheckpoint() {
  return WithReconnect<std::optional<std::string>>([&]() -> Result<std::optional<std::string>> {
    PgResult result(PQexec(connection_.get(), kLoadCheckpoint));
    if (PQresultStatus(result.get()) != PGRES_TUPLES_OK) {
      return Error("read checkpoint", result.get());
    }
    if (PQntuples(result.get()) == 0 || PQgetisnull(result.get(), 0, 0)) {
      return std::optional<std::string>();
    }
    return std::optional<std::string>(
        std::string(PQgetvalue(result.get(), 0, 0), PQgetlength(result.get(), 0, 0)));
  });
}

Result<std::vector<ReceivedPost>> PostgresStore::ReadRange(int64_t from_ms, int64_t to_ms,
                                                           size_t limit) {
  const std::string from = std::to_string(from_ms);
  const std::string to = std::to_string(to_ms);
  const std::string max_rows = std::to_string(
      std::min<size_t>(limit, static_cast<size_t>(std::numeric_limits<int64_t>::max())));
  return WithReconnect<std::vector<ReceivedPost>>([&]() -> Result<std::vector<ReceivedPost>> {
    const char* values[] = {from.c_str(), to.c_str(), max_rows.c_str()};
    PgResult result(
        PQexecParams(connection_.get(), kReadRange, 3, nullptr, values, nullptr, nullptr, 0));
    if (PQresultStatus(result.get()) != PGRES_TUPLES_OK) {
      return Error("read posts", result.get());
    }
    std::vector<ReceivedPost> posts(static_cast<size_t>(PQntuples(result.get())));
    for (int row = 0; row < PQntuples(result.get()); ++row) {
      ReceivedPost& post = posts[static_cast<size_t>(row)];
      post.id = static_cast<uint64_t>(ParseInt<int64_t>(PQgetvalue(result.get(), row, 0)));
      post.body.assign(PQgetvalue(result.get(), row, 1), PQgetlength(result.get(), row, 1));
      post.received_ms = ParseInt<int64_t>(PQgetvalue(result.get(), row, 2));
    }
    return posts;
  });
}

Result<uint64_t> PostgresStore::CountPosts() {
  return WithReconnect<uint64_t>([&]() -> Result<uint64_t> {
    PgResult result(PQexec(connection_.get(), "SELECT count(*) FROM posts"));
    if (PQresultStatus(result.get()) != PGRES_TUPLES_OK) {
      return Error("count posts", result.get());
    }
    return ParseInt<uint64_t>(PQgetvalue(result.get(), 0, 0));
  });
}

}  // namespace sluice::consumer
