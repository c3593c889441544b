// StatusWriter: serialises one synthetic post in X's v1.1 "original" JSON shape, including nested
// retweeted and quoted posts, entities with indices, extended_tweet and geo.
#pragma once

#include <cstdint>
#include <string_view>

#include "ingest/generator_text.h"
#include "ingest/generator_world.h"
#include "ingest/json_writer.h"
#include "ingest/twitter_time.h"

namespace sluice {

// Everything that differs between posts; the writer adds the fixed fields.
struct StatusSpec {
  uint64_t id = 0;
  int64_t created_ms = 0;
  uint32_t user = 0;  // index in SyntheticWorld::users()
  uint32_t statuses_count = 0;
  std::string_view source;                  // quoted, escaped JSON string
  const ComposedText* text = nullptr;       // "text"
  const ComposedText* full_text = nullptr;  // extended_tweet.full_text; null: not truncated
  bool is_reply = false;
  uint64_t reply_to_status = 0;
  uint32_t reply_to_user = 0;
  const SyntheticPlace* place = nullptr;
  bool has_point = false;  // exact coordinates inside the place
  double longitude = 0, latitude = 0;
  const StatusSpec* retweeted = nullptr;
  const StatusSpec* quoted = nullptr;
  // Only a top-level post of the stream has timestamp_ms and filter_level; nested ones have
  // engagement counts instead of zeros.
  bool top_level = true;
  std::string_view filter_level = "low";
  uint32_t quote_count = 0, reply_count = 0, retweet_count = 0, favorite_count = 0;
  bool has_links_or_media = false;  // X then adds "possibly_sensitive"
};

class StatusWriter {
 public:
  // REQUIRES: `world` outlives the writer.
  explicit StatusWriter(const SyntheticWorld& world) : world_(world) {}

  // Appends the post's JSON object to `out`. All texts of `status` (and nested ones) must use
  // the escaping form `ascii`.
  void Write(const StatusSpec& status, bool ascii, JsonWriter& out);

 private:
  void WriteCreatedAt(int64_t created_ms, JsonWriter& out);
  void WriteUser(uint32_t user, uint32_t statuses_count, bool ascii, JsonWriter& out);
  void WriteGeo(const StatusSpec& status, bool ascii, JsonWriter& out);
  // "entities":{…} and, when the text carries media, ,"extended_entities":{…}.
  void WriteEntities(const ComposedText& text, bool ascii, JsonWriter& out);

  const SyntheticWorld& world_;
  // created_at changes once a second while posts come by the thousand: format it once.
  int64_t cached_second_ = INT64_MIN;
  char cached_created_at_[kTwitterTimeLength] = {};
};

}  // namespace sluice
