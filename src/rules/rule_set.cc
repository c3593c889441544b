// The rule index. Each anchored rule is filed under its anchor keys (rule_program.cc) in one
// open-addressing table from key hash to a posting list of rule positions; rules without anchors
// (only counts, sample:, geo, negations...) sit on an always-check list. Matching a post builds its
// keys once (PostKeys, plus Vectorscan hits for contains:), looks each key up once, and verifies
// the union of the posting lists and the always list with the rules' programs.
#include "rules/rule_set.h"

#include <algorithm>
#include <future>
#include <utility>

#include "rules/literal_scanner.h"
#include "rules/post_keys.h"
#include "rules/rule_anchors.h"
#include "rules/rule_parser.h"
#include "rules/rule_program.h"

namespace sluice::rules {

// ---- CompiledRule -----------------------------------------------------------------------------

CompiledRule::CompiledRule(RuleRecord record, Rule ast, std::unique_ptr<Program> program)
    : record_(std::move(record)), ast_(std::move(ast)), program_(std::move(program)) {}

CompiledRule::~CompiledRule() = default;

Result<std::shared_ptr<const CompiledRule>> CompiledRule::Compile(RuleRecord record) {
  Result<Rule> ast = ParseRule(record.value);
  if (!ast.ok()) return ast.status();
  std::unique_ptr<Program> program = CompileProgram(*ast);
  return std::shared_ptr<const CompiledRule>(
      std::make_shared<CompiledRule>(std::move(record), std::move(*ast), std::move(program)));
}

// ---- Index ------------------------------------------------------------------------------------

struct RuleSet::Index {
  using Program = CompiledRule::Program;
  // A rule position and where its program starts in `code`: verifying a candidate touches the
  // arena directly, not the CompiledRule.
  using Posting = ProgramRef;
  struct Bucket {
    uint64_t hash = 0;
    uint32_t count = 0;  // 0: empty bucket
    // count == 1: the one posting, held here (most keys file one rule: no second miss);
    // otherwise `only.rule` is where the list begins in `postings`.
    Posting only{0, 0};
  };
  std::vector<Bucket> buckets;  // open addressing, power-of-two size
  uint64_t mask = 0;
  // One bit per (high bits of a) filed hash: most keys of a post file no rule, and this small
  // bit set (in cache) says so without touching the large bucket array.
  std::vector<uint64_t> filter;
  uint64_t filter_mask = 0;

  // Ascending rule positions within a list. A posting carries its prefilter: with anchors
  // learned from the stream most lists are short, and the posting that passes is then in the
  // cache line its prefilter brought.
  std::vector<Posting> postings;
  std::vector<Posting> always;  // unanchored rules, ascending
  std::unique_ptr<LiteralScanner> scanner;

  // Every rule's program, copied back to back (see Program::Instr).
  std::vector<Program::Instr> code;
  std::vector<Program::KeyRef> keys;
  std::vector<double> geo;
  std::string text;

  ProgramView View(uint32_t code_begin) const {
    return {code.data() + code_begin, keys.data(), geo.data(), text.data()};
  }
  // Copies `program` to the end of `out` (its data to keys/geo/text); returns where it starts.
  uint32_t Append(const Program& program, std::vector<Program::Instr>& out);

  bool MayHave(uint64_t hash) const {
    const uint64_t bit = (hash >> 32) & filter_mask;
    return (filter[bit >> 6] >> (bit & 63)) & 1;
  }

  const Bucket* Find(uint64_t hash) const {
    for (uint64_t i = hash & mask;; i = (i + 1) & mask) {
      const Bucket& b = buckets[i];
      if (b.count == 0) return nullptr;
      if (b.hash == hash) return &b;
    }
  }
};

// ---- MatchScratch -----------------------------------------------------------------------------

struct MatchScratch::Impl {
  PostKeys keys;
  // The post's keys as bits (PrefilterBit), 8 KiB; set per post and cleared after it. Bit 0 is
  // always set, for postings with fewer than two filter keys.
  std::vector<uint64_t> key_bits = std::vector<uint64_t>(1 << 10, 0);
  LiteralScratch literal_scratch;
  std::vector<uint64_t> hits;  // key hashes that pass the index's filter
  std::vector<RuleSet::Index::Posting> candidates;
  struct List {
    const ProgramRef* postings;
    uint32_t count;
  };
  std::vector<List> lists;  // posting lists of the post's keys
  std::vector<uint8_t> buffer;
};

MatchScratch::MatchScratch() : impl_(std::make_unique<Impl>()) {}
const PostKeys& MatchScratch::keys() const { return impl_->keys; }
MatchScratch::~MatchScratch() = default;
MatchScratch::MatchScratch(MatchScratch&&) noexcept = default;
MatchScratch& MatchScratch::operator=(MatchScratch&&) noexcept = default;

uint32_t RuleSet::Index::Append(const Program& program, std::vector<Program::Instr>& out) {
  const auto code_begin = static_cast<uint32_t>(out.size());
  const auto keys_base = static_cast<uint32_t>(keys.size());
  const auto geo_base = static_cast<uint32_t>(geo.size());
  const auto text_base = static_cast<uint32_t>(text.size());
  for (Program::Instr instr : program.code) {
    switch (Program::FirstOf(instr.op)) {
      case Program::FirstIn::kText:
        if (instr.length > Program::kInlineText) instr.first += text_base;
        break;
      case Program::FirstIn::kKeys:
        instr.first += keys_base;
        break;
      case Program::FirstIn::kGeo:
        instr.first += geo_base;
        break;
      case Program::FirstIn::kNothing:
        break;
    }
    out.push_back(instr);
  }
  for (Program::KeyRef key : program.keys) {
    key.text_offset += text_base;
    keys.push_back(key);
  }
  geo.insert(geo.end(), program.geo.begin(), program.geo.end());
  text += program.text;
  return code_begin;
}

RuleSet::RuleSet(std::vector<std::shared_ptr<const CompiledRule>> rules,
                 std::shared_ptr<const KeyFrequencyTable> frequencies)
    : rules_(std::move(rules)), frequencies_(std::move(frequencies)) {
  if (frequencies_ && frequencies_->posts() == 0) frequencies_.reset();
}

RuleSet::~RuleSet() = default;

std::shared_ptr<const RuleSet> RuleSet::Build(
    std::vector<std::shared_ptr<const CompiledRule>> rules,
    std::shared_ptr<const KeyFrequencyTable> frequencies) {
  return std::shared_ptr<const RuleSet>(new RuleSet(std::move(rules), std::move(frequencies)));
}

void RuleSet::PrepareIndex() const {
  std::call_once(index_once_, [this] {
    BuildIndex();
    index_built_.store(true, std::memory_order_release);
  });
}

void RuleSet::BuildIndex() const {
  index_ = std::make_unique<Index>();
  const RuleSet* set = this;
  Index& index = *index_;

  struct Filed {
    uint64_t hash;
    Index::Posting posting;
  };
  std::vector<Filed> filed;
  std::vector<std::string> literals;
  bool any_contains = false, any_url_contains = false;
  filed.reserve(set->rules_.size() * 2);
  std::vector<CompiledRule::Program::Instr> always_code;
  std::vector<FilteredAnchor> anchors;
  const size_t n = set->rules_.size();
  for (size_t r = 0; r < n; ++r) {
    // Each rule is three allocations deep (CompiledRule, Program, its vectors): fetch ahead.
    if (r + 16 < n) __builtin_prefetch(set->rules_[r + 16].get());
    if (r + 8 < n) __builtin_prefetch(&set->rules_[r + 8]->program());
    if (r + 4 < n) __builtin_prefetch(set->rules_[r + 4]->program().code.data());
    const CompiledRule::Program& program = set->rules_[r]->program();
    if (!program.anchored) {
      index.always.push_back({static_cast<uint32_t>(r), index.Append(program, always_code)});
    } else {
      const Index::Posting posting{static_cast<uint32_t>(r), index.Append(program, index.code)};
      // The program's own anchors were chosen by guesses; measured shares choose again (about
      // 1 µs a rule, once per table). An anchored rule stays anchored: that depends on its
      // form, not on costs.
      if (frequencies_) program.LearnedAnchors(set->rules_[r]->ast(), *frequencies_, anchors);
      for (const FilteredAnchor& anchor : frequencies_ ? anchors : program.anchors) {
        filed.push_back({anchor.key, posting});
        filed.back().posting.prefilter = anchor.prefilter;
      }
    }
    for (const MatchLiteral& literal : program.literals) {
      literals.push_back(literal.text);
      any_contains = any_contains || literal.kind == KeyKind::kContains;
      any_url_contains = any_url_contains || literal.kind == KeyKind::kUrlContains;
    }
  }
  // Compiling the literals (Vectorscan) is the longest step: let it run beside the rest.
  std::sort(literals.begin(), literals.end());
  literals.erase(std::unique(literals.begin(), literals.end()), literals.end());
  std::future<std::unique_ptr<LiteralScanner>> scanner;
  if (!literals.empty()) {
    scanner = std::async(std::launch::async, [literals = std::move(literals), any_contains,
                                              any_url_contains]() mutable {
      return std::make_unique<LiteralScanner>(std::move(literals), any_contains, any_url_contains);
    });
  }

  // The rules checked for every post go last, back to back: one sequential walk.
  const auto always_base = static_cast<uint32_t>(index.code.size());
  index.code.insert(index.code.end(), always_code.begin(), always_code.end());
  for (Index::Posting& p : index.always) p.code += always_base;
  // Rules ascending within a key.
  std::sort(filed.begin(), filed.end(), [](const Filed& a, const Filed& b) {
    return a.hash != b.hash ? a.hash < b.hash : a.posting.rule < b.posting.rule;
  });

  size_t distinct = 0;
  for (size_t i = 0; i < filed.size(); ++i) {
    if (i == 0 || filed[i].hash != filed[i - 1].hash) ++distinct;
  }
  size_t capacity = 16;
  while (capacity < distinct * 2) capacity *= 2;
  index.buckets.assign(capacity, {});
  index.mask = capacity - 1;
  size_t filter_bits = 1 << 16;
  while (filter_bits < distinct * 16) filter_bits *= 2;
  index.filter.assign(filter_bits / 64, 0);
  index.filter_mask = filter_bits - 1;
  index.postings.reserve(filed.size());
  for (size_t i = 0; i < filed.size();) {
    const uint64_t hash = filed[i].hash;
    const auto begin = static_cast<uint32_t>(index.postings.size());
    for (; i < filed.size() && filed[i].hash == hash; ++i) {
      // A rule may be filed twice under one hash only through a collision of its own keys:
      // either path may be the one a post matches by, so the posting keeps no prefilter.
      if (index.postings.size() == begin || index.postings.back().rule != filed[i].posting.rule) {
        index.postings.push_back(filed[i].posting);
      } else if (index.postings.back().prefilter != filed[i].posting.prefilter) {
        index.postings.back().prefilter = 0;
      }
    }
    const uint64_t bit = (hash >> 32) & index.filter_mask;
    index.filter[bit >> 6] |= uint64_t{1} << (bit & 63);
    uint64_t slot = hash & index.mask;
    while (index.buckets[slot].count != 0) slot = (slot + 1) & index.mask;
    const auto count = static_cast<uint32_t>(index.postings.size() - begin);
    if (count == 1) {
      const Index::Posting only = index.postings.back();
      index.postings.pop_back();
      index.buckets[slot] = {hash, 1, only};
    } else {
      index.buckets[slot] = {hash, count, {begin, 0}};
    }
  }

  if (scanner.valid()) index.scanner = scanner.get();
}

void RuleSet::Match(const PostView& post, MatchScratch& scratch,
                    std::vector<uint32_t>& matched) const {
  matched.clear();
  if (rules_.empty()) return;
  PrepareIndex();
  MatchScratch::Impl& s = scratch.impl();
  const Index& index = *index_;

  s.keys.Build(post);
  if (index.scanner) index.scanner->Scan(post, s.literal_scratch, s.keys);
  uint64_t* bits = s.key_bits.data();
  bits[0] |= 1;
  for (const PostKeys::Key& key : s.keys.keys()) {
    const uint32_t bit = PrefilterBit(key.hash);
    bits[bit >> 6] |= uint64_t{1} << (bit & 63);
  }
  const auto has_bit = [bits](uint32_t bit) { return (bits[bit >> 6] >> (bit & 63)) & 1; };

  // Filter first and prefetch the buckets of the keys that pass, so their misses overlap.
  s.hits.clear();
  for (const PostKeys::Key& key : s.keys.keys()) {
    if (!index.MayHave(key.hash)) continue;
    s.hits.push_back(key.hash);
    __builtin_prefetch(index.buckets.data() + (key.hash & index.mask));
  }
  // Find every list first, asking for its start, so that the lists' cache misses overlap.
  s.lists.clear();
  for (uint64_t hash : s.hits) {
    const Index::Bucket* bucket = index.Find(hash);
    if (bucket == nullptr) continue;
    if (bucket->count == 1) {
      s.lists.push_back({&bucket->only, 1});
      continue;
    }
    const uint32_t begin = bucket->only.rule;
    __builtin_prefetch(index.postings.data() + begin);
    s.lists.push_back({index.postings.data() + begin, bucket->count});
  }
  s.candidates.clear();
  for (const MatchScratch::Impl::List& list : s.lists) {
    for (uint32_t i = 0; i < list.count; ++i) {
      // The rule's other required keys: most candidates found through a common word lack them.
      const uint64_t f = list.postings[i].prefilter;
      if ((has_bit(f & 0xffff) | has_bit((f >> 16) & 0xffff)) &
          (has_bit((f >> 32) & 0xffff) | has_bit(f >> 48))) {
        s.candidates.push_back(list.postings[i]);
      }
    }
  }
  for (const PostKeys::Key& key : s.keys.keys()) {
    const uint32_t bit = PrefilterBit(key.hash);
    bits[bit >> 6] &= ~(uint64_t{1} << (bit & 63));
  }
  // A rule filed under several keys of this post is a candidate once. Sorting (rather than
  // stamping a per-rule array) touches only the candidates, and leaves them in rule order.
  std::sort(s.candidates.begin(), s.candidates.end(),
            [](const Index::Posting& a, const Index::Posting& b) { return a.rule < b.rule; });
  s.candidates.erase(std::unique(s.candidates.begin(), s.candidates.end(),
                                 [](const Index::Posting& a, const Index::Posting& b) {
                                   return a.rule == b.rule;
                                 }),
                     s.candidates.end());

  // The programs are scattered over the arena: ask for a window of them ahead of verifying.
  constexpr size_t kAhead = 16;
  const size_t n = s.candidates.size();
  for (size_t i = 0; i < n && i < kAhead; ++i) {
    __builtin_prefetch(index.code.data() + s.candidates[i].code);
  }
  for (size_t i = 0; i < n; ++i) {
    if (i + kAhead < n) __builtin_prefetch(index.code.data() + s.candidates[i + kAhead].code);
    const Index::Posting p = s.candidates[i];
    if (EvaluateProgram(index.View(p.code), post, s.keys, s.buffer)) matched.push_back(p.rule);
  }
  if (index.always.empty()) return;  // already ascending
  const size_t from_index = matched.size();
  EvaluateAll(index.View(0), index.always, post, s.keys, s.buffer, matched);
  std::inplace_merge(matched.begin(), matched.begin() + static_cast<ptrdiff_t>(from_index),
                     matched.end());
}

namespace {

size_t StringBytes(const std::string& s) { return s.capacity() > 15 ? s.capacity() + 1 : 0; }

size_t AstBytes(const Node& node) {
  size_t bytes = node.children.capacity() * sizeof(Node) + StringBytes(node.term.text) +
                 node.term.tokens.capacity() * sizeof(std::string);
  for (const std::string& t : node.term.tokens) bytes += StringBytes(t);
  for (const Node& child : node.children) bytes += AstBytes(child);
  return bytes;
}

}  // namespace

size_t RuleSet::RulesMemoryBytes() const {
  size_t bytes = sizeof(*this) + rules_.capacity() * sizeof(std::shared_ptr<const CompiledRule>);
  for (const auto& rule : rules_) {
    // The shared_ptr control block sits beside the object (make_shared).
    bytes += sizeof(CompiledRule) + 16 + rule->program().MemoryBytes() +
             AstBytes(rule->ast().root) + StringBytes(rule->record().value) +
             (rule->record().tag ? StringBytes(*rule->record().tag) : 0);
  }
  return bytes;
}

size_t RuleSet::MemoryBytes() const { return RulesMemoryBytes() + IndexMemoryBytes(); }

size_t RuleSet::IndexMemoryBytes() const {
  if (!index_built_.load(std::memory_order_acquire)) return 0;
  const Index& index = *index_;
  size_t bytes = sizeof(Index) + index.buckets.capacity() * sizeof(Index::Bucket) +
                 index.postings.capacity() * sizeof(Index::Posting) +
                 index.filter.capacity() * sizeof(uint64_t) +
                 index.always.capacity() * sizeof(Index::Posting) +
                 index.code.capacity() * sizeof(Index::Program::Instr) +
                 index.keys.capacity() * sizeof(Index::Program::KeyRef) +
                 index.geo.capacity() * sizeof(double) + index.text.capacity();
  if (index.scanner) bytes += index.scanner->MemoryBytes();
  return bytes;
}

}  // namespace sluice::rules
