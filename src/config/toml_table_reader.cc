#include "config/toml_table_reader.h"

#include <algorithm>

namespace sluice {
namespace {

// "accounts[0].users" → "accounts.users", as the name appears in a [table] or [[array]] header.
std::string HeaderName(std::string_view path) {
  std::string name;
  bool in_index = false;
  for (char c : path) {
    if (c == '[') in_index = true;
    if (!in_index) name += c;
    if (c == ']') in_index = false;
  }
  return name;
}

}  // namespace

std::string DescribeTomlValue(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string:
      return "a string " + QuoteForMessage(node.as_string()->get());
    case toml::node_type::integer:
      return "an integer " + std::to_string(node.as_integer()->get());
    case toml::node_type::floating_point:
      return "a float " + FormatNumberForMessage(node.as_floating_point()->get());
    case toml::node_type::boolean:
      return node.as_boolean()->get() ? "a boolean true" : "a boolean false";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

TomlTableReader::TomlTableReader(const toml::table& table, std::string path)
    : table_(table), path_(std::move(path)) {}

Status TomlTableReader::CheckKeys(std::initializer_list<std::string_view> allowed) const {
  for (const auto& [key, value] : table_) {
    if (std::find(allowed.begin(), allowed.end(), key.str()) != allowed.end()) continue;
    std::string expected;
    for (std::string_view name : allowed) {
      if (!expected.empty()) expected += ", ";
      expected += name;
    }
    return ConfigError(PathOf(key.str()), "unknown key; expected one of " + expected);
  }
  return Status::Ok();
}

Status TomlTableReader::MissingError(std::string_view key) const {
  return ConfigError(PathOf(key), "missing (required)");
}

Status TomlTableReader::WrongTypeError(std::string_view key, std::string_view expected,
                                       const toml::node& found) const {
  return ConfigError(PathOf(key),
                     "expected " + std::string(expected) + ", got " + DescribeTomlValue(found));
}

Status TomlTableReader::ReadString(std::string_view key, std::string* out) const {
  const toml::node* node = table_.get(key);
  if (node == nullptr) return Status::Ok();
  if (!node->is_string()) return WrongTypeError(key, "a string", *node);
  *out = node->as_string()->get();
  return Status::Ok();
}

Status TomlTableReader::ReadBool(std::string_view key, bool* out) const {
  const toml::node* node = table_.get(key);
  if (node == nullptr) return Status::Ok();
  if (!node->is_boolean()) return WrongTypeError(key, "a boolean (true or false)", *node);
  *out = node->as_boolean()->get();
  return Status::Ok();
}

Status TomlTableReader::ReadNumber(std::string_view key, double min, double max,
                                   double* out) const {
  const toml::node* node = table_.get(key);
  if (node == nullptr) return Status::Ok();
  double value;
  if (node->is_integer()) {
    value = static_cast<double>(node->as_integer()->get());
  } else if (node->is_floating_point()) {
    value = node->as_floating_point()->get();
  } else {
    return WrongTypeError(key, "a number", *node);
  }
  SLUICE_RETURN_IF_ERROR(CheckNumberRange(PathOf(key), value, min, max));
  *out = value;
  return Status::Ok();
}

Result<std::optional<int64_t>> TomlTableReader::ReadInt64(std::string_view key,
                                                          IntRange range) const {
  const toml::node* node = table_.get(key);
  if (node == nullptr) return std::optional<int64_t>();
  if (!node->is_integer()) return WrongTypeError(key, "an integer", *node);
  const int64_t value = node->as_integer()->get();
  SLUICE_RETURN_IF_ERROR(CheckIntRange(PathOf(key), value, range));
  return std::optional<int64_t>(value);
}

Result<const toml::table*> TomlTableReader::ReadTable(std::string_view key) const {
  const toml::node* node = table_.get(key);
  if (node == nullptr) return static_cast<const toml::table*>(nullptr);
  if (!node->is_table()) {
    return WrongTypeError(key, "a table ([" + HeaderName(PathOf(key)) + "])", *node);
  }
  return node->as_table();
}

Result<std::vector<const toml::table*>> TomlTableReader::ReadArrayOfTables(
    std::string_view key) const {
  std::vector<const toml::table*> tables;
  const toml::node* node = table_.get(key);
  if (node == nullptr) return tables;
  // An empty array (`accounts = []`) is an array of zero tables.
  const toml::array* array = node->as_array();
  if (array == nullptr || (!array->empty() && !array->is_array_of_tables())) {
    return WrongTypeError(key, "an array of tables ([[" + HeaderName(PathOf(key)) + "]])", *node);
  }
  for (const toml::node& element : *array) tables.push_back(element.as_table());
  return tables;
}

}  // namespace sluice
