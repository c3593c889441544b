// The summary table of `sluice consume --status`, from the JSON a running consumer serves on
// /status (Consumer::StatusJson).
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace sluice::consumer {

// Errors: kInvalidArgument when `status_json` is not a consumer's /status body.
Result<std::string> FormatStatusTable(std::string_view status_json);

}  // namespace sluice::consumer
