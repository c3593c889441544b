// Rng: the generator's pseudo-random source. xoshiro256** seeded through splitmix64: fast (about
// 1 ns a draw), 256 bits of state, and identical on every platform, which keeps the synthetic
// feed byte-for-byte reproducible from its seed. Not for anything security-related.
#pragma once

#include <cstdint>

namespace sluice {

// One step of splitmix64; also a good 64-bit mixing function for deriving sub-seeds.
constexpr uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// A stateless hash of `value`, for values derived from a key (e.g. a t.co code from a url's bits).
constexpr uint64_t Mix64(uint64_t value) { return SplitMix64(value); }

// The probability p as a threshold for Rng::Chance; computed once, outside the hot path.
constexpr uint64_t ProbabilityThreshold(double p) {
  return p <= 0 ? 0 : p >= 1 ? UINT64_MAX : static_cast<uint64_t>(p * 18446744073709551616.0);
}

class Rng {
 public:
  explicit constexpr Rng(uint64_t seed) {
    for (uint64_t& word : state_) word = SplitMix64(seed);
  }

  constexpr uint64_t Next() {
    const uint64_t result = RotateLeft(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = RotateLeft(state_[3], 45);
    return result;
  }

  // Uniform in [0, n) by Lemire's multiply-shift; the bias (< n / 2^32) is irrelevant here.
  // REQUIRES: n > 0.
  constexpr uint32_t Below(uint32_t n) { return static_cast<uint32_t>(((Next() >> 32) * n) >> 32); }

  // Uniform in [low, high]. REQUIRES: low <= high, high - low < 2^32 - 1.
  constexpr int64_t Between(int64_t low, int64_t high) {
    return low + Below(static_cast<uint32_t>(high - low + 1));
  }

  // True with the probability given by ProbabilityThreshold(p).
  constexpr bool Chance(uint64_t threshold) { return Next() < threshold; }

  // Uniform in [0, 1).
  constexpr double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

 private:
  static constexpr uint64_t RotateLeft(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

  uint64_t state_[4] = {};
};

}  // namespace sluice
