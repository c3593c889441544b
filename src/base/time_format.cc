#include "base/time_format.h"

#include <chrono>
#include <cstdio>

namespace sluice {
namespace {

struct Civil {
  int year, month, day, hour, minute, second, millis;
};

Civil ToCivil(int64_t unix_ms) {
  using namespace std::chrono;
  const sys_time<milliseconds> tp{milliseconds{unix_ms}};
  const auto day_point = floor<days>(tp);
  const year_month_day ymd{day_point};
  const hh_mm_ss hms{tp - day_point};
  return Civil{int(ymd.year()),
               int(unsigned(ymd.month())),
               int(unsigned(ymd.day())),
               int(hms.hours().count()),
               int(hms.minutes().count()),
               int(hms.seconds().count()),
               int(hms.subseconds().count())};
}

bool ReadDigits(std::string_view text, size_t& pos, int count, int& out) {
  if (pos + count > text.size()) return false;
  int value = 0;
  for (int i = 0; i < count; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  pos += count;
  out = value;
  return true;
}

bool Expect(std::string_view text, size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

}  // namespace

std::string FormatSentTime(int64_t unix_ms) {
  const Civil c = ToCivil(unix_ms);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d+00:00", c.year, c.month, c.day,
                c.hour, c.minute, c.second);
  return buf;
}

std::string FormatIsoMs(int64_t unix_ms) {
  const Civil c = ToCivil(unix_ms);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", c.year, c.month, c.day,
                c.hour, c.minute, c.second, c.millis);
  return buf;
}

int64_t UtcHourStartMs(int64_t unix_ms) {
  constexpr int64_t kHour = 3'600'000;
  const int64_t rest = unix_ms % kHour;
  return unix_ms - (rest < 0 ? rest + kHour : rest);
}

Result<int64_t> ParseIsoTime(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument("'" + std::string(text.substr(0, 64)) +
                                   "' is not a UTC time of the form YYYY-MM-DDTHH:mm:ssZ (" +
                                   std::string(why) + ")");
  };
  size_t pos = 0;
  int year, month, day, hour, minute, second;
  if (!ReadDigits(text, pos, 4, year) || !Expect(text, pos, '-') ||
      !ReadDigits(text, pos, 2, month) || !Expect(text, pos, '-') ||
      !ReadDigits(text, pos, 2, day)) {
    return bad("bad date");
  }
  if (!Expect(text, pos, 'T') || !ReadDigits(text, pos, 2, hour) || !Expect(text, pos, ':') ||
      !ReadDigits(text, pos, 2, minute) || !Expect(text, pos, ':') ||
      !ReadDigits(text, pos, 2, second)) {
    return bad("bad time of day");
  }
  int millis = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (digits < 3) millis = millis * 10 + (text[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return bad("empty fraction");
    for (int i = digits; i < 3; ++i) millis *= 10;
  }
  if (pos < text.size() && text[pos] == 'Z') {
    ++pos;
  } else if (text.substr(pos) == "+00:00") {
    pos += 6;
  } else {
    return bad("missing Z");
  }
  if (pos != text.size()) return bad("trailing characters");
  using namespace std::chrono;
  const year_month_day ymd{std::chrono::year{year}, std::chrono::month{unsigned(month)},
                           std::chrono::day{unsigned(day)}};
  if (!ymd.ok() || hour > 23 || minute > 59 || second > 60) return bad("no such date or time");
  const sys_days days_point{ymd};
  const int64_t ms = duration_cast<milliseconds>(days_point.time_since_epoch()).count() +
                     ((hour * 60LL + minute) * 60 + second) * 1000 + millis;
  return ms;
}

}  // namespace sluice
