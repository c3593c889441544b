// Post text for the synthetic generator: words drawn from a language's Zipf vocabulary, with
// hashtags, mentions, cashtags, links, emoji, line breaks and media links embedded, and the
// entity index ranges X reports for them (in code points).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "ingest/generator_urls.h"
#include "ingest/generator_world.h"
#include "ingest/json_writer.h"
#include "ingest/rng.h"

namespace sluice {

enum class EntityKind : uint8_t { kHashtag, kMention, kCashtag, kUrl, kMedia, kStatusLink };

struct TextEntity {
  EntityKind kind;
  uint32_t begin;  // code points, end exclusive, including the '#', '@' or '$'
  uint32_t end;
  // kHashtag: index in the catalog's hashtags; kMention: index in SyntheticWorld::users();
  // kCashtag: index in cashtags(); kUrl, kMedia: the link's bits; kStatusLink: the status id.
  uint64_t value;
};

// The escaped bytes of one text in a fixed buffer: appending is a copy, with no allocation and
// no growth. 4 KiB holds any text: at most 280 code points of at most 12 escaped bytes each
// (an astral character as two \uXXXX escapes), plus a retweet's "RT @name: " prefix.
class TextBytes {
 public:
  static constexpr size_t kCapacity = 4096;

  void clear() { size_ = 0; }
  size_t size() const { return size_; }
  std::string_view view() const { return std::string_view(data_, size_); }

  TextBytes& operator+=(std::string_view piece) {
    if (size_ + piece.size() > kCapacity) [[unlikely]] {
      std::abort();  // the bound above is broken: a bug, not an input error
    }
    CopyBytes(data_ + size_, piece.data(), piece.size());
    size_ += static_cast<uint32_t>(piece.size());
    return *this;
  }
  TextBytes& operator+=(char c) { return *this += std::string_view(&c, 1); }

 private:
  char data_[kCapacity];
  uint32_t size_ = 0;
};

// A text already JSON-escaped (in one of EscapedText's two forms) with its entities.
struct ComposedText {
  Language language = Language::kEn;
  bool ascii = false;  // which escaped form `bytes` uses
  TextBytes bytes;     // between the quotes of "text"/"full_text"
  uint32_t code_points = 0;
  uint32_t display_begin = 0;  // after leading reply mentions
  uint32_t display_end = 0;    // before a trailing media link
  bool has_media = false;
  MediaKind media_kind = MediaKind::kPhoto;
  // The post the media was uploaded with (a retweet's text shows the original's media).
  uint64_t media_status_id = 0;
  uint32_t media_user = 0;
  std::vector<TextEntity> entities;  // in text order

  struct Boundary {  // a token end, where the text may be cut
    uint32_t bytes;
    uint32_t code_points;
  };
  std::vector<Boundary> boundaries;  // increasing

  // Keeps the buffers' capacity: composing reuses them, so the generator does not allocate.
  void Clear(Language new_language, bool new_ascii);
};

// X's limits: 280 code points a post; 140 in the compatibility "text" of longer posts.
inline constexpr uint32_t kMaxTextCodePoints = 280;
inline constexpr uint32_t kCompatTextCodePoints = 140;

class TextComposer {
 public:
  // REQUIRES: `world` outlives the composer.
  explicit TextComposer(const SyntheticWorld& world) : world_(world) {}

  struct Options {
    Language language = Language::kEn;
    bool ascii = false;
    const SyntheticUser* reply_to = nullptr;  // starts the text with "@name "
    bool allow_media = true;
  };
  void Compose(const Options& options, Rng& rng, ComposedText& out) const;

  // "RT @name: " and the original's text, cut to 140 code points with "…" as X does.
  void ComposeRetweet(const ComposedText& original, uint32_t original_user,
                      ComposedText& out) const;

  // The compatibility "text" of a post longer than 140: its start, "…" and a t.co link to
  // the full post (`status_id`).
  void ComposeTruncated(const ComposedText& full, uint64_t status_id, ComposedText& out) const;

 private:
  const SyntheticWorld& world_;
};

}  // namespace sluice
