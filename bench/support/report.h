// Figures of one benchmark run as ordered key/value pairs, their medians over runs, and the
// JSON line each is printed as (one object per line, read by bench/run-all with jq).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace sluice::bench {

struct Value {
  std::string key;
  double number = 0;
  std::string text;  // when not empty, the value is this string instead of `number`
};

class Sample {
 public:
  void Add(std::string key, double number) { values_.push_back({std::move(key), number, {}}); }
  void AddText(std::string key, std::string text) {
    values_.push_back({std::move(key), 0, std::move(text)});
  }
  const std::vector<Value>& values() const { return values_; }
  // The number under `key`, or 0.
  double Get(const std::string& key) const;

 private:
  std::vector<Value> values_;
};

// Per key (in the first run's order), the median of the runs' numbers; text values are taken
// from the last run.
Sample Median(const std::vector<Sample>& runs);

// {"figure":"<figure>","run":"<run>",<values>}
std::string JsonLine(const std::string& figure, const std::string& run, const Sample& sample);

}  // namespace sluice::bench
