#include "support/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace sluice::bench {
namespace {

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string JsonNumber(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

}  // namespace

double Sample::Get(const std::string& key) const {
  for (const Value& v : values_) {
    if (v.key == key) return v.number;
  }
  return 0;
}

Sample Median(const std::vector<Sample>& runs) {
  Sample median;
  if (runs.empty()) return median;
  for (const Value& first : runs.front().values()) {
    if (!first.text.empty()) {
      for (const Value& v : runs.back().values()) {
        if (v.key == first.key) median.AddText(v.key, v.text);
      }
      continue;
    }
    std::vector<double> numbers;
    for (const Sample& run : runs) numbers.push_back(run.Get(first.key));
    std::sort(numbers.begin(), numbers.end());
    const size_t n = numbers.size();
    median.Add(first.key, n % 2 ? numbers[n / 2] : (numbers[n / 2 - 1] + numbers[n / 2]) / 2);
  }
  return median;
}

std::string JsonLine(const std::string& figure, const std::string& run, const Sample& sample) {
  std::string line = "{\"figure\":" + JsonString(figure) + ",\"run\":" + JsonString(run);
  for (const Value& v : sample.values()) {
    line += ',';
    line += JsonString(v.key);
    line += ':';
    line += v.text.empty() ? JsonNumber(v.number) : JsonString(v.text);
  }
  return line + "}";
}

}  // namespace sluice::bench
