// Helpers shared by the store tests (header only, for *_test.cc files).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "consumer/store.h"

namespace sluice::consumer::testing {

// An empty directory named after the running test (and this process), created unless
// `create` is false (for stores that must create it themselves).
inline std::filesystem::path FreshTestDir(const std::string& prefix, bool create = true) {
  const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::filesystem::path dir =
      std::filesystem::path(::testing::TempDir()) /
      (prefix + "-" + std::string(test->name()) + "-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  if (create) std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace sluice::consumer::testing
