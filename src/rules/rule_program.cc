#include "rules/rule_program.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <utility>

#include "rules/rule_anchors.h"

namespace sluice::rules {
namespace {

using Program = CompiledRule::Program;
using Op = Program::Op;

// Scalar fields of kEqualsText / kEqualsId / kRange.
enum TextField : uint8_t {
  kScreenName,
  kReplyScreenName,
  kRetweetedScreenName,
  kLangField,
  kSourceUrlField,
  kPlaceIdField,
  kPlaceCountryField,
};
enum IdField : uint8_t {
  kUserId,
  kReplyUserId,
  kRetweetedUserId,
  kReplyStatusId,
  kRetweetStatusId
};
enum CountField : uint8_t { kStatuses, kFollowers, kFriends, kListed };

constexpr uint8_t Bit(TokenList list) { return static_cast<uint8_t>(1u << static_cast<int>(list)); }

// ---- Compilation ------------------------------------------------------------------------------

class Compiler {
 public:
  explicit Compiler(Program& program) : p_(program) {}

  void CompileNode(const Node& node) {
    switch (node.kind) {
      case NodeKind::kTerm:
        CompileTerm(node.term);
        return;
      case NodeKind::kGroup:
        CompileNode(node.children[0]);
        return;
      case NodeKind::kNot:
      case NodeKind::kAnd:
      case NodeKind::kOr: {
        const size_t at = Emit({node.kind == NodeKind::kNot   ? Op::kNot
                                : node.kind == NodeKind::kAnd ? Op::kAnd
                                                              : Op::kOr});
        for (const Node& child : node.children) CompileNode(child);
        Close(at);
        return;
      }
    }
  }

 private:
  size_t Emit(Program::Instr instr) {
    instr.end = static_cast<uint32_t>(p_.code.size() + 1);
    p_.code.push_back(instr);
    return p_.code.size() - 1;
  }
  void Close(size_t at) { p_.code[at].end = static_cast<uint32_t>(p_.code.size()); }

  uint32_t AddText(std::string_view text) {
    const auto offset = static_cast<uint32_t>(p_.text.size());
    p_.text.append(text);
    return offset;
  }

  uint32_t AddKey(KeyKind kind, std::string_view text) {
    p_.keys.push_back(
        {KeyHash(kind, text), AddText(text), static_cast<uint32_t>(text.size()), kind});
    return static_cast<uint32_t>(p_.keys.size() - 1);
  }

  // An instruction comparing with `text`: inline when it fits, else in the text pool.
  Program::Instr WithText(Program::Instr instr, std::string_view text) {
    instr.length = static_cast<uint16_t>(text.size());
    if (text.size() <= Program::kInlineText) {
      std::copy(text.begin(), text.end(), instr.inline_text);
    } else {
      instr.first = AddText(text);
    }
    return instr;
  }

  void EmitHasKey(KeyKind kind, std::string_view text) {
    Emit(WithText({.op = Op::kHasKey, .kind = kind, .value = KeyHash(kind, text)}, text));
  }

  // One token and no particular list: a membership test is enough.
  void EmitPhrase(KeyKind kind, const std::vector<std::string>& tokens, uint8_t lists, int gap,
                  bool membership_suffices) {
    if (tokens.empty()) {
      Emit({.op = Op::kNever});
      return;
    }
    if (tokens.size() == 1 && membership_suffices) {
      EmitHasKey(kind, tokens[0]);
      return;
    }
    const auto first = static_cast<uint32_t>(p_.keys.size());
    for (const std::string& t : tokens) AddKey(kind, t);
    Emit({.op = Op::kPhrase,
          .field = lists,
          .count = static_cast<uint16_t>(tokens.size()),
          .first = first,
          .value = static_cast<uint64_t>(gap)});
  }

  void EmitEqualsText(TextField field, std::string value) {
    Emit(WithText({.op = Op::kEqualsText, .field = field}, value));
  }

  void EmitUser(const Term& term, IdField id_field, TextField name_field) {
    if (const int64_t* id = std::get_if<int64_t>(&term.value)) {
      Emit({.op = Op::kEqualsId, .field = id_field, .value = static_cast<uint64_t>(*id)});
    } else {
      EmitEqualsText(name_field, FoldValue(term.text));
    }
  }

  void EmitRange(const Term& term, CountField field) {
    const CountRange& range = std::get<CountRange>(term.value);
    Emit({.op = Op::kRange,
          .field = field,
          .value = static_cast<uint64_t>(range.min),
          .value2 = range.max.value_or(std::numeric_limits<int64_t>::max())});
  }

  // Phrase within `list` of tokens of `kind`, or scalar `field` equals the folded value.
  void EmitPhraseOrEquals(const Term& term, KeyKind kind, TokenList list, TextField field) {
    const size_t at = Emit({Op::kOr});
    EmitPhrase(kind, TokenizeForMatch(term.text), Bit(list), 0, true);
    EmitEqualsText(field, FoldValue(term.text));
    Close(at);
  }

  void AddLiteral(KeyKind kind, std::string text) {
    EmitHasKey(kind, text);
    p_.literals.push_back({kind, std::move(text)});
  }

  void CompileTerm(const Term& term) {
    const uint8_t text_lists = Bit(TokenList::kText) | Bit(TokenList::kUrl);
    switch (term.kind) {
      case TermKind::kKeyword:
      case TermKind::kPhrase:
        EmitPhrase(KeyKind::kToken, term.tokens, text_lists, 0, true);
        return;
      case TermKind::kProximity:
        EmitPhrase(KeyKind::kToken, term.tokens, text_lists, term.proximity, true);
        return;
      case TermKind::kContains:
        AddLiteral(KeyKind::kContains, term.tokens[0]);
        return;
      case TermKind::kUrlContains:
        AddLiteral(KeyKind::kUrlContains, FoldValue(term.text));
        return;
      case TermKind::kHashtag:
        EmitHasKey(KeyKind::kHashtag, term.tokens[0]);
        return;
      case TermKind::kMention:
        EmitHasKey(KeyKind::kMention, term.tokens[0]);
        return;
      case TermKind::kCashtag:
        EmitHasKey(KeyKind::kCashtag, term.tokens[0]);
        return;
      case TermKind::kFrom:
        EmitUser(term, kUserId, kScreenName);
        return;
      case TermKind::kTo:
        EmitUser(term, kReplyUserId, kReplyScreenName);
        return;
      case TermKind::kRetweetsOf:
        EmitUser(term, kRetweetedUserId, kRetweetedScreenName);
        return;
      case TermKind::kInReplyToStatusId:
        Emit({.op = Op::kEqualsId,
              .field = kReplyStatusId,
              .value = static_cast<uint64_t>(std::get<int64_t>(term.value))});
        return;
      case TermKind::kRetweetsOfStatusId:
        Emit({.op = Op::kEqualsId,
              .field = kRetweetStatusId,
              .value = static_cast<uint64_t>(std::get<int64_t>(term.value))});
        return;
      case TermKind::kUrl:
        // A url: token must be within a URL, not just anywhere: always the list scan.
        EmitPhrase(KeyKind::kToken, TokenizeForMatch(term.text), Bit(TokenList::kUrl), 0, false);
        return;
      case TermKind::kLang:
        EmitEqualsText(kLangField, FoldValue(term.text));
        return;
      case TermKind::kBio:
        EmitPhrase(KeyKind::kBio, term.tokens, Bit(TokenList::kBio), 0, true);
        return;
      case TermKind::kBioName:
        EmitPhrase(KeyKind::kBioName, term.tokens, Bit(TokenList::kBioName), 0, true);
        return;
      case TermKind::kBioLocation:
        EmitPhrase(KeyKind::kBioLocation, term.tokens, Bit(TokenList::kBioLocation), 0, true);
        return;
      case TermKind::kStatusesCount:
        EmitRange(term, kStatuses);
        return;
      case TermKind::kFollowersCount:
        EmitRange(term, kFollowers);
        return;
      case TermKind::kFriendsCount:
        EmitRange(term, kFriends);
        return;
      case TermKind::kListedCount:
        EmitRange(term, kListed);
        return;
      case TermKind::kSample:
        Emit({.op = Op::kSample, .value = static_cast<uint64_t>(std::get<int64_t>(term.value))});
        return;
      case TermKind::kSource:
        EmitPhraseOrEquals(term, KeyKind::kSource, TokenList::kSource, kSourceUrlField);
        return;
      case TermKind::kPlace:
        EmitPhraseOrEquals(term, KeyKind::kPlace, TokenList::kPlace, kPlaceIdField);
        return;
      case TermKind::kPlaceCountry:
        EmitEqualsText(kPlaceCountryField, FoldValue(term.text));
        return;
      case TermKind::kPointRadius: {
        const PointRadius& c = std::get<PointRadius>(term.value);
        const auto first = static_cast<uint32_t>(p_.geo.size());
        p_.geo.push_back(c.longitude);
        p_.geo.push_back(c.latitude);
        p_.geo.push_back(c.unit == DistanceUnit::kMiles ? c.radius * 1.609344 : c.radius);
        Emit({.op = Op::kPointRadius, .first = first});
        return;
      }
      case TermKind::kBoundingBox: {
        const BoundingBox& b = std::get<BoundingBox>(term.value);
        const auto first = static_cast<uint32_t>(p_.geo.size());
        p_.geo.insert(p_.geo.end(), {b.west, b.south, b.east, b.north});
        Emit({.op = Op::kBoundingBox, .first = first});
        return;
      }
      case TermKind::kHas:
      case TermKind::kIs: {
        const std::optional<MatchFlag> flag = FlagOfTerm(term);
        if (!flag) {
          Emit({.op = Op::kNever});
        } else {
          Emit({.op = Op::kFlag, .field = static_cast<uint8_t>(*flag)});
        }
        return;
      }
    }
  }

  Program& p_;
};

// ---- Evaluation -------------------------------------------------------------------------------

std::string_view TextFieldOf(const PostView& post, uint8_t field) {
  switch (field) {
    case kScreenName:
      return post.user_screen_name;
    case kReplyScreenName:
      return post.in_reply_to_screen_name;
    case kRetweetedScreenName:
      return post.retweeted_screen_name;
    case kLangField:
      return post.lang;
    case kSourceUrlField:
      return post.source_url;
    case kPlaceIdField:
      return post.place_id;
    default:
      return post.place_country;
  }
}

uint64_t IdFieldOf(const PostView& post, uint8_t field) {
  switch (field) {
    case kUserId:
      return post.user_id;
    case kReplyUserId:
      return post.in_reply_to_user_id;
    case kRetweetedUserId:
      return post.retweeted_user_id;
    case kReplyStatusId:
      return post.in_reply_to_status_id;
    default:
      return post.retweeted_status_id;
  }
}

int64_t CountFieldOf(const PostView& post, uint8_t field) {
  switch (field) {
    case kStatuses:
      return post.statuses_count;
    case kFollowers:
      return post.followers_count;
    case kFriends:
      return post.friends_count;
    default:
      return post.listed_count;
  }
}

bool FlagOf(const PostView& post, uint8_t flag) {
  switch (static_cast<MatchFlag>(flag)) {
    case MatchFlag::kIsRetweet:
      return post.is_retweet;
    case MatchFlag::kIsReply:
      return post.is_reply;
    case MatchFlag::kIsQuote:
      return post.is_quote;
    case MatchFlag::kIsVerified:
      return post.verified;
    case MatchFlag::kHasGeo:
      return post.has_geo;
    case MatchFlag::kHasLinks:
      return post.has_links;
    case MatchFlag::kHasMentions:
      return !post.mentions.empty();
    case MatchFlag::kHasHashtags:
      return !post.hashtags.empty();
    case MatchFlag::kHasMedia:
      return post.has_media;
    case MatchFlag::kHasImages:
      return post.has_images;
    case MatchFlag::kHasVideos:
      return post.has_videos;
    case MatchFlag::kHasSymbols:
      return !post.cashtags.empty();
    case MatchFlag::kHasLang:
      return post.has_lang;
  }
  return false;
}

// Does `want` (key ids, gap `gap`) occur in `seq`? reach[p] marks positions where the first j
// tokens can end; a break (-1) resets nothing explicitly because no token id is -1 and a window
// never crosses one (checked below).
bool PhraseInList(std::span<const int32_t> seq, const int32_t* want, size_t n, int gap,
                  std::vector<uint8_t>& reach) {
  if (seq.size() < n) return false;
  if (gap == 0) {
    for (size_t start = 0; start + n <= seq.size(); ++start) {
      size_t j = 0;
      while (j < n && seq[start + j] == want[j]) ++j;
      if (j == n) return true;
    }
    return false;
  }
  reach.assign(seq.size(), 0);
  bool any = false;
  for (size_t p = 0; p < seq.size(); ++p) {
    if (seq[p] == want[0]) reach[p] = 1, any = true;
  }
  for (size_t j = 1; j < n && any; ++j) {
    // next[p]: seq[p] == want[j] and some q in [p-gap-1, p-1] with reach[q], no break between.
    any = false;
    int last_reach = -1000000;  // most recent reaching position in the current segment
    for (size_t p = 0; p < seq.size(); ++p) {
      const bool was = reach[p] != 0;
      if (seq[p] < 0) {
        last_reach = -1000000;
        reach[p] = 0;
        continue;
      }
      const bool now = seq[p] == want[j] && static_cast<int>(p) - last_reach - 1 <= gap;
      if (was) last_reach = static_cast<int>(p);
      reach[p] = now ? 1 : 0;
      any = any || now;
    }
  }
  return any;
}

bool PointInCircle(const double* c, double lon, double lat) {
  constexpr double kRad = 3.14159265358979323846 / 180.0;
  const double sin_dlat = std::sin((lat - c[1]) * kRad / 2);
  const double sin_dlon = std::sin((lon - c[0]) * kRad / 2);
  const double a =
      sin_dlat * sin_dlat + std::cos(c[1] * kRad) * std::cos(lat * kRad) * sin_dlon * sin_dlon;
  return 2 * 6371.0088 * std::asin(std::min(1.0, std::sqrt(a))) <= c[2];
}

bool PointInBox(const double* b, double lon, double lat) {
  return b[0] <= lon && lon <= b[2] && b[1] <= lat && lat <= b[3];
}

// Out of line: its buffers would otherwise enlarge every Eval frame.
[[gnu::noinline]] bool PhraseMatches(const ProgramView& p, const Program::Instr& in,
                                     const PostKeys& keys, std::vector<uint8_t>& buffer) {
  int32_t small[32];
  std::vector<int32_t> large;  // phrases this long are rare
  const size_t n = in.count;
  int32_t* want = small;
  if (n > std::size(small)) {
    large.resize(n);
    want = large.data();
  }
  for (size_t i = 0; i < n; ++i) {
    const Program::KeyRef& k = p.keys[in.first + i];
    want[i] = keys.FindText(k.kind, k.hash, {p.text + k.text_offset, k.text_length});
    if (want[i] < 0) return false;
  }
  for (int list = 0; list < kTokenListCount; ++list) {
    if ((in.field & (1u << list)) == 0) continue;
    if (PhraseInList(keys.list(static_cast<TokenList>(list)), want, n, static_cast<int>(in.value),
                     buffer)) {
      return true;
    }
  }
  return false;
}

bool Eval(const ProgramView& p, size_t at, const PostView& post, const PostKeys& keys,
          std::vector<uint8_t>& buffer) {
  const Program::Instr& in = p.code[at];
  switch (in.op) {
    case Op::kAnd:
      for (size_t c = at + 1; c < in.end; c = p.code[c].end) {
        if (!Eval(p, c, post, keys, buffer)) return false;
      }
      return true;
    case Op::kOr:
      for (size_t c = at + 1; c < in.end; c = p.code[c].end) {
        if (Eval(p, c, post, keys, buffer)) return true;
      }
      return false;
    case Op::kNot:
      return !Eval(p, at + 1, post, keys, buffer);
    case Op::kNever:
      return false;
    case Op::kHasKey:
      return keys.FindText(in.kind, in.value, in.Text(p.text)) >= 0;
    case Op::kPhrase:
      return PhraseMatches(p, in, keys, buffer);
    case Op::kEqualsText: {
      const std::string_view field = TextFieldOf(post, in.field);
      return !field.empty() && field == in.Text(p.text);
    }
    case Op::kEqualsId: {
      const uint64_t id = IdFieldOf(post, in.field);
      return id != 0 && id == in.value;
    }
    case Op::kRange: {
      const int64_t n = CountFieldOf(post, in.field);
      return n >= static_cast<int64_t>(in.value) && n <= in.value2;
    }
    case Op::kSample:
      return static_cast<uint64_t>(SampleBucket(post.id)) < in.value;
    case Op::kPointRadius: {
      if (post.is_retweet) return false;
      const double* c = p.geo + in.first;
      if (post.point && PointInCircle(c, post.point->longitude, post.point->latitude)) return true;
      if (!post.place_box) return false;
      const GeoBox& b = *post.place_box;
      return PointInCircle(c, b.west, b.south) && PointInCircle(c, b.east, b.north) &&
             PointInCircle(c, b.west, b.north) && PointInCircle(c, b.east, b.south);
    }
    case Op::kBoundingBox: {
      if (post.is_retweet) return false;
      const double* box = p.geo + in.first;
      if (post.point && PointInBox(box, post.point->longitude, post.point->latitude)) return true;
      if (!post.place_box) return false;
      const GeoBox& b = *post.place_box;
      return PointInBox(box, b.west, b.south) && PointInBox(box, b.east, b.north);
    }
    case Op::kFlag:
      return FlagOf(post, in.field);
  }
  return false;
}

}  // namespace

bool EvaluateProgram(const ProgramView& program, const PostView& post, const PostKeys& keys_of_post,
                     std::vector<uint8_t>& buffer) {
  return Eval(program, 0, post, keys_of_post, buffer);
}

void EvaluateAll(const ProgramView& arena, std::span<const ProgramRef> programs,
                 const PostView& post, const PostKeys& keys_of_post, std::vector<uint8_t>& buffer,
                 std::vector<uint32_t>& matched) {
  size_t n = matched.size();
  matched.resize(n + programs.size());
  for (const ProgramRef& ref : programs) {
    const Program::Instr& in = arena.code[ref.code];
    matched[n] = ref.rule;
    if (in.op == Op::kRange && in.end == 1) {
      // Whether a count is in range is a coin toss per rule: no branch to mispredict.
      const int64_t count = CountFieldOf(post, in.field);
      n += static_cast<size_t>((count >= static_cast<int64_t>(in.value)) & (count <= in.value2));
    } else {
      const ProgramView view{arena.code + ref.code, arena.keys, arena.geo, arena.text};
      n += static_cast<size_t>(Eval(view, 0, post, keys_of_post, buffer));
    }
  }
  matched.resize(n);
}

CompiledRule::Program::FirstIn CompiledRule::Program::FirstOf(Op op) {
  switch (op) {
    case Op::kHasKey:
    case Op::kEqualsText:
      return FirstIn::kText;
    case Op::kPhrase:
      return FirstIn::kKeys;
    case Op::kPointRadius:
    case Op::kBoundingBox:
      return FirstIn::kGeo;
    default:
      return FirstIn::kNothing;
  }
}

void CompiledRule::Program::LearnedAnchors(const Rule& rule, const KeyFrequencyTable& table,
                                           std::vector<FilteredAnchor>& out) const {
  std::shared_ptr<const Learned> learned = learned_.load(std::memory_order_acquire);
  if (!learned || learned->table != &table) {
    // Two threads may both choose; either result is this table's choice.
    learned = std::make_shared<const Learned>(
        Learned{&table, RuleFilteredAnchors(rule, &table).value_or(anchors)});
    learned_.store(learned, std::memory_order_release);
  }
  out.assign(learned->anchors.begin(), learned->anchors.end());  // `learned` may be replaced
}

size_t CompiledRule::Program::MemoryBytes() const {
  const std::shared_ptr<const Learned> learned = learned_.load(std::memory_order_acquire);
  size_t bytes =
      sizeof(*this) + code.capacity() * sizeof(Instr) + keys.capacity() * sizeof(KeyRef) +
      geo.capacity() * sizeof(double) + (text.capacity() > 15 ? text.capacity() + 1 : 0) +
      anchors.capacity() * sizeof(FilteredAnchor) + literals.capacity() * sizeof(MatchLiteral) +
      (learned ? sizeof(Learned) + 32 + learned->anchors.capacity() * sizeof(FilteredAnchor) : 0);
  for (const MatchLiteral& l : literals)
    bytes += l.text.capacity() > 15 ? l.text.capacity() + 1 : 0;
  return bytes;
}

std::unique_ptr<CompiledRule::Program> CompileProgram(const Rule& rule) {
  auto program = std::make_unique<Program>();
  Compiler(*program).CompileNode(rule.root);
  std::optional<std::vector<FilteredAnchor>> anchors = RuleFilteredAnchors(rule);
  if (anchors) {
    program->anchored = true;
    program->anchors = std::move(*anchors);
  }
  program->code.shrink_to_fit();
  program->keys.shrink_to_fit();
  program->text.shrink_to_fit();
  return program;
}

}  // namespace sluice::rules
