#include "ingest/generator_text.h"

namespace sluice {
namespace {

// Per-token probabilities, as thresholds on 24 random bits.
constexpr uint32_t Per24(double p) { return static_cast<uint32_t>(p * (1u << 24)); }
constexpr uint32_t kHashtagBelow = Per24(0.015);
constexpr uint32_t kMentionBelow = kHashtagBelow + Per24(0.010);
constexpr uint32_t kEmojiBelow = kMentionBelow + Per24(0.025);
constexpr uint32_t kNewlineBelow = kEmojiBelow + Per24(0.008);
constexpr uint32_t kQuotedBelow = kNewlineBelow + Per24(0.005);
constexpr uint32_t kCashtagBelow = kQuotedBelow + Per24(0.0003);
constexpr uint32_t kEnglishCashtagBelow = kQuotedBelow + Per24(0.0015);  // finance is English

constexpr uint64_t kLinkShare = ProbabilityThreshold(0.16);
constexpr uint64_t kMediaShare = ProbabilityThreshold(0.12);
constexpr uint64_t kTrailingHashtagsShare = ProbabilityThreshold(0.10);
constexpr uint64_t kTrailingEmojiShare = ProbabilityThreshold(0.12);

// Appends tokens to a ComposedText while keeping it within a code point limit.
class TextBuilder {
 public:
  TextBuilder(ComposedText& out, bool spaced, uint32_t limit)
      : out_(out), spaced_(spaced), limit_(limit) {}

  // Appends prefix + body + suffix as one token of `code_points`; returns the code point where
  // it starts, or -1 (and appends nothing) when it would not fit.
  int64_t Append(std::string_view prefix, std::string_view body, std::string_view suffix,
                 uint32_t code_points, bool entity) {
    const bool space =
        out_.code_points > 0 && !after_newline_ && (spaced_ || entity || previous_entity_);
    if (out_.code_points + space + code_points > limit_) return -1;
    if (space) out_.bytes += ' ';
    const uint32_t begin = out_.code_points + space;
    out_.bytes += prefix;
    out_.bytes += body;
    out_.bytes += suffix;
    out_.code_points = begin + code_points;
    out_.boundaries.push_back({static_cast<uint32_t>(out_.bytes.size()), out_.code_points});
    previous_entity_ = entity;
    after_newline_ = false;
    return begin;
  }

  // Append() for the most common token, a plain word; returns false when it does not fit.
  [[gnu::always_inline]] bool AppendWord(std::string_view word, uint32_t code_points) {
    const bool space = out_.code_points > 0 && !after_newline_ && (spaced_ || previous_entity_);
    if (out_.code_points + space + code_points > limit_) return false;
    if (space) out_.bytes += ' ';
    out_.bytes += word;
    out_.code_points += space + code_points;
    out_.boundaries.push_back({static_cast<uint32_t>(out_.bytes.size()), out_.code_points});
    previous_entity_ = false;
    after_newline_ = false;
    return true;
  }

  // Punctuation sticks to the previous token: no space, no new boundary.
  void Attach(const EscapedText& mark, bool ascii) {
    if (out_.code_points + mark.code_points > limit_) return;
    out_.bytes += mark.Get(ascii);
    out_.code_points += mark.code_points;
    out_.boundaries.back() = {static_cast<uint32_t>(out_.bytes.size()), out_.code_points};
  }

  void Newline() {
    if (out_.code_points == 0 || after_newline_ || out_.code_points + 1 > limit_) return;
    out_.bytes += "\\n";  // a line break inside the text, escaped as JSON requires
    out_.code_points += 1;
    after_newline_ = true;
  }

  void AddEntity(EntityKind kind, int64_t begin, uint64_t value) {
    if (begin < 0) return;
    out_.entities.push_back({kind, static_cast<uint32_t>(begin), out_.code_points, value});
  }

  void set_limit(uint32_t limit) { limit_ = limit; }

 private:
  ComposedText& out_;
  const bool spaced_;
  uint32_t limit_;
  bool previous_entity_ = false;
  bool after_newline_ = false;
};

uint32_t TargetLength(Rng& rng) {
  const uint32_t bucket = rng.Below(100);
  if (bucket < 36) return static_cast<uint32_t>(rng.Between(8, 60));
  if (bucket < 76) return static_cast<uint32_t>(rng.Between(60, 140));
  return static_cast<uint32_t>(rng.Between(141, 270));  // "extended" posts
}

MediaKind SampleMediaKind(Rng& rng) {
  const uint32_t r = rng.Below(100);
  return r < 70 ? MediaKind::kPhoto : r < 92 ? MediaKind::kVideo : MediaKind::kAnimatedGif;
}

}  // namespace

void ComposedText::Clear(Language new_language, bool new_ascii) {
  language = new_language;
  ascii = new_ascii;
  bytes.clear();
  code_points = display_begin = display_end = 0;
  has_media = false;
  entities.clear();
  boundaries.clear();
}

void TextComposer::Compose(const Options& options, Rng& rng, ComposedText& out) const {
  const LanguageCatalog& catalog = world_.catalog(options.language);
  const bool ascii = options.ascii;
  out.Clear(options.language, ascii);
  const bool has_link = rng.Chance(kLinkShare);
  out.has_media = options.allow_media && rng.Chance(kMediaShare);
  const uint32_t reserved =
      (has_link ? kTcoUrlCodePoints + 1 : 0) + (out.has_media ? kTcoUrlCodePoints + 1 : 0);
  TextBuilder text(out, catalog.spaced, kMaxTextCodePoints - reserved);

  const auto mention = [&](uint32_t user_index) {
    const SyntheticUser& user = world_.users()[user_index];
    text.AddEntity(
        EntityKind::kMention,
        text.Append("@", user.screen_name.utf8, {}, 1 + user.screen_name.code_points, true),
        user_index);
  };
  const auto hashtag = [&] {
    const uint32_t index = catalog.hashtags.Sample(rng);
    const WordTable::Word tag = catalog.hashtags.Get(index, ascii);
    text.AddEntity(EntityKind::kHashtag, text.Append("#", tag.bytes, {}, 1 + tag.code_points, true),
                   index);
  };
  const auto emoji = [&] {
    const EscapedText& e = world_.emoji()[rng.Below(static_cast<uint32_t>(world_.emoji().size()))];
    text.Append({}, e.Get(ascii), {}, e.code_points, true);
  };

  if (options.reply_to != nullptr) {
    const auto user_index = static_cast<uint32_t>(options.reply_to - world_.users().data());
    mention(user_index);
    out.display_begin = out.code_points + 1;
  }

  const uint32_t target = TargetLength(rng);
  const uint32_t cashtag_below =
      options.language == Language::kEn ? kEnglishCashtagBelow : kCashtagBelow;
  // Out of 256: Japanese marks its phrases, the others punctuate now and then.
  const uint32_t punctuation_per_256 = catalog.spaced ? 20 : 64;
  while (out.code_points < target) {
    // One draw decides the token kind (24 bits), punctuation (8) and the vocabulary part (32).
    const uint64_t r = rng.Next();
    const auto kind = static_cast<uint32_t>(r >> 40);
    if (kind < kHashtagBelow) {
      hashtag();
    } else if (kind < kMentionBelow) {
      mention(catalog.users[catalog.popular_table.Sample(rng)]);
    } else if (kind < kEmojiBelow) {
      emoji();
    } else if (kind < kNewlineBelow) {
      text.Newline();
    } else if (kind < kQuotedBelow) {
      const WordTable::Word word = catalog.words.Get(catalog.words.Sample(rng), ascii);
      text.Append("\\\"", word.bytes, "\\\"", word.code_points + 2, false);
    } else if (kind < cashtag_below) {
      const uint32_t index = world_.cashtag_table().Sample(rng);
      const EscapedText& symbol = world_.cashtags()[index];
      text.AddEntity(EntityKind::kCashtag,
                     text.Append("$", symbol.utf8, {}, 1 + symbol.code_points, true), index);
    } else {
      const WordTable::Word word =
          catalog.words.Get(catalog.words.Sample(static_cast<uint32_t>(r), rng.Next()), ascii);
      if (!text.AppendWord(word.bytes, word.code_points)) break;
      if (((r >> 32) & 0xff) < punctuation_per_256) {
        text.Attach(
            catalog.punctuation[rng.Below(static_cast<uint32_t>(catalog.punctuation.size()))],
            ascii);
      }
      continue;
    }
    if (out.code_points >= kMaxTextCodePoints - reserved) break;
  }
  if (rng.Chance(kTrailingHashtagsShare)) {
    for (uint32_t n = 1 + rng.Below(3); n > 0; --n) hashtag();
  }
  if (rng.Chance(kTrailingEmojiShare)) emoji();

  text.set_limit(kMaxTextCodePoints);
  if (has_link) {
    const uint64_t bits = rng.Next();
    char url[kTcoUrlLength];
    text.AddEntity(EntityKind::kUrl,
                   text.Append({}, FormatTcoUrl(bits, url), {}, kTcoUrlCodePoints, true), bits);
  }
  out.display_end = out.code_points;
  if (out.has_media) {
    out.media_kind = SampleMediaKind(rng);
    const uint64_t bits = rng.Next();
    char url[kTcoUrlLength];
    text.AddEntity(EntityKind::kMedia,
                   text.Append({}, FormatTcoUrl(bits, url), {}, kTcoUrlCodePoints, true), bits);
  }
}

void TextComposer::ComposeRetweet(const ComposedText& original, uint32_t original_user,
                                  ComposedText& out) const {
  out.Clear(original.language, original.ascii);
  const EscapedText& screen_name = world_.users()[original_user].screen_name;
  out.bytes += "RT @";
  out.bytes += screen_name.utf8;
  out.bytes += ": ";
  out.entities.push_back({EntityKind::kMention, 3, 4 + screen_name.code_points, original_user});
  const uint32_t shift = 4 + screen_name.code_points + 2;

  auto kept_bytes = static_cast<uint32_t>(original.bytes.size());
  uint32_t kept_code_points = original.code_points;
  const bool cut = shift + original.code_points > kCompatTextCodePoints;
  if (cut) {  // the longest prefix that fits with its "…"
    kept_bytes = kept_code_points = 0;
    for (const ComposedText::Boundary& b : original.boundaries) {
      if (shift + b.code_points + 1 > kCompatTextCodePoints) break;
      kept_bytes = b.bytes;
      kept_code_points = b.code_points;
    }
  }
  out.bytes += original.bytes.view().substr(0, kept_bytes);
  for (const TextEntity& e : original.entities) {
    if (e.end > kept_code_points) break;
    out.entities.push_back({e.kind, e.begin + shift, e.end + shift, e.value});
    if (e.kind == EntityKind::kMedia) {
      out.has_media = true;
      out.media_kind = original.media_kind;
      out.media_status_id = original.media_status_id;
      out.media_user = original.media_user;
    }
  }
  for (const ComposedText::Boundary& b : original.boundaries) {
    if (b.code_points > kept_code_points) break;
    out.boundaries.push_back(
        {b.bytes + static_cast<uint32_t>(out.bytes.size()) - kept_bytes, b.code_points + shift});
  }
  out.code_points = shift + kept_code_points;
  if (cut) {
    out.bytes += original.ascii ? "\\u2026" : "…";
    out.code_points += 1;
  }
  out.display_end = out.code_points;
}

void TextComposer::ComposeTruncated(const ComposedText& full, uint64_t status_id,
                                    ComposedText& out) const {
  out.Clear(full.language, full.ascii);
  // Room for the kept start, "…", a space and the link.
  const uint32_t room = kCompatTextCodePoints - 2 - kTcoUrlCodePoints;
  uint32_t kept_bytes = 0, kept_code_points = 0;
  for (const ComposedText::Boundary& b : full.boundaries) {
    if (b.code_points > room) break;
    kept_bytes = b.bytes;
    kept_code_points = b.code_points;
    out.boundaries.push_back(b);
  }
  out.bytes += full.bytes.view().substr(0, kept_bytes);
  for (const TextEntity& e : full.entities) {
    if (e.end > kept_code_points) break;
    out.entities.push_back(e);
  }
  out.bytes += full.ascii ? "\\u2026 " : "… ";
  char url[kTcoUrlLength];
  out.bytes += FormatTcoUrl(StatusLinkBits(status_id), url);
  const uint32_t link_begin = kept_code_points + 2;
  out.entities.push_back(
      {EntityKind::kStatusLink, link_begin, link_begin + kTcoUrlCodePoints, status_id});
  out.code_points = link_begin + kTcoUrlCodePoints;
  out.display_begin = full.display_begin;
  out.display_end = out.code_points;
}

}  // namespace sluice
