// Strict, typed reads of one TOML table for the configuration loader: every key must be known,
// every value must have the expected type and range, and every error names the key's full path.
//
// toml++ comes from the distribution as a shared library built with exceptions, so
// TOML_EXCEPTIONS cannot be turned off here (the no-exception entry points are not in the
// library): toml::parse throws toml::parse_error, and ParseServerConfig catches it. The node
// accessors used by this reader never throw.
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "config/config_limits.h"

namespace sluice {

class TomlTableReader {
 public:
  // `path` is the table's key path in messages ("" for the document root, "accounts[0]").
  // REQUIRES: `table` outlives this reader.
  TomlTableReader(const toml::table& table, std::string path);

  // An error for the first key not in `allowed` (keys are visited in sorted order), listing the
  // allowed ones. Call first: a misspelt key is the likeliest mistake.
  Status CheckKeys(std::initializer_list<std::string_view> allowed) const;

  bool Has(std::string_view key) const { return table_.get(key) != nullptr; }
  std::string PathOf(std::string_view key) const { return KeyPath(path_, key); }
  // "<path.key>: missing (required)".
  Status MissingError(std::string_view key) const;

  // Each Read* leaves *out unchanged when the key is absent. Errors name the key and the value
  // found; integers are range-checked before they are narrowed into *out.
  Status ReadString(std::string_view key, std::string* out) const;
  Status ReadBool(std::string_view key, bool* out) const;
  Status ReadNumber(std::string_view key, double min, double max,
                    double* out) const;  // int or float
  template <typename Int>
  Status ReadInt(std::string_view key, IntRange range, Int* out) const {
    Result<std::optional<int64_t>> value = ReadInt64(key, range);
    if (!value.ok()) return value.status();
    if (value->has_value()) *out = static_cast<Int>(**value);
    return Status::Ok();
  }

  // A sub-table ([server]); nullptr when absent.
  Result<const toml::table*> ReadTable(std::string_view key) const;
  // An array of tables ([[accounts]]); empty when absent.
  Result<std::vector<const toml::table*>> ReadArrayOfTables(std::string_view key) const;

 private:
  Result<std::optional<int64_t>> ReadInt64(std::string_view key, IntRange range) const;
  Status WrongTypeError(std::string_view key, std::string_view expected,
                        const toml::node& found) const;

  const toml::table& table_;
  const std::string path_;
};

// `an integer 5`, `a string "x"`, `a table`: how a value reads in "expected …, got …".
std::string DescribeTomlValue(const toml::node& node);

}  // namespace sluice
