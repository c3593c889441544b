#include "consumer/coverage.h"

#include <charconv>
#include <cstdint>
#include <vector>

namespace sluice::consumer {

namespace {

constexpr std::string_view kOriginKey = "origin";
constexpr std::string_view kNoOrigin = "none";
constexpr std::string_view kCoveredKey = "covered";
constexpr std::string_view kLostKey = "lost";
constexpr std::string_view kEndKey = "end";

Status CorruptAt(size_t line_number, std::string_view what) {
  return Status::Corruption("coverage checkpoint line " + std::to_string(line_number) + ": " +
                            std::string(what));
}

bool ParseInt(std::string_view text, int64_t& value) {
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  const auto [ptr, error] = std::from_chars(text.data(), end, value);
  return error == std::errc() && ptr == end;
}

// Splits "key a b" into at most four space-separated words; false if there are more.
bool SplitWords(std::string_view line, std::vector<std::string_view>& words) {
  words.clear();
  size_t start = 0;
  while (start <= line.size()) {
    const size_t space = line.find(' ', start);
    const size_t end = space == std::string_view::npos ? line.size() : space;
    words.push_back(line.substr(start, end - start));
    if (words.size() > 3) return false;
    if (space == std::string_view::npos) break;
    start = space + 1;
  }
  return true;
}

void AppendIntervals(std::string& out, std::string_view key, const IntervalSet& set) {
  for (const TimeInterval& interval : set.intervals()) {
    out.append(key).append(" ");
    out.append(std::to_string(interval.begin_ms)).append(" ");
    out.append(std::to_string(interval.end_ms)).append("\n");
  }
}

}  // namespace

void Coverage::AddCovered(TimeInterval interval) {
  if (interval.empty()) return;
  if (!origin_ms_ || interval.begin_ms < *origin_ms_) origin_ms_ = interval.begin_ms;
  covered_.Add(interval);
}

void Coverage::AddLost(TimeInterval interval) { lost_.Add(interval); }

std::vector<TimeInterval> Coverage::Gaps(int64_t until_ms) const {
  if (!origin_ms_) return {};
  IntervalSet known = covered_;
  known.Add(lost_);
  return known.HolesIn({*origin_ms_, until_ms});
}

std::string Coverage::ToCheckpoint() const {
  std::string out;
  out.append(kCoverageCheckpointMagic)
      .append(" ")
      .append(std::to_string(kCoverageCheckpointVersion))
      .append("\n");
  out.append(kOriginKey).append(" ");
  out.append(origin_ms_ ? std::to_string(*origin_ms_) : std::string(kNoOrigin)).append("\n");
  AppendIntervals(out, kCoveredKey, covered_);
  AppendIntervals(out, kLostKey, lost_);
  const size_t count = covered_.intervals().size() + lost_.intervals().size();
  out.append(kEndKey).append(" ").append(std::to_string(count)).append("\n");
  return out;
}

Result<Coverage> Coverage::FromCheckpoint(std::string_view text) {
  Coverage coverage;
  std::vector<std::string_view> words;
  size_t line_number = 0;
  bool saw_origin = false;
  bool saw_end = false;
  bool in_lost = false;  // covered lines come first, then lost lines
  int64_t previous_end[2] = {INT64_MIN, INT64_MIN};
  size_t interval_count = 0;

  while (!text.empty()) {
    const size_t newline = text.find('\n');
    // Every line ends in "\n"; a line without one is a torn write.
    if (newline == std::string_view::npos) return CorruptAt(line_number + 1, "line has no end");
    const std::string_view line = text.substr(0, newline);
    text.remove_prefix(newline + 1);
    ++line_number;
    if (saw_end) return CorruptAt(line_number, "text after the end line");
    if (!SplitWords(line, words)) return CorruptAt(line_number, "too many fields");

    if (line_number == 1) {
      int64_t version = 0;
      if (words.size() != 2 || words[0] != kCoverageCheckpointMagic) {
        return CorruptAt(line_number, "not a coverage checkpoint");
      }
      if (!ParseInt(words[1], version) || version != kCoverageCheckpointVersion) {
        return CorruptAt(line_number, "unsupported version '" + std::string(words[1]) + "'");
      }
      continue;
    }
    if (line_number == 2) {
      if (words.size() != 2 || words[0] != kOriginKey) {
        return CorruptAt(line_number, "expected 'origin MS|none'");
      }
      saw_origin = true;
      if (words[1] == kNoOrigin) continue;
      int64_t origin = 0;
      if (!ParseInt(words[1], origin)) return CorruptAt(line_number, "bad origin");
      coverage.origin_ms_ = origin;
      continue;
    }
    if (words[0] == kEndKey) {
      int64_t count = 0;
      if (words.size() != 2 || !ParseInt(words[1], count)) {
        return CorruptAt(line_number, "expected 'end COUNT'");
      }
      if (count < 0 || static_cast<size_t>(count) != interval_count) {
        return CorruptAt(line_number, "end line counts " + std::string(words[1]) +
                                          " intervals, the checkpoint has " +
                                          std::to_string(interval_count));
      }
      saw_end = true;
      continue;
    }
    const bool lost = words[0] == kLostKey;
    if (!lost && words[0] != kCoveredKey) {
      return CorruptAt(line_number, "unknown record '" + std::string(words[0]) + "'");
    }
    if (in_lost && !lost) return CorruptAt(line_number, "covered interval after lost intervals");
    in_lost = lost;
    TimeInterval interval;
    if (words.size() != 3 || !ParseInt(words[1], interval.begin_ms) ||
        !ParseInt(words[2], interval.end_ms)) {
      return CorruptAt(line_number, "expected '" + std::string(words[0]) + " BEGIN_MS END_MS'");
    }
    if (interval.empty()) return CorruptAt(line_number, "empty interval");
    // The writer emits a normalised set; anything else was not written by it.
    if (interval.begin_ms <= previous_end[lost]) {
      return CorruptAt(line_number, "interval not after the previous one");
    }
    previous_end[lost] = interval.end_ms;
    if (lost) {
      coverage.lost_.Add(interval);
    } else {
      if (!coverage.origin_ms_ || interval.begin_ms < *coverage.origin_ms_) {
        return CorruptAt(line_number, "covered interval before the origin");
      }
      coverage.covered_.Add(interval);
    }
    ++interval_count;
  }
  if (line_number == 0) return CorruptAt(1, "empty checkpoint");
  if (!saw_origin) return CorruptAt(line_number + 1, "missing origin line");
  if (!saw_end) return CorruptAt(line_number + 1, "missing end line (truncated checkpoint)");
  return coverage;
}

void Coverage::DropBefore(int64_t ms) {
  covered_.DropBefore(ms);
  lost_.DropBefore(ms);
  if (origin_ms_ && *origin_ms_ < ms) origin_ms_ = ms;
}

}  // namespace sluice::consumer
