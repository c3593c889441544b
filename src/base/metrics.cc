#include "base/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace sluice {

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)), buckets_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  std::sort(bounds_.begin(), bounds_.end());
  for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0);
}

void Histogram::Observe(double v) {
  const size_t i = std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin();
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_micro_.fetch_add(static_cast<uint64_t>(std::llround(std::max(v, 0.0) * 1e6)),
                       std::memory_order_relaxed);
}

std::vector<uint64_t> Histogram::BucketCounts() const {
  std::vector<uint64_t> out(bounds_.size() + 1);
  for (size_t i = 0; i < out.size(); ++i) out[i] = buckets_[i].load(std::memory_order_relaxed);
  return out;
}

double Histogram::sum() const { return sum_micro_.load(std::memory_order_relaxed) / 1e6; }

std::string PrometheusLabels(const std::vector<std::pair<std::string, std::string>>& labels) {
  std::string out;
  for (const auto& [key, value] : labels) {
    if (!out.empty()) out += ',';
    out += key;
    out += "=\"";
    for (char c : value) {
      if (c == '\\' || c == '"') out += '\\';
      if (c == '\n') {
        out += "\\n";
        continue;
      }
      out += c;
    }
    out += '"';
  }
  return out;
}

Counter* MetricsRegistry::AddCounter(const std::string& name, const std::string& help,
                                     const std::string& labels) {
  std::lock_guard lock(mu_);
  auto& family =
      families_.try_emplace(name, Family{Type::kCounter, help, {}, {}, {}}).first->second;
  auto& slot = family.counters[labels];
  if (!slot) slot = std::make_unique<Counter>();
  return slot.get();
}

Gauge* MetricsRegistry::AddGauge(const std::string& name, const std::string& help,
                                 const std::string& labels) {
  std::lock_guard lock(mu_);
  auto& family = families_.try_emplace(name, Family{Type::kGauge, help, {}, {}, {}}).first->second;
  auto& slot = family.gauges[labels];
  if (!slot) slot = std::make_unique<Gauge>();
  return slot.get();
}

Histogram* MetricsRegistry::AddHistogram(const std::string& name, const std::string& help,
                                         std::vector<double> upper_bounds,
                                         const std::string& labels) {
  std::lock_guard lock(mu_);
  auto& family =
      families_.try_emplace(name, Family{Type::kHistogram, help, {}, {}, {}}).first->second;
  auto& slot = family.histograms[labels];
  if (!slot) slot = std::make_unique<Histogram>(std::move(upper_bounds));
  return slot.get();
}

namespace {

std::string Braced(const std::string& labels, const std::string& extra = "") {
  std::string inner = labels;
  if (!extra.empty()) inner = inner.empty() ? extra : inner + "," + extra;
  return inner.empty() ? "" : "{" + inner + "}";
}

// The shortest text that reads back as the same double (0.00025, not 0.00025000000000000001).
std::string Number(double v) {
  char buf[64];
  for (int precision = 6; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

}  // namespace

std::string MetricsRegistry::Render() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& [name, family] : families_) {
    const char* type = family.type == Type::kCounter ? "counter"
                       : family.type == Type::kGauge ? "gauge"
                                                     : "histogram";
    out += "# HELP " + name + " " + family.help + "\n";
    out += "# TYPE " + name + " " + type + "\n";
    for (const auto& [labels, c] : family.counters) {
      out += name + Braced(labels) + " " + std::to_string(c->value()) + "\n";
    }
    for (const auto& [labels, g] : family.gauges) {
      out += name + Braced(labels) + " " + std::to_string(g->value()) + "\n";
    }
    for (const auto& [labels, h] : family.histograms) {
      const auto counts = h->BucketCounts();
      uint64_t cumulative = 0;
      for (size_t i = 0; i < counts.size(); ++i) {
        cumulative += counts[i];
        const std::string le =
            i < h->bounds().size() ? "le=\"" + Number(h->bounds()[i]) + "\"" : "le=\"+Inf\"";
        out += name + "_bucket" + Braced(labels, le) + " " + std::to_string(cumulative) + "\n";
      }
      out += name + "_sum" + Braced(labels) + " " + Number(h->sum()) + "\n";
      out += name + "_count" + Braced(labels) + " " + std::to_string(cumulative) + "\n";
    }
  }
  return out;
}

}  // namespace sluice
