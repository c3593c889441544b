#include "ingest/twitter_time.h"

namespace sluice {
namespace {

constexpr char kWeekdays[] = "ThuFriSatSunMonTueWed";  // 1970-01-01 was a Thursday
constexpr char kMonths[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

void TwoDigits(int value, char* out) {
  out[0] = static_cast<char>('0' + value / 10);
  out[1] = static_cast<char>('0' + value % 10);
}

}  // namespace

void FormatTwitterTime(int64_t unix_ms, char* out) {
  const int64_t seconds = FloorDiv(unix_ms, 1000);
  const int64_t days = FloorDiv(seconds, 86400);
  const int second_of_day = static_cast<int>(seconds - days * 86400);

  // Civil date from days since the epoch (H. Hinnant's days_from_civil, inverted); avoids the
  // locale and time zone machinery of strftime on the generator's hot path.
  const int64_t z = days + 719468;
  const int64_t era = FloorDiv(z, 146097);
  const int64_t day_of_era = z - era * 146097;
  const int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t mp = (5 * day_of_year + 2) / 153;
  const int day = static_cast<int>(day_of_year - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);  // 1..12
  const int year = static_cast<int>(year_of_era + era * 400 + (month <= 2));
  const int weekday = static_cast<int>(days - FloorDiv(days, 7) * 7);

  // "Mon Nov 23 00:46:19 +0000 2026"
  for (int i = 0; i < 3; ++i) out[i] = kWeekdays[3 * weekday + i];
  out[3] = ' ';
  for (int i = 0; i < 3; ++i) out[4 + i] = kMonths[3 * (month - 1) + i];
  out[7] = ' ';
  TwoDigits(day, out + 8);
  out[10] = ' ';
  TwoDigits(second_of_day / 3600, out + 11);
  out[13] = ':';
  TwoDigits(second_of_day / 60 % 60, out + 14);
  out[16] = ':';
  TwoDigits(second_of_day % 60, out + 17);
  const char zone[] = " +0000 ";
  for (int i = 0; i < 7; ++i) out[19 + i] = zone[i];
  TwoDigits(year / 100, out + 26);
  TwoDigits(year % 100, out + 28);
}

std::string FormatTwitterTime(int64_t unix_ms) {
  std::string text(kTwitterTimeLength, ' ');
  FormatTwitterTime(unix_ms, text.data());
  return text;
}

}  // namespace sluice
