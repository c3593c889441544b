#include "rules/rule_term_builder.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <utility>

#include "post/text_tokens.h"
#include "rules/rule_parser.h"

namespace sluice::rules {
namespace {

constexpr std::array kOperators = {
    TermKind::kContains,
    TermKind::kHashtag,
    TermKind::kMention,
    TermKind::kCashtag,
    TermKind::kFrom,
    TermKind::kTo,
    TermKind::kRetweetsOf,
    TermKind::kInReplyToStatusId,
    TermKind::kRetweetsOfStatusId,
    TermKind::kUrl,
    TermKind::kUrlContains,
    TermKind::kLang,
    TermKind::kBio,
    TermKind::kBioName,
    TermKind::kBioLocation,
    TermKind::kStatusesCount,
    TermKind::kFollowersCount,
    TermKind::kFriendsCount,
    TermKind::kListedCount,
    TermKind::kSample,
    TermKind::kSource,
    TermKind::kPlace,
    TermKind::kPlaceCountry,
    TermKind::kPointRadius,
    TermKind::kBoundingBox,
    TermKind::kHas,
    TermKind::kIs,
};

constexpr std::array<std::string_view, 9> kHasValues = {
    "geo", "links", "mentions", "hashtags", "media", "images", "videos", "symbols", "lang"};
constexpr std::array<std::string_view, 4> kIsValues = {"retweet", "reply", "quote", "verified"};

// Miles per degree of latitude; longitude degrees shrink with cos(latitude).
constexpr double kMilesPerDegree = 69.0;
constexpr double kMaxRadiusMiles = 25.0;
constexpr double kMaxRadiusKilometres = 40.0;
constexpr double kMaxBoxSideMiles = 25.0;

bool ParseInt(std::string_view s, int64_t* out) {
  if (s.empty() || s.front() == '-' || s.front() == '+') return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

bool ParseDouble(std::string_view s, double* out) {
  if (s.empty() || s.front() == '+') return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size() && std::isfinite(*out);
}

std::vector<std::string_view> SplitSpaces(std::string_view s) {
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    const size_t start = i;
    while (i < s.size() && s[i] != ' ') ++i;
    if (i > start) parts.push_back(s.substr(start, i - start));
  }
  return parts;
}

bool IsScreenName(std::string_view s) {
  if (s.empty() || s.size() > 15) return false;
  for (char c : s) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

bool IsLetters(std::string_view s, bool allow_dash) {
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (allow_dash && c == '-');
    if (!ok) return false;
  }
  return !s.empty();
}

class TermBuilder {
 public:
  TermBuilder(const RuleToken& token, std::string_view rule_text)
      : token_(token), rule_text_(rule_text) {}

  Result<Term> Build() {
    if (token_.kind == RuleTokenKind::kWord) {
      term_.kind = TermKind::kKeyword;
      term_.text = token_.text;
      term_.tokens = TokenizeForMatch(term_.text);
      return std::move(term_);
    }
    if (token_.kind == RuleTokenKind::kQuoted) return BuildPhrase();
    bool known = false;
    for (TermKind kind : kOperators) {
      if (TermPrefix(kind) == token_.op) {
        term_.kind = kind;
        known = true;
      }
    }
    if (!known) return Error("Reference to invalid operator '" + token_.op + "'");
    if (token_.text.empty()) return Error("Operator '" + token_.op + "' requires a value");
    term_.text = token_.text;
    SLUICE_RETURN_IF_ERROR(ValidateValue());
    return std::move(term_);
  }

 private:
  Status Error(std::string message) const {
    return Status::InvalidArgument(message + AtPosition(rule_text_, token_.offset));
  }
  Status BadValue(std::string_view why) const {
    return Error(token_.op + " invalid value '" + token_.text + "': " + std::string(why));
  }

  Result<Term> BuildPhrase() {
    term_.text = token_.text;
    term_.tokens = TokenizeForMatch(term_.text);
    if (term_.tokens.empty()) return Error("Quoted phrase must contain at least one word");
    if (token_.proximity < 0) {
      term_.kind = TermKind::kPhrase;
      return std::move(term_);
    }
    term_.kind = TermKind::kProximity;
    if (token_.proximity < 1 || token_.proximity > kMaxProximity) {
      return Error("Proximity distance must be between 1 and 6, got " +
                   std::to_string(token_.proximity));
    }
    term_.proximity = token_.proximity;
    return std::move(term_);
  }

  Status ValidateValue() {
    const std::string& v = token_.text;
    switch (term_.kind) {
      case TermKind::kHashtag:
      case TermKind::kMention:
      case TermKind::kCashtag:
      case TermKind::kContains:
        term_.tokens = {FoldCase(v)};
        return Status::Ok();
      case TermKind::kFrom:
      case TermKind::kTo:
      case TermKind::kRetweetsOf: {
        int64_t id = 0;
        if (ParseInt(v, &id)) {
          term_.value = id;
          return Status::Ok();
        }
        if (!IsScreenName(v)) return BadValue("expected a user id or a screen name");
        return Status::Ok();
      }
      case TermKind::kInReplyToStatusId:
      case TermKind::kRetweetsOfStatusId: {
        int64_t id = 0;
        if (!ParseInt(v, &id)) return BadValue("expected a numeric status id");
        term_.value = id;
        return Status::Ok();
      }
      case TermKind::kLang:
        if (!IsLetters(v, true) || v.size() > 8) return BadValue("expected a language code");
        return Status::Ok();
      case TermKind::kPlaceCountry:
        if (!IsLetters(v, false) || v.size() != 2) return BadValue("expected an ISO country code");
        return Status::Ok();
      case TermKind::kBio:
      case TermKind::kBioName:
      case TermKind::kBioLocation:
        term_.tokens = TokenizeForMatch(v);
        return Status::Ok();
      case TermKind::kStatusesCount:
      case TermKind::kFollowersCount:
      case TermKind::kFriendsCount:
      case TermKind::kListedCount:
        return ValidateCount();
      case TermKind::kSample: {
        int64_t n = 0;
        if (!ParseInt(v, &n) || n < 1 || n > 100) {
          return BadValue("expected an integer from 1 to 100");
        }
        term_.value = n;
        return Status::Ok();
      }
      case TermKind::kPointRadius:
        return ValidatePointRadius();
      case TermKind::kBoundingBox:
        return ValidateBoundingBox();
      case TermKind::kHas:
        for (std::string_view name : kHasValues) {
          if (v == name) return Status::Ok();
        }
        return BadValue(
            "expected one of geo, links, mentions, hashtags, media, images, videos, "
            "symbols, lang");
      case TermKind::kIs:
        for (std::string_view name : kIsValues) {
          if (v == name) return Status::Ok();
        }
        return BadValue("expected one of retweet, reply, quote, verified");
      default:  // url:, url_contains:, source:, place: take any text
        return Status::Ok();
    }
  }

  Status ValidateCount() {
    const std::string_view v = token_.text;
    const std::string name(token_.op);
    CountRange range;
    const size_t dots = v.find("..");
    if (dots == std::string_view::npos) {
      if (!ParseInt(v, &range.min)) return Error(name + " invalid value " + token_.text);
    } else {
      int64_t max = 0;
      if (!ParseInt(v.substr(0, dots), &range.min) || !ParseInt(v.substr(dots + 2), &max) ||
          range.min > max) {
        return Error(name + " invalid range " + token_.text);
      }
      range.max = max;
    }
    term_.value = range;
    return Status::Ok();
  }

  // "[a b c ...]" → the space-separated fields.
  Result<std::vector<std::string_view>> BracketFields(size_t expected) const {
    const std::string_view v = token_.text;
    if (v.size() < 2 || v.front() != '[' || v.back() != ']') {
      return BadValue("expected [" + std::to_string(expected) + " space-separated values]");
    }
    std::vector<std::string_view> fields = SplitSpaces(v.substr(1, v.size() - 2));
    if (fields.size() != expected) {
      return BadValue("expected " + std::to_string(expected) + " space-separated values");
    }
    return fields;
  }

  Status ValidatePointRadius() {
    Result<std::vector<std::string_view>> fields = BracketFields(3);
    if (!fields.ok()) return fields.status();
    PointRadius p;
    std::string_view radius = (*fields)[2];
    if (radius.ends_with("mi")) {
      p.unit = DistanceUnit::kMiles;
    } else if (radius.ends_with("km")) {
      p.unit = DistanceUnit::kKilometres;
    } else {
      return BadValue("radius needs a unit, mi or km");
    }
    radius.remove_suffix(2);
    if (!ParseDouble((*fields)[0], &p.longitude) || !ParseDouble((*fields)[1], &p.latitude) ||
        !ParseDouble(radius, &p.radius)) {
      return BadValue("expected numbers");
    }
    if (p.longitude < -180 || p.longitude > 180) return BadValue("longitude out of -180..180");
    if (p.latitude < -90 || p.latitude > 90) return BadValue("latitude out of -90..90");
    const double max = p.unit == DistanceUnit::kMiles ? kMaxRadiusMiles : kMaxRadiusKilometres;
    if (p.radius <= 0 || p.radius > max) return BadValue("radius must be > 0 and <= 25mi/40km");
    term_.value = p;
    return Status::Ok();
  }

  Status ValidateBoundingBox() {
    Result<std::vector<std::string_view>> fields = BracketFields(4);
    if (!fields.ok()) return fields.status();
    BoundingBox b;
    if (!ParseDouble((*fields)[0], &b.west) || !ParseDouble((*fields)[1], &b.south) ||
        !ParseDouble((*fields)[2], &b.east) || !ParseDouble((*fields)[3], &b.north)) {
      return BadValue("expected numbers");
    }
    if (b.west < -180 || b.east > 180) return BadValue("longitude out of -180..180");
    if (b.south < -90 || b.north > 90) return BadValue("latitude out of -90..90");
    if (b.west >= b.east || b.south >= b.north) return BadValue("need west < east, south < north");
    const double height = (b.north - b.south) * kMilesPerDegree;
    const bool spans_equator = b.south < 0 && b.north > 0;
    const double widest_latitude =
        spans_equator ? 0.0 : std::min(std::abs(b.south), std::abs(b.north));
    const double width = (b.east - b.west) * kMilesPerDegree *
                         std::cos(widest_latitude * 3.14159265358979323846 / 180.0);
    if (height > kMaxBoxSideMiles || width > kMaxBoxSideMiles) {
      return BadValue("each side must be at most 25 miles");
    }
    term_.value = b;
    return Status::Ok();
  }

  const RuleToken& token_;
  std::string_view rule_text_;
  Term term_;
};

}  // namespace

Result<Term> BuildTerm(const RuleToken& token, std::string_view rule_text) {
  return TermBuilder(token, rule_text).Build();
}

}  // namespace sluice::rules
