#include "post/json_id.h"

#include "post/post_parser.h"

namespace sluice {

uint64_t JsonPositiveId(simdjson::dom::element value) noexcept {
  using simdjson::dom::element_type;
  switch (value.type()) {
    case element_type::UINT64:
      return value.get_uint64().value_unsafe();
    case element_type::INT64: {
      const int64_t id = value.get_int64().value_unsafe();
      return id > 0 ? static_cast<uint64_t>(id) : 0;
    }
    case element_type::STRING:
      return ParsePositiveDecimalId(value.get_string().value_unsafe());
    default:
      return 0;
  }
}

}  // namespace sluice
