// RuleStore: one PowerTrack stream's rules, durable (SPEC §2, §5; docs/rules-api.md).
//
//   Result<std::unique_ptr<RuleStore>> store = RuleStore::Open(options, &report);
//   Result<AddRulesResult> added = (*store)->Add({{"cat OR dog", "pets"}});
//   stream.SetRules((*store)->current());
//
// Rules live in memory, compiled, and in an append-only log file of CRC-framed records (add:
// id, created_at, value, tag; delete: id), written and fdatasync'd before a mutation returns.
// It lives in stream/, not rules/, because it is storage: it writes through the archive's file
// layer (archive/file_system.h, durable_file.h, coding.h, crc.h), which rules/ may not use.
// Open replays the log, cuts a torn or corrupt tail off (reporting what it cut) and compacts
// the log into a snapshot when it holds far more records than live rules.
//
// Each change compiles only the rules it adds and builds one new RuleSet from the compiled rules
// already held plus those: a request costs O(its rules) + one RuleSet::Build.
//
// Thread safety: none. Every call, const ones included, must come from one thread at a time (the
// server runs them all on its single rules thread). The RuleSets handed out are immutable and
// may be used anywhere.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "archive/file_system.h"
#include "base/clock.h"
#include "base/status.h"
#include "rules/rule_set.h"

namespace sluice::rules {

inline constexpr size_t kDefaultMaxRules = 250000;
inline constexpr std::string_view kDuplicateRuleMessage = "A rule with this value already exists";
inline constexpr std::string_view kMissingRuleMessage = "Rule does not exist";

// A rule as a client sends it.
struct RuleInput {
  std::string value;
  std::optional<std::string> tag;
};

// What one rule of a request came to. `rule` holds what is known: for a created or existing rule
// the whole record (has_id); for an invalid one its value and tag; for a missing id only the id.
struct RuleOutcome {
  RuleRecord rule;
  bool has_id = false;
  bool has_value = true;
  bool ok = false;      // created, deleted or valid
  std::string message;  // why not ok; empty when ok
};

struct AddRulesResult {
  // False when some rule is invalid: nothing was applied and `detail` says which (HTTP 422).
  bool applied = false;
  int created = 0;
  int not_created = 0;
  std::vector<RuleOutcome> detail;  // in request order
};

struct DeleteRulesResult {
  int deleted = 0;
  int not_deleted = 0;
  std::vector<RuleOutcome> detail;  // in request order
};

struct ValidateRulesResult {
  int valid = 0;
  int not_valid = 0;
  std::vector<RuleOutcome> detail;  // in request order
};

// What Open found in the log.
struct RuleStoreOpenReport {
  size_t records_replayed = 0;
  size_t live_rules = 0;
  uint64_t truncated_bytes = 0;   // a torn or corrupt tail cut off
  std::string truncation_reason;  // empty when nothing was cut
  bool compacted = false;
  std::string Summary() const;
};

struct RuleStoreOptions {
  std::filesystem::path log_path;     // its directory is created if missing
  archive::FileSystem* fs = nullptr;  // null: real files; must outlive the store
  size_t max_rules = kDefaultMaxRules;
  const Clock* clock = nullptr;  // REQUIRES: non-null; must outlive the store
  // The log is rewritten as a snapshot when it holds more than
  // compaction_factor * live + compaction_slack records.
  size_t compaction_factor = 2;
  size_t compaction_slack = 1024;
};

class RuleStore {
 public:
  // Replays `options.log_path` (a missing file is an empty store). Errors: IoError when the file
  // cannot be read, written or synced; Corruption when it is not a rule log (bad header) or a rule
  // in it no longer compiles (the message names the rule id).
  static Result<std::unique_ptr<RuleStore>> Open(RuleStoreOptions options,
                                                 RuleStoreOpenReport* report);

  ~RuleStore();
  RuleStore(const RuleStore&) = delete;  // owns the log file
  RuleStore& operator=(const RuleStore&) = delete;

  // Adds the rules whose value is not already stored (nor earlier in `rules`); the others are
  // not_created with kDuplicateRuleMessage and the existing rule. If any rule is invalid
  // (ParseRule, ValidateTag) nothing is applied and `applied` is false. Errors:
  // ResourceExhausted when the new rules would pass max_rules (nothing applied); IoError or
  // FailedPrecondition (after an earlier IoError) when the log cannot be written: nothing applied
  // in memory, and the store refuses every later mutation.
  Result<AddRulesResult> Add(const std::vector<RuleInput>& rules);
  // Deletes by value (exact) or by id; each one not stored is not_deleted with
  // kMissingRuleMessage. Errors as for Add (except ResourceExhausted).
  Result<DeleteRulesResult> DeleteByValues(const std::vector<std::string>& values);
  Result<DeleteRulesResult> DeleteByIds(const std::vector<uint64_t>& ids);

  // Checks rules as Add would, without storing them (duplicates are valid).
  static ValidateRulesResult Validate(const std::vector<RuleInput>& rules);

  // Every rule, ascending id (= creation order).
  std::vector<RuleRecord> List() const;
  // The rules of `ids` that exist, in the order asked (repeats kept once).
  std::vector<RuleRecord> Get(const std::vector<uint64_t>& ids) const;
  std::optional<RuleRecord> Get(uint64_t id) const;

  size_t size() const { return rules_.size(); }
  size_t max_rules() const { return options_.max_rules; }
  // Never null (an empty set at first).
  std::shared_ptr<const RuleSet> current() const { return current_; }
  // Records in the log file (adds and deletes since the last snapshot).
  size_t log_records() const { return log_records_; }

 private:
  RuleStore(RuleStoreOptions options, std::unique_ptr<archive::FileSystem> owned_fs,
            archive::FileSystem& fs, std::unique_ptr<archive::WritableFile> log);

  uint64_t NextId();
  // Appends `records` (already framed) and syncs; poisons the store on failure.
  Status Persist(std::string_view records, size_t count);
  // Drops the rules of `dead` (positions into rules_), rebuilds the set, compacts if due.
  void RemoveRules(std::vector<size_t> dead);
  void Rebuild();
  Status MaybeCompact();
  const std::shared_ptr<const CompiledRule>* FindById(uint64_t id) const;
  // Deletes the rules `name` picks: for each of `count` requested entries it fills in what the
  // request said and returns the id of the rule it names (nullopt: none).
  Result<DeleteRulesResult> Delete(
      size_t count, const std::function<std::optional<uint64_t>(size_t, RuleOutcome&)>& name);

  RuleStoreOptions options_;
  std::unique_ptr<archive::FileSystem> owned_fs_;  // when options.fs was null
  archive::FileSystem& fs_;
  // The log opened for appending. A failed write or sync leaves its state unknown: the store
  // poisons itself and never writes to it again.
  std::unique_ptr<archive::WritableFile> log_;
  Status poisoned_;
  // Ascending id: ids only grow, so appending keeps the order and lookups by id bisect.
  std::vector<std::shared_ptr<const CompiledRule>> rules_;
  // Keys view the values held by rules_'s (immutable) records.
  std::unordered_map<std::string_view, uint64_t> id_of_value_;
  std::shared_ptr<const RuleSet> current_;
  uint64_t last_id_ = 0;
  size_t log_records_ = 0;
};

}  // namespace sluice::rules
