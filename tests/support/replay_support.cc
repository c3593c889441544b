#include "support/replay_support.h"

#include "base/time_format.h"
#include "support/test_posts.h"

namespace sluice::testing {

std::vector<uint64_t> ReadPosts(StreamClient& client, size_t count,
                                std::chrono::milliseconds timeout) {
  std::vector<uint64_t> posts;
  while (posts.size() < count) {
    std::optional<std::string> m = client.Next(timeout);
    if (!m) break;
    if (const uint64_t id = IdOf(*m); id != 0) posts.push_back(id);
  }
  return posts;
}

StreamEnd ReadToEnd(StreamClient& client, std::chrono::milliseconds timeout) {
  StreamEnd end;
  while (std::optional<std::string> m = client.Next(timeout)) {
    if (m->empty()) continue;
    if (const uint64_t id = IdOf(*m); id != 0) {
      end.posts.push_back(id);
    } else {
      end.last_message = *m;
    }
  }
  end.ended_cleanly = client.ended_cleanly();
  return end;
}

int64_t ActivityCount(const std::string& message) {
  if (message.find("Recovery Request Completed") == std::string::npos) return -1;
  const std::string key = "\"activity_count\":";
  const size_t at = message.find(key);
  if (at == std::string::npos) return -1;
  return std::stoll(message.substr(at + key.size()));
}

bool IngestAll(uint16_t port, const std::vector<uint64_t>& ids, size_t batch, size_t padding) {
  for (size_t i = 0; i < ids.size(); i += batch) {
    const size_t end = std::min(ids.size(), i + batch);
    std::vector<uint64_t> part(ids.begin() + i, ids.begin() + end);
    if (Ingest(port, Ndjson(part, padding)).status != 200) return false;
  }
  return true;
}

std::string IsoMs(int64_t unix_ms) { return FormatIsoMs(unix_ms); }

}  // namespace sluice::testing
