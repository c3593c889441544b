#include "ingest/alias_table.h"

#include <cassert>
#include <cmath>

namespace sluice {

AliasTable::AliasTable(std::span<const double> weights) {
  const size_t n = weights.size();
  assert(n > 0);
  double total = 0;
  for (const double w : weights) total += w;
  assert(total > 0);

  // Vose's variant: scaled probabilities, split into those below and above the mean.
  std::vector<double> scaled(n);
  std::vector<uint32_t> small, large;
  for (size_t i = 0; i < n; ++i) {
    scaled[i] = weights[i] * static_cast<double>(n) / total;
    (scaled[i] < 1.0 ? small : large).push_back(static_cast<uint32_t>(i));
  }
  slots_.assign(n, Slot{UINT32_MAX, 0});
  while (!small.empty() && !large.empty()) {
    const uint32_t low = small.back();
    small.pop_back();
    const uint32_t high = large.back();
    // Keeping with probability scaled[low]; the 2^-32 rounding is far below any use here.
    const double keep = scaled[low] * 4294967296.0 - 1.0;
    slots_[low] = Slot{keep <= 0 ? 0 : static_cast<uint32_t>(keep), high};
    scaled[high] -= 1.0 - scaled[low];
    if (scaled[high] < 1.0) {
      large.pop_back();
      small.push_back(high);
    }
  }
  // Whatever remains is 1 up to rounding: always keep it (already the default slot).
}

AliasTable AliasTable::Zipf(size_t n, double exponent) {
  return AliasTable(ZipfWeights(n, exponent, n, 1.0));
}

std::vector<double> AliasTable::ZipfWeights(size_t n, double exponent, size_t tail_from,
                                            double tail_factor) {
  std::vector<double> weights(n);
  for (size_t rank = 0; rank < n; ++rank) {
    weights[rank] =
        (rank >= tail_from ? tail_factor : 1.0) / std::pow(static_cast<double>(rank + 1), exponent);
  }
  return weights;
}

}  // namespace sluice
