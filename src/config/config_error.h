// How configuration errors read: "<key path>: <what is wrong>", e.g.
// `accounts[0].streams[1].kind: "powertrak" is not one of powertrack, decahose, sample`.
// The file name is prefixed once, by ParseServerConfig. Shared by the TOML reader and the
// validator so the same mistake reads the same whichever of them finds it.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace sluice {

// `text` in double quotes with quotes, backslashes and control characters escaped (TOML basic
// string syntax), cut after 80 characters so one bad value cannot flood a log.
std::string QuoteForMessage(std::string_view text);

// The shortest text that reads back as `value` ("2000", "0.5", "inf").
std::string FormatNumberForMessage(double value);

// True for a non-empty run of [A-Za-z0-9_-]: a bare TOML key, and the alphabet of account, user
// and stream names.
bool IsBareKey(std::string_view text);

// "accounts[0].streams" + "kind" → "accounts[0].streams.kind"; keys that are not bare TOML keys
// are quoted. `table_path` may be empty (the root).
std::string KeyPath(std::string_view table_path, std::string_view key);
// "accounts" + 2 → "accounts[2]".
std::string IndexPath(std::string_view array_path, size_t index);

// InvalidArgument("<path>: <problem>").
Status ConfigError(std::string_view path, std::string_view problem);

// "<path>: <value> is out of range [<min>, <max>]" unless min <= value <= max (nan never is).
Status CheckNumberRange(std::string_view path, double value, double min, double max);

}  // namespace sluice
