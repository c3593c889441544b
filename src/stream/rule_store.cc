#include "stream/rule_store.h"

#include <algorithm>
#include <functional>
#include <map>
#include <unordered_set>

#include "archive/coding.h"
#include "archive/crc.h"
#include "archive/durable_file.h"
#include "base/snowflake.h"
#include "rules/rule_parser.h"

namespace sluice::rules {
namespace {

// The rule log (docs/rules-api.md, "Durability"):
//   header: [magic 8 "SLUICERL"][version u32 = 1]
//   record: [crc32 u32][length u32][type u8][payload: length bytes]
// the crc covering length, type and payload; integers little-endian.
//   kAdd:       [id u64][created_at_ms i64][value_len u32][value][has_tag u8][tag_len u32][tag]
//   kDelete:    [id u64]
//   kHighWater: [id u64] (the largest id ever minted; written first in a snapshot, so that
//               ids of deleted rules are never minted again after compaction)
constexpr std::string_view kMagic = "SLUICERL";
constexpr uint32_t kVersion = 1;
constexpr size_t kHeaderSize = 12;
constexpr size_t kRecordHeaderSize = 9;
constexpr uint32_t kMaxPayload = 64 << 10;  // far above a 2,048-character rule and its tag
enum RecordType : uint8_t { kAdd = 1, kDelete = 2, kHighWater = 3 };

uint32_t Crc(std::string_view data) { return archive::Crc32(data.data(), data.size()); }

void AppendRecord(std::string& out, RecordType type, std::string_view payload) {
  const size_t start = out.size();
  archive::PutFixed32(out, 0);  // crc, filled below
  archive::PutFixed32(out, static_cast<uint32_t>(payload.size()));
  out += static_cast<char>(type);
  out += payload;
  archive::EncodeFixed32(out.data() + start, Crc(std::string_view(out).substr(start + 4)));
}

void AppendAdd(std::string& out, const RuleRecord& rule) {
  std::string payload;
  archive::PutFixed64(payload, rule.id);
  archive::PutFixed64(payload, static_cast<uint64_t>(rule.created_at_ms));
  archive::PutFixed32(payload, static_cast<uint32_t>(rule.value.size()));
  payload += rule.value;
  payload += static_cast<char>(rule.tag ? 1 : 0);
  archive::PutFixed32(payload, static_cast<uint32_t>(rule.tag ? rule.tag->size() : 0));
  if (rule.tag) payload += *rule.tag;
  AppendRecord(out, kAdd, payload);
}

void AppendId(std::string& out, RecordType type, uint64_t id) {
  std::string payload;
  archive::PutFixed64(payload, id);
  AppendRecord(out, type, payload);
}

std::string Header() {
  std::string header(kMagic);
  archive::PutFixed32(header, kVersion);
  return header;
}

// Decodes a kAdd payload; false if it is malformed.
bool DecodeAdd(std::string_view p, RuleRecord* rule) {
  if (p.size() < 20) return false;
  rule->id = archive::DecodeFixed64(p.data());
  rule->created_at_ms = static_cast<int64_t>(archive::DecodeFixed64(p.data() + 8));
  const uint64_t value_len = archive::DecodeFixed32(p.data() + 16);
  p.remove_prefix(20);
  if (p.size() < value_len + 5) return false;
  rule->value.assign(p.substr(0, value_len));
  p.remove_prefix(value_len);
  const bool has_tag = p[0] != 0;
  const uint64_t tag_len = archive::DecodeFixed32(p.data() + 1);
  p.remove_prefix(5);
  if (p.size() != tag_len || (!has_tag && tag_len != 0)) return false;
  if (has_tag) rule->tag = std::string(p);
  return true;
}

// The file's bytes; empty when it does not exist.
Result<std::string> ReadWholeFile(archive::FileSystem& fs, const std::filesystem::path& path) {
  Result<std::unique_ptr<archive::RandomAccessFile>> file = fs.NewRandomAccessFile(path);
  if (!file.ok()) {
    if (file.status().code() == StatusCode::kNotFound) return std::string();
    return file.status();
  }
  Result<uint64_t> size = (*file)->Size();
  if (!size.ok()) return size.status();
  std::string bytes(*size, '\0');
  Result<size_t> read = (*file)->Read(0, bytes.size(), bytes.data());
  if (!read.ok()) return read.status();
  bytes.resize(*read);
  return bytes;
}

Status WriteLogDurably(archive::FileSystem& fs, const std::filesystem::path& path,
                       std::string_view bytes) {
  return archive::WriteFileDurably(&fs, path.parent_path(), path.filename().string(), bytes);
}

// A rule that is valid to add: its tag fits and its value parses.
Status CheckRule(const RuleInput& rule) {
  if (rule.tag) SLUICE_RETURN_IF_ERROR(ValidateTag(*rule.tag));
  Result<Rule> parsed = ParseRule(rule.value);
  return parsed.ok() ? Status::Ok() : parsed.status();
}

}  // namespace

std::string RuleStoreOpenReport::Summary() const {
  std::string s = std::to_string(live_rules) + " rules from " + std::to_string(records_replayed) +
                  " log records";
  if (truncated_bytes > 0) {
    s += "; cut " + std::to_string(truncated_bytes) + " bytes off the end (" + truncation_reason +
         ")";
  }
  if (compacted) s += "; compacted";
  return s;
}

Result<std::unique_ptr<RuleStore>> RuleStore::Open(RuleStoreOptions options,
                                                   RuleStoreOpenReport* report) {
  RuleStoreOpenReport local_report;
  if (!report) report = &local_report;
  *report = {};
  std::unique_ptr<archive::FileSystem> owned_fs;
  archive::FileSystem& fs = *archive::FileSystemOrPosix(options.fs, owned_fs);
  const std::filesystem::path path = options.log_path;
  SLUICE_RETURN_IF_ERROR(fs.CreateDirs(path.parent_path()));

  Result<std::string> read = ReadWholeFile(fs, path);
  if (!read.ok()) return read.status();
  std::string bytes = std::move(*read);
  bool rewrite = false;  // the header itself is missing or torn
  if (bytes.size() < kHeaderSize) {
    if (std::string_view(Header()).substr(0, bytes.size()) != bytes) {
      return Status::Corruption(path.string() + " is not a rule log (bad header)");
    }
    report->truncated_bytes = bytes.size();
    if (!bytes.empty()) report->truncation_reason = "torn header";
    rewrite = true;
    bytes.clear();
  } else if (std::string_view(bytes).substr(0, kHeaderSize) != Header()) {
    return Status::Corruption(path.string() + " is not a rule log of version 1 (bad header)");
  }

  // Replay: the live records by id, the tail cut at the first record that is torn, fails its
  // crc, or contradicts the records before it.
  std::map<uint64_t, RuleRecord> live;
  std::unordered_map<std::string, uint64_t> id_of_value;
  uint64_t last_id = 0;     // of the adds: they come in ascending id order
  uint64_t high_water = 0;  // of kHighWater records
  size_t offset = rewrite ? 0 : kHeaderSize;
  size_t records = 0;
  std::string problem;
  while (offset < bytes.size()) {
    const std::string_view rest = std::string_view(bytes).substr(offset);
    if (rest.size() < kRecordHeaderSize) {
      problem = "torn record header";
      break;
    }
    const uint32_t length = archive::DecodeFixed32(rest.data() + 4);
    if (length > kMaxPayload) {
      problem = "bad record length";
      break;
    }
    if (rest.size() < kRecordHeaderSize + length) {
      problem = "torn record";
      break;
    }
    if (Crc(rest.substr(4, 5 + length)) != archive::DecodeFixed32(rest.data())) {
      problem = "crc mismatch";
      break;
    }
    const auto type = static_cast<uint8_t>(rest[8]);
    const std::string_view payload = rest.substr(kRecordHeaderSize, length);
    if (type == kAdd) {
      RuleRecord rule;
      if (!DecodeAdd(payload, &rule) || rule.id <= last_id || id_of_value.count(rule.value)) {
        problem = "bad add record";
        break;
      }
      last_id = rule.id;
      id_of_value.emplace(rule.value, rule.id);
      live.emplace(rule.id, std::move(rule));
    } else if ((type == kDelete || type == kHighWater) && length == 8) {
      const uint64_t id = archive::DecodeFixed64(payload.data());
      if (type == kHighWater) {
        high_water = std::max(high_water, id);
      } else {
        auto it = live.find(id);
        if (it == live.end()) {
          problem = "delete of a rule not in the log";
          break;
        }
        id_of_value.erase(it->second.value);
        live.erase(it);
      }
    } else {
      problem = "unknown record type";
      break;
    }
    offset += kRecordHeaderSize + length;
    ++records;
  }
  if (!problem.empty()) {
    report->truncated_bytes = bytes.size() - offset;
    report->truncation_reason = problem + " at offset " + std::to_string(offset);
    Result<std::unique_ptr<archive::WritableFile>> file = fs.NewAppendableFile(path);
    if (!file.ok()) return file.status();
    SLUICE_RETURN_IF_ERROR((*file)->Truncate(offset));
    SLUICE_RETURN_IF_ERROR((*file)->Sync());
    SLUICE_RETURN_IF_ERROR((*file)->Close());
  }
  if (rewrite) SLUICE_RETURN_IF_ERROR(WriteLogDurably(fs, path, Header()));

  Result<std::unique_ptr<archive::WritableFile>> log = fs.NewAppendableFile(path);
  if (!log.ok()) return log.status();
  std::unique_ptr<RuleStore> store(
      new RuleStore(std::move(options), std::move(owned_fs), fs, std::move(*log)));
  store->last_id_ = std::max(last_id, high_water);
  store->log_records_ = records;
  store->rules_.reserve(live.size());
  for (auto& [id, rule] : live) {
    Result<std::shared_ptr<const CompiledRule>> compiled = CompiledRule::Compile(std::move(rule));
    if (!compiled.ok()) {
      return Status::Corruption("rule " + std::to_string(id) + " in " + path.string() +
                                " no longer compiles: " + compiled.status().message());
    }
    store->id_of_value_.emplace((*compiled)->record().value, id);
    store->rules_.push_back(std::move(*compiled));
  }
  store->Rebuild();
  report->records_replayed = records;
  report->live_rules = store->rules_.size();
  const size_t before = store->log_records_;
  SLUICE_RETURN_IF_ERROR(store->MaybeCompact());
  report->compacted = store->log_records_ != before;
  return store;
}

RuleStore::RuleStore(RuleStoreOptions options, std::unique_ptr<archive::FileSystem> owned_fs,
                     archive::FileSystem& fs, std::unique_ptr<archive::WritableFile> log)
    : options_(std::move(options)), owned_fs_(std::move(owned_fs)), fs_(fs), log_(std::move(log)) {}

RuleStore::~RuleStore() = default;

uint64_t RuleStore::NextId() {
  const int64_t now = std::max(options_.clock->NowMs(), kTwitterEpochMs);
  last_id_ = std::max(MakeSnowflake(now, 0, 0), last_id_ + 1);
  return last_id_;
}

Status RuleStore::Persist(std::string_view records, size_t count) {
  if (!poisoned_.ok()) {
    return Status::FailedPrecondition("the rule log failed earlier (" + poisoned_.message() +
                                      "); restart the server to reopen it");
  }
  Status s = log_->Append(records);
  if (s.ok()) s = log_->Sync();
  if (!s.ok()) {
    poisoned_ = s;
    return s;
  }
  log_records_ += count;
  return Status::Ok();
}

void RuleStore::Rebuild() { current_ = RuleSet::Build(rules_); }

Status RuleStore::MaybeCompact() {
  if (log_records_ <= options_.compaction_factor * rules_.size() + options_.compaction_slack) {
    return Status::Ok();
  }
  std::string snapshot = Header();
  AppendId(snapshot, kHighWater, last_id_);
  for (const auto& rule : rules_) AppendAdd(snapshot, rule->record());
  // Until the rename the old log stays whole and in use: a failure there changes nothing.
  if (Status s = WriteLogDurably(fs_, options_.log_path, snapshot); !s.ok()) {
    poisoned_ = s;
    return s;
  }
  Result<std::unique_ptr<archive::WritableFile>> log = fs_.NewAppendableFile(options_.log_path);
  if (!log.ok()) {
    poisoned_ = log.status();
    return log.status();
  }
  log_ = std::move(*log);
  log_records_ = rules_.size() + 1;
  return Status::Ok();
}

const std::shared_ptr<const CompiledRule>* RuleStore::FindById(uint64_t id) const {
  auto it = std::lower_bound(
      rules_.begin(), rules_.end(), id,
      [](const std::shared_ptr<const CompiledRule>& r, uint64_t v) { return r->record().id < v; });
  return it != rules_.end() && (*it)->record().id == id ? &*it : nullptr;
}

Result<AddRulesResult> RuleStore::Add(const std::vector<RuleInput>& inputs) {
  AddRulesResult result;
  result.detail.resize(inputs.size());
  std::vector<std::shared_ptr<const CompiledRule>> fresh;
  std::unordered_map<std::string_view, size_t> first_in_request;
  const int64_t now = options_.clock->NowMs();
  bool any_invalid = false;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const RuleInput& input = inputs[i];
    RuleOutcome& outcome = result.detail[i];
    outcome.rule.value = input.value;
    outcome.rule.tag = input.tag;
    if (auto it = id_of_value_.find(input.value); it != id_of_value_.end()) {
      outcome.rule = (*FindById(it->second))->record();
      outcome.has_id = true;
      outcome.message = kDuplicateRuleMessage;
      continue;
    }
    if (auto [it, inserted] = first_in_request.emplace(input.value, i); !inserted) {
      const RuleOutcome& first = result.detail[it->second];
      if (!first.ok) {
        outcome.message = first.message;
        any_invalid = true;
      } else {
        outcome.rule = first.rule;
        outcome.has_id = true;
        outcome.message = kDuplicateRuleMessage;
      }
      continue;
    }
    if (input.tag) {
      if (Status s = ValidateTag(*input.tag); !s.ok()) {
        outcome.message = s.message();
        any_invalid = true;
        continue;
      }
    }
    RuleRecord record{NextId(), input.value, input.tag, now};
    Result<std::shared_ptr<const CompiledRule>> compiled = CompiledRule::Compile(record);
    if (!compiled.ok()) {
      outcome.message = compiled.status().message();
      any_invalid = true;
      continue;
    }
    outcome.rule = std::move(record);
    outcome.has_id = true;
    outcome.ok = true;
    fresh.push_back(std::move(*compiled));
  }

  if (any_invalid) {
    for (RuleOutcome& outcome : result.detail) {
      if (outcome.ok) {  // valid, but refused with the others: its id was never real
        outcome.ok = false;
        outcome.has_id = false;
      } else if (outcome.has_id && outcome.message == kDuplicateRuleMessage &&
                 !id_of_value_.count(outcome.rule.value)) {
        outcome.has_id = false;  // a duplicate of a refused rule of this request
      }
    }
    result.not_created = static_cast<int>(inputs.size());
    return result;
  }
  if (rules_.size() + fresh.size() > options_.max_rules) {
    return Status::ResourceExhausted(
        "Adding these " + std::to_string(fresh.size()) + " rules would bring this stream to " +
        std::to_string(rules_.size() + fresh.size()) + " rules, over its limit of " +
        std::to_string(options_.max_rules) + "; nothing of this request was applied.");
  }
  result.applied = true;
  result.created = static_cast<int>(fresh.size());
  result.not_created = static_cast<int>(inputs.size() - fresh.size());
  if (fresh.empty()) return result;

  std::string records;
  for (const auto& rule : fresh) AppendAdd(records, rule->record());
  SLUICE_RETURN_IF_ERROR(Persist(records, fresh.size()));
  for (auto& rule : fresh) {
    id_of_value_.emplace(rule->record().value, rule->record().id);
    rules_.push_back(std::move(rule));
  }
  Rebuild();
  (void)MaybeCompact();  // the adds are durable; a failed compaction only poisons later writes
  return result;
}

Result<DeleteRulesResult> RuleStore::DeleteByValues(const std::vector<std::string>& values) {
  return Delete(values.size(), [&](size_t i, RuleOutcome& outcome) -> std::optional<uint64_t> {
    outcome.rule.value = values[i];
    auto it = id_of_value_.find(values[i]);
    if (it == id_of_value_.end()) return std::nullopt;
    return it->second;
  });
}

Result<DeleteRulesResult> RuleStore::DeleteByIds(const std::vector<uint64_t>& ids) {
  return Delete(ids.size(), [&](size_t i, RuleOutcome& outcome) -> std::optional<uint64_t> {
    outcome.rule.id = ids[i];
    outcome.has_id = true;
    outcome.has_value = false;  // an id alone names no value until a rule is found
    return ids[i];
  });
}

Result<DeleteRulesResult> RuleStore::Delete(
    size_t count, const std::function<std::optional<uint64_t>(size_t, RuleOutcome&)>& name) {
  DeleteRulesResult result;
  result.detail.resize(count);
  std::vector<size_t> dead;
  std::unordered_set<uint64_t> deleted_ids;
  std::string records;
  for (size_t i = 0; i < count; ++i) {
    RuleOutcome& outcome = result.detail[i];
    const std::optional<uint64_t> id = name(i, outcome);
    const auto* rule = id ? FindById(*id) : nullptr;
    if (!rule || !deleted_ids.insert(*id).second) {
      outcome.message = kMissingRuleMessage;
      continue;
    }
    outcome.rule = (*rule)->record();
    outcome.has_id = true;
    outcome.has_value = true;
    outcome.ok = true;
    dead.push_back(static_cast<size_t>(rule - rules_.data()));
    AppendId(records, kDelete, *id);
  }
  result.deleted = static_cast<int>(dead.size());
  result.not_deleted = static_cast<int>(count - dead.size());
  if (dead.empty()) return result;
  SLUICE_RETURN_IF_ERROR(Persist(records, dead.size()));
  RemoveRules(std::move(dead));
  return result;
}

void RuleStore::RemoveRules(std::vector<size_t> dead) {
  std::sort(dead.begin(), dead.end());
  size_t next_dead = 0;
  size_t kept = 0;
  for (size_t i = 0; i < rules_.size(); ++i) {
    if (next_dead < dead.size() && dead[next_dead] == i) {
      id_of_value_.erase(rules_[i]->record().value);
      ++next_dead;
      continue;
    }
    if (kept != i) rules_[kept] = std::move(rules_[i]);
    ++kept;
  }
  rules_.resize(kept);
  Rebuild();
  (void)MaybeCompact();  // the deletes are durable; a failed compaction poisons later writes
}

ValidateRulesResult RuleStore::Validate(const std::vector<RuleInput>& rules) {
  ValidateRulesResult result;
  result.detail.reserve(rules.size());
  for (const RuleInput& input : rules) {
    RuleOutcome outcome;
    outcome.rule.value = input.value;
    outcome.rule.tag = input.tag;
    if (Status s = CheckRule(input); !s.ok()) {
      outcome.message = s.message();
      ++result.not_valid;
    } else {
      outcome.ok = true;
      ++result.valid;
    }
    result.detail.push_back(std::move(outcome));
  }
  return result;
}

std::vector<RuleRecord> RuleStore::List() const {
  std::vector<RuleRecord> out;
  out.reserve(rules_.size());
  for (const auto& rule : rules_) out.push_back(rule->record());
  return out;
}

std::vector<RuleRecord> RuleStore::Get(const std::vector<uint64_t>& ids) const {
  std::vector<RuleRecord> out;
  std::unordered_set<uint64_t> seen;
  for (uint64_t id : ids) {
    if (!seen.insert(id).second) continue;
    if (const auto* rule = FindById(id)) out.push_back((*rule)->record());
  }
  return out;
}

std::optional<RuleRecord> RuleStore::Get(uint64_t id) const {
  const auto* rule = FindById(id);
  if (!rule) return std::nullopt;
  return (*rule)->record();
}

}  // namespace sluice::rules
