// The compiled form of a rule (CompiledRule::Program): a flat pre-order array of instructions that
// the matcher evaluates against a post's PostKeys (hash probes) and PostView (scalars), plus the
// rule's anchors — the index keys it is filed under — and its contains: literals.
//
// Independent of rule_set.cc's index and of reference_matcher.cc: the differential test checks
// this code against the reference.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "post/post_view.h"
#include "rules/match_keys.h"
#include "rules/post_keys.h"
#include "rules/rule_anchors.h"
#include "rules/rule_ast.h"
#include "rules/rule_set.h"

namespace sluice::rules {

// A contains: or url_contains: value the RuleSet's literal scanner must report.
struct MatchLiteral {
  KeyKind kind;  // kContains or kUrlContains
  std::string text;
};

struct CompiledRule::Program {
  static constexpr size_t kInlineText = 16;
  enum class Op : uint8_t {
    kAnd,          // children follow, up to `end`
    kOr,           //
    kNot,          // one child follows
    kNever,        // a keyword without tokens
    kHasKey,       // the post has key (kind, value = hash, text)
    kPhrase,       // keys[first, first+count) within one of the TokenLists in bit set `field`,
                   // at most `value` tokens between consecutive ones
    kEqualsText,   // scalar text field `field` equals text (and is not empty)
    kEqualsId,     // scalar id field `field` equals `value` (and is not 0)
    kRange,        // count field `field` in [value, value2]
    kSample,       // SampleBucket(id) < value
    kPointRadius,  // geo[first..first+3): lon, lat, radius km
    kBoundingBox,  // geo[first..first+4): west, south, east, north
    kFlag,         // MatchFlag `field`
  };
  // Plain data, so that a RuleSet can copy every rule's program into one arena (rebasing
  // `first` and KeyRef::text_offset) and verify candidates without chasing pointers.
  struct Instr {
    Op op = Op::kNever;
    uint8_t field = 0;  // which scalar, or a TokenList bit set for kPhrase
    KeyKind kind = KeyKind::kToken;
    uint16_t count = 0;
    uint16_t length = 0;  // text length (kHasKey, kEqualsText); a rule has at most 8 KB
    uint32_t end = 0;     // one past this instruction's subtree, relative to the program start
    uint32_t first = 0;   // text offset (kHasKey, kEqualsText), key index, geo index
    uint64_t value = 0;
    int64_t value2 = 0;
    // The text itself when it fits (most tokens do): verifying a candidate then reads no
    // memory beyond its instructions.
    char inline_text[kInlineText] = {};

    std::string_view Text(const char* text_pool) const {
      return {length <= kInlineText ? inline_text : text_pool + first, length};
    }
  };
  struct KeyRef {
    uint64_t hash;
    uint32_t text_offset;
    uint32_t text_length;
    KeyKind kind;
  };
  // Where an instruction's `first` points, for rebasing.
  enum class FirstIn { kNothing, kText, kKeys, kGeo };
  static FirstIn FirstOf(Op op);

 private:
  struct Learned {
    const KeyFrequencyTable* table;
    std::vector<FilteredAnchor> anchors;
  };
  mutable std::atomic<std::shared_ptr<const Learned>> learned_;

 public:
  std::vector<Instr> code;
  std::vector<KeyRef> keys;
  std::vector<double> geo;
  std::string text;  // the values the instructions and keys compare with, back to back
  // Index keys: every post the rule matches has at least one. Meaningful when `anchored`; an
  // anchored rule with no keys can never match.
  bool anchored = false;
  std::vector<FilteredAnchor> anchors;
  std::vector<MatchLiteral> literals;

  // The anchors measured key frequencies choose (RuleFilteredAnchors with `table`), kept for
  // the last table asked: a rule change indexes every rule again, and choosing afresh each time
  // would double the time to add rules to a large set. Thread-safe. A table freed and another
  // made at its address could hand back anchors chosen by the old one: still anchors of this
  // rule (any anchor set is correct; the table only ranks them), merely not the best.
  void LearnedAnchors(const Rule& rule, const KeyFrequencyTable& table,
                      std::vector<FilteredAnchor>& out) const;

  size_t MemoryBytes() const;
};

// A program's code and data wherever they are: its own vectors, or a RuleSet's arena.
struct ProgramView {
  const CompiledRule::Program::Instr* code;
  const CompiledRule::Program::KeyRef* keys;
  const double* geo;
  const char* text;
};

inline ProgramView ViewOf(const CompiledRule::Program& p) {
  return {p.code.data(), p.keys.data(), p.geo.data(), p.text.data()};
}

// A rule position and where its program starts in an arena.
struct ProgramRef {
  uint32_t rule;
  uint32_t code;
  // Up to two clauses of up to two positions in a post's key filter (PrefilterBit, 16 bits each;
  // FilteredAnchor); 0 = none (bit 0 is always set). The index passes a candidate on only if
  // each clause has a bit set.
  uint64_t prefilter = 0;
};

// The position of a key in the 2^16-bit filter of a post's keys; never 0.
inline uint32_t PrefilterBit(uint64_t key_hash) {
  const auto bit = static_cast<uint32_t>((key_hash >> 40) & 0xffff);
  return bit == 0 ? 1 : bit;
}

// Appends to `matched` the rule of every program in `programs` (all in `arena`) that matches,
// in the order given. Programs of one count-range test — the usual rule without an anchor —
// take a branch-free path. Same REQUIRES as EvaluateProgram.
void EvaluateAll(const ProgramView& arena, std::span<const ProgramRef> programs,
                 const PostView& post, const PostKeys& keys_of_post, std::vector<uint8_t>& buffer,
                 std::vector<uint32_t>& matched);

// REQUIRES: `keys_of_post` was built from `post` and holds the contains hits of the program's
// literals. `buffer` is scratch space.
bool EvaluateProgram(const ProgramView& program, const PostView& post, const PostKeys& keys_of_post,
                     std::vector<uint8_t>& buffer);

// Compiles a parsed rule.
std::unique_ptr<CompiledRule::Program> CompileProgram(const Rule& rule);

}  // namespace sluice::rules
