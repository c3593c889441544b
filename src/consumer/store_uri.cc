#include "consumer/store_uri.h"

#include <string>

#include "consumer/ndjson_store.h"
#include "consumer/postgres_store.h"
#include "consumer/sqlite_store.h"

namespace sluice::consumer {
namespace {

constexpr char kExpected[] = "expected sqlite:PATH, postgres:CONNINFO or ndjson:DIR";

template <typename Store>
Result<std::unique_ptr<PostStore>> Upcast(Result<std::unique_ptr<Store>> store) {
  if (!store.ok()) return store.status();
  return std::unique_ptr<PostStore>(std::move(*store));
}

}  // namespace

Result<std::unique_ptr<PostStore>> OpenStore(std::string_view uri) {
  if (uri.starts_with("postgres://") || uri.starts_with("postgresql://")) {
    return Upcast(PostgresStore::Open(std::string(uri)));
  }
  const size_t colon = uri.find(':');
  if (colon == std::string_view::npos) {
    return Status::InvalidArgument("store \"" + std::string(uri) +
                                   "\" has no scheme: " + kExpected);
  }
  const std::string_view scheme = uri.substr(0, colon);
  const std::string rest(uri.substr(colon + 1));
  if (scheme != "sqlite" && scheme != "postgres" && scheme != "ndjson") {
    return Status::InvalidArgument("unknown store scheme \"" + std::string(scheme) + "\" in \"" +
                                   std::string(uri) + "\": " + kExpected);
  }
  if (rest.empty()) {
    return Status::InvalidArgument("store \"" + std::string(uri) + "\" names no " +
                                   (scheme == "postgres" ? "connection" : "path") + ": " +
                                   kExpected);
  }
  if (scheme == "sqlite") return Upcast(SqliteStore::Open(rest));
  if (scheme == "postgres") return Upcast(PostgresStore::Open(rest));
  return Upcast(NdjsonStore::Open(rest));
}

}  // namespace sluice::consumer
