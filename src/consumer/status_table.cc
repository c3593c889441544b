#include "consumer/status_table.h"

#include <fmt/format.h>
#include <simdjson.h>

namespace sluice::consumer {

Result<std::string> FormatStatusTable(std::string_view status_json) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(status_json);
  simdjson::dom::element root;
  if (parser.parse(padded).get(root)) return Status::InvalidArgument("not JSON");
  auto number = [&](std::string_view pointer) -> int64_t {
    int64_t v = 0;
    if (root.at_pointer(pointer).get(v)) return -1;
    return v;
  };
  std::string_view now;
  if (root["now"].get(now)) return Status::InvalidArgument("not a consumer status (no \"now\")");
  std::string out;
  out += fmt::format("{:<28}{}\n", "now", now);
  out += fmt::format("{:<28}{} of {}\n", "connections streaming", number("/connections_streaming"),
                     number("/connections"));
  out += fmt::format("{:<28}{} running, {} waiting\n", "recovery jobs",
                     number("/recovery_jobs_running"), number("/recovery_jobs_waiting"));
  out += fmt::format("{:<28}{}\n", "posts stored", number("/posts_committed"));
  out += "\ncounts since start\n";
  for (const char* key : {"inbound", "malformed", "duplicates", "unique", "stored"}) {
    out += fmt::format("  {:<26}{}\n", key, number(std::string("/totals/") + key));
  }
  for (const char* list : {"covered", "gaps", "unrecoverable"}) {
    simdjson::dom::array intervals;
    if (root[list].get(intervals)) continue;
    out += fmt::format("\n{} ({})\n", list, intervals.size());
    for (simdjson::dom::element interval : intervals) {
      std::string_view start, end;
      int64_t ms = 0;
      if (interval["start"].get(start) || interval["end"].get(end) || interval["ms"].get(ms)) {
        continue;
      }
      out += fmt::format("  {} .. {}  ({:.1f} s)\n", start, end, static_cast<double>(ms) / 1000);
    }
  }
  simdjson::dom::array alerts;
  if (!root["recent_alerts"].get(alerts) && alerts.size() > 0) {
    out += fmt::format("\nrecent alerts ({})\n", alerts.size());
    for (simdjson::dom::element alert : alerts) {
      std::string_view text;
      if (!alert.get(text)) out += fmt::format("  {}\n", text);
    }
  }
  return out;
}

}  // namespace sluice::consumer
