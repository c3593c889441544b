// PostKeys: the match keys of one post (match_keys.h), built once per RuleSet::Match, so that the
// index lookups and every candidate rule's term tests are hash probes instead of scans of the
// PostView. Each distinct key gets a small id; the token lists the phrase operators read are kept
// as sequences of those ids (-1 at a segment break).
//
// Not thread-safe; one per MatchScratch. Keys hold string_views into the PostView (and into the
// RuleSet's literals for contains: hits): valid until the next Build.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "post/post_view.h"
#include "rules/match_keys.h"

namespace sluice::rules {

// The token lists phrase-like operators match within.
enum class TokenList : uint8_t {
  kText,
  kUrl,
  kBio,
  kBioName,
  kBioLocation,
  kSource,
  kPlace,
};
inline constexpr int kTokenListCount = 7;

class PostKeys {
 public:
  struct Key {
    uint64_t hash;
    std::string_view text;  // string keys
    uint64_t number;        // numeric keys (ids, flags)
    uint32_t slot;          // where it sits in slots_
    KeyKind kind;
  };

  // Clears, then adds every key of `post` and its token lists.
  void Build(const PostView& post);

  // Adds a string key unless present (contains: hits).
  void AddText(KeyKind kind, uint64_t hash, std::string_view text);

  // The id of a string key, or -1 when the post lacks it.
  int32_t FindText(KeyKind kind, uint64_t hash, std::string_view text) const {
    for (uint32_t i = hash & mask_; slots_[i] != 0; i = (i + 1) & mask_) {
      const Key& key = keys_[slots_[i] - 1];
      if (key.hash == hash && key.kind == kind && KeyTextEqual(key.text, text)) {
        return static_cast<int32_t>(slots_[i] - 1);
      }
    }
    return -1;
  }

  const std::vector<Key>& keys() const { return keys_; }
  std::span<const int32_t> list(TokenList which) const {
    const int i = static_cast<int>(which);
    return {ids_.data() + list_begin_[i], list_begin_[i + 1] - list_begin_[i]};
  }

 private:
  void Clear();
  // Returns the key's id.
  uint32_t Insert(KeyKind kind, uint64_t hash, std::string_view text, uint64_t number);
  void AddNumber(KeyKind kind, uint64_t number);
  void AddTokens(KeyKind kind, const std::vector<std::string_view>& tokens, TokenList list);
  void Grow();

  std::vector<Key> keys_;
  std::vector<uint32_t> slots_ = std::vector<uint32_t>(256, 0);  // key id + 1; 0 = empty
  uint32_t mask_ = 255;
  std::vector<int32_t> ids_;
  uint32_t list_begin_[kTokenListCount + 1] = {};
};

}  // namespace sluice::rules
