// A blocking HTTP/1.1 GET to 127.0.0.1 (for /metrics), and a Prometheus text reader.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "base/unique_fd.h"

namespace sluice::bench {

// A TCP connection to 127.0.0.1:port whose sends and receives time out after `timeout`.
// Errors: IoError.
Result<UniqueFd> ConnectLoopback(uint16_t port, std::chrono::milliseconds timeout);

// Sends all of `request` on `fd` and reads the response until the peer closes (at most 64 MiB).
// `what` names the request in errors. Errors: IoError, Internal (too large).
Result<std::string> Exchange(const UniqueFd& fd, std::string_view request, std::string_view what);

// The body of `GET target` on 127.0.0.1:port; the connection is closed by the request.
// Errors: IoError for socket failures or a timeout; Internal for a status other than 200.
Result<std::string> HttpGet(uint16_t port, std::string_view target,
                            std::chrono::milliseconds timeout = std::chrono::seconds(10));

// The sum of every sample of metric `name` whose label set contains `label_filter` (a substring
// such as `stream="fan"`; empty: every sample). 0 when there is none.
double MetricSum(std::string_view metrics_text, std::string_view name,
                 std::string_view label_filter = {});

}  // namespace sluice::bench
