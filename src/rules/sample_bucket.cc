#include "rules/rule_set.h"

namespace sluice::rules {

// splitmix64's finaliser: consecutive snowflake ids spread evenly over the buckets. Fixed
// forever: changing it would change which posts every stored sample: rule keeps.
int SampleBucket(uint64_t post_id) {
  uint64_t z = post_id + 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return static_cast<int>(z % 100);
}

}  // namespace sluice::rules
