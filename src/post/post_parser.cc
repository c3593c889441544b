#include "post/post_parser.h"

#include <simdjson.h>

#include <string>

namespace sluice {

static_assert(PostParser::kPadding >= simdjson::SIMDJSON_PADDING,
              "PostParser::kPadding must cover simdjson's padding requirement");

namespace {

constexpr std::string_view kNotObject = "post is not a JSON object";
constexpr std::string_view kNoId = "post has no id (expected id_str, id, or data.id)";
constexpr std::string_view kBadId = "post id is not a positive 64-bit integer";

Status Invalid(std::string_view message) { return Status::InvalidArgument(std::string(message)); }

// An id given as a JSON number or a digit string (X writes both: `id` and `id_str`).
Result<uint64_t> IdFromElement(simdjson::dom::element value) {
  uint64_t id = 0;
  switch (value.type()) {
    case simdjson::dom::element_type::UINT64:
      id = value.get_uint64().value_unsafe();
      break;
    case simdjson::dom::element_type::INT64: {
      const int64_t signed_id = value.get_int64().value_unsafe();
      if (signed_id > 0) id = static_cast<uint64_t>(signed_id);
      break;
    }
    case simdjson::dom::element_type::STRING:
      id = ParsePositiveDecimalId(value.get_string().value_unsafe());
      break;
    default:
      break;
  }
  if (id == 0) return Invalid(kBadId);
  return id;
}

Result<uint64_t> IdFromDocument(simdjson::dom::element root) {
  simdjson::dom::object post;
  if (root.get_object().get(post) != simdjson::SUCCESS) return Invalid(kNotObject);

  // v1.1: id_str is authoritative because JSON numbers above 2^53 lose precision in many
  // clients, which is why X added it; a bad id_str is an error, not a reason to try `id`.
  simdjson::dom::element value;
  if (post.at_key("id_str").get(value) == simdjson::SUCCESS) return IdFromElement(value);
  if (post.at_key("id").get(value) == simdjson::SUCCESS) return IdFromElement(value);

  simdjson::dom::object data;
  if (post.at_key("data").get_object().get(data) == simdjson::SUCCESS &&
      data.at_key("id").get(value) == simdjson::SUCCESS) {
    return IdFromElement(value);
  }
  return Invalid(kNoId);
}

}  // namespace

uint64_t ParsePositiveDecimalId(std::string_view digits) noexcept {
  if (digits.empty() || digits.size() > 20) return 0;
  uint64_t value = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') return 0;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) return 0;  // would overflow
    value = value * 10 + digit;
  }
  return value;
}

struct PostParser::Impl {
  simdjson::dom::parser parser;

  Result<uint64_t> Parse(std::string_view json, bool padded) {
    // simdjson would memcpy from a null pointer for an empty view; the answer is known anyway.
    if (json.empty()) return Parse(" ", false);
    simdjson::dom::element root;
    // With padded == false simdjson copies into its own reused padded buffer.
    const simdjson::error_code error = parser.parse(json.data(), json.size(), !padded).get(root);
    if (error != simdjson::SUCCESS) {
      return Status::InvalidArgument(std::string("invalid JSON: ") +
                                     simdjson::error_message(error));
    }
    return IdFromDocument(root);
  }
};

PostParser::PostParser() : impl_(std::make_unique<Impl>()) {}
PostParser::~PostParser() = default;
PostParser::PostParser(PostParser&&) noexcept = default;
PostParser& PostParser::operator=(PostParser&&) noexcept = default;

Result<uint64_t> PostParser::ParseId(std::string_view json) noexcept {
  return impl_->Parse(json, /*padded=*/false);
}

Result<uint64_t> PostParser::ParseIdPadded(std::string_view json) noexcept {
  return impl_->Parse(json, /*padded=*/true);
}

}  // namespace sluice
