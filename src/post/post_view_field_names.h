// FieldNames: the names of the fields an extractor reads from one kind of JSON object. Both
// extraction paths read each object in one pass over its fields, matching every key against
// these names (a v1.1 post or user has some 30 fields of which we want 10 to 20; looking each
// up by name would rescan the object every time). Private to src/post.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace sluice {

template <size_t N>
class FieldNames {
 public:
  static_assert(N <= 64, "indices must fit a 64-bit mask");
  static constexpr int kEscaped = -2;  // see FindRaw

  constexpr explicit FieldNames(const std::array<std::string_view, N>& names) : names_(names) {
    for (size_t i = 0; i < N; ++i) {
      if (names_[i].empty()) throw "a field name is never empty";
      by_first_[static_cast<unsigned char>(names_[i][0])] |= uint64_t{1} << i;
    }
  }

  // The index of `key` among the names, or -1.
  int Find(std::string_view key) const {
    if (key.empty()) return -1;
    for (uint64_t candidates = Candidates(key[0]); candidates != 0; candidates &= candidates - 1) {
      const int i = __builtin_ctzll(candidates);
      if (key == names_[static_cast<size_t>(i)]) return i;
    }
    return -1;
  }

  // The same for a key read in place: `raw` points at its first byte, in a buffer that holds
  // its closing quote and is readable up to `end`. kEscaped when the raw bytes hold an escape,
  // so that only the unescaped key can tell (never, in practice). Most keys of a post are not
  // wanted, and their first byte already says so.
  int FindRaw(const char* raw, const char* end) const {
    if (raw >= end) return -1;
    if (*raw == '\\') return kEscaped;
    const uint64_t candidates = Candidates(*raw);
    for (uint64_t left = candidates; left != 0; left &= left - 1) {
      const int i = __builtin_ctzll(left);
      const std::string_view name = names_[static_cast<size_t>(i)];
      // A name has no quote or backslash, so a quote right after it closes the key.
      if (static_cast<size_t>(end - raw) > name.size() && raw[name.size()] == '"' &&
          SameBytes(raw, name)) {
        return i;
      }
    }
    if (candidates != 0) {  // starts like a name but is none, unless an escape hides one
      for (const char* p = raw; p < end && *p != '"'; ++p) {
        if (*p == '\\') return kEscaped;
      }
    }
    return -1;
  }

 private:
  uint64_t Candidates(char first) const { return by_first_[static_cast<unsigned char>(first)]; }

  // Names are short: a loop beats a call to memcmp.
  static bool SameBytes(const char* raw, std::string_view name) {
    for (size_t i = 0; i < name.size(); ++i) {
      if (raw[i] != name[i]) return false;
    }
    return true;
  }

  std::array<std::string_view, N> names_;
  std::array<uint64_t, 256> by_first_{};  // indices of the names by their first byte
};

// The v1.1 objects both paths read field by field.

// The fields of a v1.1 status (a post, or its retweeted or quoted post) that the view reads.
enum StatusField : size_t {
  kIdStr,
  kId,
  kText,
  kFullText,
  kExtendedTweet,
  kEntities,
  kExtendedEntities,
  kRetweetedStatus,
  kQuotedStatus,
  kIsQuoteStatus,
  kReplyStatusIdStr,
  kReplyStatusId,
  kReplyUserIdStr,
  kReplyUserId,
  kReplyScreenName,
  kUser,
  kLang,
  kSource,
  kCoordinates,
  kGeo,
  kPlace,
  kStatusFieldCount
};
inline constexpr FieldNames<kStatusFieldCount> kStatusFieldNames(
    std::array<std::string_view, kStatusFieldCount>{
        "id_str",
        "id",
        "text",
        "full_text",
        "extended_tweet",
        "entities",
        "extended_entities",
        "retweeted_status",
        "quoted_status",
        "is_quote_status",
        "in_reply_to_status_id_str",
        "in_reply_to_status_id",
        "in_reply_to_user_id_str",
        "in_reply_to_user_id",
        "in_reply_to_screen_name",
        "user",
        "lang",
        "source",
        "coordinates",
        "geo",
        "place",
    });

// The fields of a v1.1 user the view reads.
enum UserField : size_t {
  kUserIdStr,
  kUserId,
  kScreenName,
  kName,
  kDescription,
  kLocation,
  kStatusesCount,
  kFollowersCount,
  kFriendsCount,
  kListedCount,
  kVerified,
  kUserFieldCount
};
inline constexpr FieldNames<kUserFieldCount> kUserFieldNames(
    std::array<std::string_view, kUserFieldCount>{
        "id_str", "id", "screen_name", "name", "description", "location", "statuses_count",
        "followers_count", "friends_count", "listed_count", "verified"});

}  // namespace sluice
