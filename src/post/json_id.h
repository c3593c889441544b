// A post or user id as X writes it in JSON: a number (`id`) or a digit string (`id_str`, v2's
// `data.id`). Shared by the post view and the consumer's message classifier.
#pragma once

#include <simdjson.h>

#include <cstdint>

namespace sluice {

// The positive 64-bit id held by `value`; 0 when it is neither a positive integer nor a string
// of decimal digits that fits.
uint64_t JsonPositiveId(simdjson::dom::element value) noexcept;

}  // namespace sluice
