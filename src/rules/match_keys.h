// Match keys: the (field, value) pairs the rule index is keyed on (rule_set.cc). A post yields
// the keys it has (PostKeys, post_keys.h); a rule is filed under keys at least one of which every
// post it matches must have (its anchors, rule_program.cc). A key is a 64-bit hash of its kind and
// value; a hash collision only adds a candidate, which verification then rejects.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace sluice::rules {

enum class KeyKind : uint8_t {
  kToken = 1,        // text_tokens and url_tokens
  kHashtag,          // hashtags
  kMention,          // mentions
  kCashtag,          // cashtags
  kFromId,           // user_id
  kFromName,         // user_screen_name
  kToId,             // in_reply_to_user_id
  kToName,           // in_reply_to_screen_name
  kRetweetsOfId,     // retweeted_user_id
  kRetweetsOfName,   // retweeted_screen_name
  kReplyToStatus,    // in_reply_to_status_id
  kRetweetOfStatus,  // retweeted_status_id
  kLang,             // lang
  kFlag,             // one MatchFlag
  kBio,              // user_bio_tokens
  kBioName,          // user_name_tokens
  kBioLocation,      // user_location_tokens
  kSource,           // source_tokens
  kSourceUrl,        // source_url
  kPlace,            // place_tokens
  kPlaceId,          // place_id
  kPlaceCountry,     // place_country
  kContains,         // a contains: literal found in one of texts
  kUrlContains,      // a url_contains: literal found in one of urls
};

// has: and is: values as key numbers.
enum class MatchFlag : uint8_t {
  kIsRetweet,
  kIsReply,
  kIsQuote,
  kIsVerified,
  kHasGeo,
  kHasLinks,
  kHasMentions,
  kHasHashtags,
  kHasMedia,
  kHasImages,
  kHasVideos,
  kHasSymbols,
  kHasLang,
};

inline uint64_t MixKey(uint64_t h) {  // murmur3 fmix64
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

namespace key_hash_internal {

inline uint64_t Mum(uint64_t a, uint64_t b) {
  const unsigned __int128 r = static_cast<unsigned __int128>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}
inline uint64_t Read8(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
inline uint64_t Read4(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

}  // namespace key_hash_internal

// wyhash-style: tokens are short, so the common case is two overlapping loads and one multiply.
inline uint64_t KeyHash(KeyKind kind, std::string_view value) {
  using namespace key_hash_internal;
  constexpr uint64_t kP0 = 0xa0761d6478bd642fULL, kP1 = 0xe7037ed1a0b428dbULL,
                     kP2 = 0x8ebc6af09c88c6e3ULL;
  const char* p = value.data();
  size_t n = value.size();
  uint64_t seed = (static_cast<uint64_t>(kind) * kP2) ^ kP0;
  uint64_t a = 0, b = 0;
  if (n <= 16) {
    if (n >= 4) {
      const size_t half = (n >> 3) << 2;
      a = (Read4(p) << 32) | Read4(p + half);
      b = (Read4(p + n - 4) << 32) | Read4(p + n - 4 - half);
    } else if (n > 0) {
      a = (static_cast<uint64_t>(static_cast<unsigned char>(p[0])) << 16) |
          (static_cast<uint64_t>(static_cast<unsigned char>(p[n >> 1])) << 8) |
          static_cast<unsigned char>(p[n - 1]);
    }
  } else {
    while (n > 16) {
      seed = Mum(Read8(p) ^ kP1, Read8(p + 8) ^ seed);
      p += 16;
      n -= 16;
    }
    a = Read8(p + n - 16);
    b = Read8(p + n - 8);
  }
  return Mum(kP1 ^ value.size(), Mum(a ^ kP1, b ^ seed));
}

inline uint64_t KeyHash(KeyKind kind, uint64_t value) {
  return MixKey(value ^ (static_cast<uint64_t>(kind) * 0xc2b2ae3d27d4eb4fULL) ^
                0x165667b19e3779f9ULL);
}

// a == b, without a call to memcmp for the short strings keys are (the common case).
inline bool KeyTextEqual(std::string_view a, std::string_view b) {
  using namespace key_hash_internal;
  const size_t n = a.size();
  if (n != b.size()) return false;
  const char* p = a.data();
  const char* q = b.data();
  if (n >= 8 && n <= 16) {
    return ((Read8(p) ^ Read8(q)) | (Read8(p + n - 8) ^ Read8(q + n - 8))) == 0;
  }
  if (n >= 4 && n < 8) {
    return ((Read4(p) ^ Read4(q)) | (Read4(p + n - 4) ^ Read4(q + n - 4))) == 0;
  }
  return a == b;
}

// The folding a rule value gets before it is compared with a (folded) PostView field: the same
// case folding the post view applies.
std::string FoldValue(std::string_view text);

}  // namespace sluice::rules
