// Helpers shared by the backfill, recovery and usage integration tests: reading posts off a
// stream, the URLs of the test account's streams, and the usage endpoint.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "support/http_client.h"

namespace sluice::testing {

inline constexpr char kAcmeDecahose[] =
    "/stream/sample10/accounts/acme/publishers/twitter/decahose.json";
// The test servers' manual clock starts here (a whole hour, for usage buckets).
inline constexpr char kClockStart[] = "2026-11-23T10:00:00Z";
inline constexpr int64_t kClockStartMs = 1795428000000;

// Reads until `count` posts arrived (heartbeats skipped); fewer if the stream ends or a read
// waits longer than `timeout`.
std::vector<uint64_t> ReadPosts(StreamClient& client, size_t count,
                                std::chrono::milliseconds timeout = std::chrono::seconds(30));

// Reads to the end of the body: the posts, and the last system message (a message without an
// id_str), if any.
struct StreamEnd {
  std::vector<uint64_t> posts;
  std::string last_message;
  bool ended_cleanly = false;
};
StreamEnd ReadToEnd(StreamClient& client,
                    std::chrono::milliseconds timeout = std::chrono::seconds(30));

// The `activity_count` of a Recovery Request Completed message; -1 if there is none.
int64_t ActivityCount(const std::string& message);

// Ingests `ids`, one request per `batch` posts; false if any request failed.
bool IngestAll(uint16_t port, const std::vector<uint64_t>& ids, size_t batch = 1000,
               size_t padding = 0);

// Stops and joins a test's background thread however the test ends (a failed ASSERT returns
// early; a joinable std::thread would terminate the process).
class StopAndJoin {
 public:
  StopAndJoin(std::atomic<bool>& stop, std::thread& thread) : stop_(stop), thread_(thread) {}
  ~StopAndJoin() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  StopAndJoin(const StopAndJoin&) = delete;
  StopAndJoin& operator=(const StopAndJoin&) = delete;

 private:
  std::atomic<bool>& stop_;
  std::thread& thread_;
};

// "2026-11-23T10:00:00.000Z" style time for URLs.
std::string IsoMs(int64_t unix_ms);

}  // namespace sluice::testing
