// Test helper: a RuleSet from rule records, as the rule store would give a stream.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "rules/rule_set.h"

namespace sluice::rules::testing {

// Compiles every record (a rule that does not compile fails the test and is left out).
inline std::shared_ptr<const RuleSet> CompileRuleSet(const std::vector<RuleRecord>& records) {
  std::vector<std::shared_ptr<const CompiledRule>> compiled;
  for (const RuleRecord& record : records) {
    auto rule = CompiledRule::Compile(record);
    EXPECT_TRUE(rule.ok()) << record.value << ": " << rule.status().message();
    if (rule.ok()) compiled.push_back(*rule);
  }
  return RuleSet::Build(std::move(compiled));
}

}  // namespace sluice::rules::testing
