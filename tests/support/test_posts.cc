#include "support/test_posts.h"

#include "base/snowflake.h"
#include "post/sample.h"

namespace sluice::testing {

std::vector<uint64_t> CyclingIds(size_t count, uint64_t salt) {
  // 2026-01-01T00:00:00Z, on a whole second, so ms = i % 1000.
  const int64_t base_ms = 1767225600000;
  std::vector<uint64_t> ids;
  ids.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    ids.push_back(MakeSnowflake(base_ms + static_cast<int64_t>(i), salt % 1024, i / 1000 % 4096));
  }
  return ids;
}

std::vector<uint64_t> PartitionIds(size_t count, int partition, uint64_t salt) {
  const int64_t base_ms = 1767225600000;
  std::vector<uint64_t> ids;
  ids.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    // 50 ids per second: milliseconds 600, 602, … (partition 1) or 601, 603, … (partition 2).
    const int64_t ms = base_ms + static_cast<int64_t>(i / 50) * 1000 + 600 +
                       2 * static_cast<int64_t>(i % 50) + (partition - 1);
    ids.push_back(MakeSnowflake(ms, salt % 1024, 0));
  }
  return ids;
}

std::vector<uint64_t> InPartition(const std::vector<uint64_t>& ids, int partition) {
  std::vector<uint64_t> out;
  for (uint64_t id : ids) {
    if (InDecahose(id) && DecahosePartition(id) == partition) out.push_back(id);
  }
  return out;
}

std::string PostJson(uint64_t id, size_t padding) {
  const std::string s = std::to_string(id);
  return "{\"created_at\":\"Thu Jan 01 00:00:00 +0000 2026\",\"id\":" + s + ",\"id_str\":\"" + s +
         "\",\"text\":\"post " + s + " " + std::string(padding, 'x') +
         "\",\"user\":{\"id\":1,\"id_str\":\"1\",\"screen_name\":\"t\"}}";
}

std::string Ndjson(const std::vector<uint64_t>& ids, size_t padding) {
  std::string out;
  for (uint64_t id : ids) {
    out += PostJson(id, padding);
    out += '\n';
  }
  return out;
}

uint64_t IdOf(const std::string& message) {
  const std::string key = "\"id_str\":\"";
  const size_t at = message.find(key);
  if (at == std::string::npos) return 0;
  return std::stoull(message.substr(at + key.size()));
}

}  // namespace sluice::testing
