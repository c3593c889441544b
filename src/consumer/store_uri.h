// OpenStore: the store named by a `--store` / `--emergency-store` argument (SPEC §8).
#pragma once

#include <memory>
#include <string_view>

#include "consumer/store.h"

namespace sluice::consumer {

// Opens the store `uri` names:
//   sqlite:PATH          SqliteStore on the database file PATH
//   postgres:CONNINFO    PostgresStore; CONNINFO is a libpq "key=value …" string or a
//                        postgresql:// URL; a bare postgres:// or postgresql:// URL works too
//   ndjson:DIR           NdjsonStore in the directory DIR
// Errors: kInvalidArgument (unknown scheme, empty path), and whatever the store's Open returns.
Result<std::unique_ptr<PostStore>> OpenStore(std::string_view uri);

}  // namespace sluice::consumer
