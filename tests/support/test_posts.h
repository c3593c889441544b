// Posts with chosen ids, so a test knows exactly which stream should carry which post.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sluice::testing {

// `count` distinct snowflake ids whose milliseconds cycle through 0..999, so exactly 10 % are
// in the Decahose, 5 % in each partition and 1 % in the 1 % sample. Distinct per `salt`.
std::vector<uint64_t> CyclingIds(size_t count, uint64_t salt = 0);

// `count` distinct ids that are all in Decahose partition `partition` (1 or 2), in increasing
// order. Distinct per `salt` (0..1023).
std::vector<uint64_t> PartitionIds(size_t count, int partition, uint64_t salt = 0);

// The ids of `ids` that Decahose partition `partition` carries, in order.
std::vector<uint64_t> InPartition(const std::vector<uint64_t>& ids, int partition);

// A small v1.1-shaped post: {"created_at":…,"id":…,"id_str":"…","text":…,"user":{…}}.
std::string PostJson(uint64_t id, size_t padding = 0);

// One post per line, "\n"-terminated.
std::string Ndjson(const std::vector<uint64_t>& ids, size_t padding = 0);

// The id_str of a delivered post (0 when the message has none).
uint64_t IdOf(const std::string& message);

}  // namespace sluice::testing
