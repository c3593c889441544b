// Links and media of synthetic posts. Every link is a t.co URL whose code, target and media
// details are derived from 64 random bits, so a post stores one number per link and the same
// link serialises identically wherever it appears (text, entities, a retweet's copy).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ingest/generator_world.h"
#include "ingest/json_writer.h"

namespace sluice {

inline constexpr size_t kTcoCodeLength = 10;
inline constexpr size_t kTcoUrlLength = 23;  // "https://t.co/" + code
inline constexpr uint32_t kTcoUrlCodePoints = 23;

// The link bits of the t.co URL that points at a status (ends truncated texts, permalinks).
constexpr uint64_t StatusLinkBits(uint64_t status_id) { return status_id ^ 0x57a7005; }

// `length` characters of [0-9A-Za-z] derived from `bits` (like t.co and media codes).
void WriteBase62(uint64_t bits, char* out, size_t length);

// https://t.co/<code> (no quotes).
void WriteTcoUrl(JsonWriter& out, uint64_t bits);
// The same into `buffer`; returns a view of it.
std::string_view FormatTcoUrl(uint64_t bits, char (&buffer)[kTcoUrlLength]);

// `"url":"…","expanded_url":"…","display_url":"…"` of a link to a page on one of the
// language's web sites.
void WriteLinkUrls(JsonWriter& out, const LanguageCatalog& catalog, uint64_t bits, bool ascii);

// `"url":"…","expanded":"…","display":"…"` of a status link (quoted_status_permalink), or with
// `entity_names` `"url","expanded_url","display_url"` (the "… https://t.co/…" link that ends a
// truncated text, pointing at the full post).
void WriteStatusLinkUrls(JsonWriter& out, std::string_view screen_name, uint64_t status_id,
                         bool entity_names, bool ascii);

enum class MediaKind : uint8_t { kPhoto, kVideo, kAnimatedGif };

// One media entity object, `{…}`. In `entities` X always says "photo" (the thumbnail);
// `extended_entities` gives the real type and, for videos and GIFs, video_info.
void WriteMediaEntity(JsonWriter& out, MediaKind kind, uint64_t bits, uint64_t status_id,
                      std::string_view screen_name, uint32_t begin, bool extended);

}  // namespace sluice
