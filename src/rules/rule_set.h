// RuleSet: one stream's rules, compiled and indexed for matching (SPEC §3, §5). Immutable once
// built: a rule change builds a new RuleSet and the stream swaps its pointer, so matching never
// locks and never pauses (the pipeline keeps the set it loaded for the batch in hand).
//
//   auto set = RuleSet::Build(rules);          // vector<shared_ptr<const CompiledRule>>
//   MatchScratch scratch;                      // one per thread
//   set->Match(view, scratch, matched);        // positions into set->rules(), ascending
//
// Matching is not a loop over all rules: each rule is indexed under a selective term that any
// post it matches must have (per OR branch); a post's terms find the candidate rules, which are
// then verified exactly. Rules with no such term are checked for every post (see rule_set.cc).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "post/post_view.h"
#include "rules/key_frequencies.h"
#include "rules/post_keys.h"
#include "rules/rule_ast.h"

namespace sluice::rules {

// A rule as stored and delivered: what the Rules API returns and matching_rules names.
struct RuleRecord {
  uint64_t id = 0;  // snowflake minted by the server
  std::string value;
  std::optional<std::string> tag;  // absent: JSON null
  int64_t created_at_ms = 0;
};

// A parsed and compiled rule, shared between successive RuleSets (a change compiles only the
// rules it adds).
class CompiledRule {
 public:
  // Parses record.value (ParseRule's errors) and compiles it for matching.
  static Result<std::shared_ptr<const CompiledRule>> Compile(RuleRecord record);

  const RuleRecord& record() const { return record_; }
  const Rule& ast() const { return ast_; }
  // Implementation detail of the matcher (rule_set.cc); opaque to callers.
  struct Program;
  const Program& program() const { return *program_; }

  CompiledRule(RuleRecord record, Rule ast, std::unique_ptr<Program> program);
  ~CompiledRule();

 private:
  RuleRecord record_;
  Rule ast_;
  std::unique_ptr<Program> program_;
};

// Per-thread reusable buffers for Match.
class MatchScratch {
 public:
  MatchScratch();
  ~MatchScratch();
  MatchScratch(MatchScratch&&) noexcept;
  MatchScratch& operator=(MatchScratch&&) noexcept;
  struct Impl;
  Impl& impl() { return *impl_; }
  // The keys of the post last matched with this scratch by a RuleSet with rules (for
  // KeyFrequencies::Observe).
  const PostKeys& keys() const;

 private:
  std::unique_ptr<Impl> impl_;
};

class RuleSet {
 public:
  // The set of `rules`, in this order. Its match index is built on first use (Match,
  // PrepareIndex): about 1.5 µs a rule. With `frequencies` (of posts of the stream, not empty),
  // the index files each rule under the keys those posts show to be rarest; without, under
  // the keys that look rarest (key_frequencies.h). Either way the matches are the same.
  // Duplicated rule ids are the caller's error (the RuleStore never produces them).
  static std::shared_ptr<const RuleSet> Build(
      std::vector<std::shared_ptr<const CompiledRule>> rules,
      std::shared_ptr<const KeyFrequencyTable> frequencies = nullptr);

  ~RuleSet();
  RuleSet(const RuleSet&) = delete;
  RuleSet& operator=(const RuleSet&) = delete;

  // In the order given to Build.
  const std::vector<std::shared_ptr<const CompiledRule>>& rules() const { return rules_; }
  size_t size() const { return rules_.size(); }
  bool empty() const { return rules_.empty(); }

  // Clears `matched`, then appends the position (in rules()) of every rule `post` matches, in
  // ascending order, each once. Thread-safe (const); `scratch` is the caller's.
  void Match(const PostView& post, MatchScratch& scratch, std::vector<uint32_t>& matched) const;

  // Approximate heap bytes held by the compiled rules and, once built, the index (for the bench
  // and /metrics). Never builds the index.
  size_t MemoryBytes() const;
  // The index's share of MemoryBytes alone (0 before it is built): a few vector sizes, cheap.
  size_t IndexMemoryBytes() const;

  // Builds the match index now if it is not built yet (Build may leave it for the first Match;
  // a set that only lists rules never needs one). Thread-safe.
  void PrepareIndex() const;

  struct Index;

 private:
  RuleSet(std::vector<std::shared_ptr<const CompiledRule>> rules,
          std::shared_ptr<const KeyFrequencyTable> frequencies);
  // Fills index_ (once; PrepareIndex).
  void BuildIndex() const;
  size_t RulesMemoryBytes() const;
  std::vector<std::shared_ptr<const CompiledRule>> rules_;
  std::shared_ptr<const KeyFrequencyTable> frequencies_;  // null: guesses
  // Built on first need: a set the rule store keeps only to list rules, or whose rules a
  // combined set indexes (stream/combined_rules.h), never pays for one.
  mutable std::once_flag index_once_;
  mutable std::unique_ptr<Index> index_;
  mutable std::atomic<bool> index_built_{false};
};

// The reference semantics: walks the AST against the view, term by term, with no index and no
// precomputation. Deliberately simple; the differential test holds the RuleSet to it.
bool ReferenceMatches(const Rule& rule, const PostView& post);

// sample:N keeps a post when SampleBucket(id) < N: a fixed hash of the id into 0..99, the same
// for every connection, replay and server.
int SampleBucket(uint64_t post_id);

}  // namespace sluice::rules
