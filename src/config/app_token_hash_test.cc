#include "config/app_token_hash.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

TEST(AppTokenHashTest, IsHexSha256) {
  // printf %s demo-token | sha256sum
  EXPECT_EQ(HashAppToken("demo-token"),
            "7c43ef5ae21d43ce2743f770c68e24def1a43ee2f416d2438410c8af7af2ff2c");
  EXPECT_TRUE(CheckAppTokenHashFormat(HashAppToken("demo-token")).ok());
}

TEST(AppTokenHashTest, RejectsMalformed) {
  const std::string good = HashAppToken("x");
  std::string upper = good;
  upper[0] = 'A';
  for (const std::string& stored : {std::string(), std::string("demo-token"), good + "0",
                                    good.substr(1), upper, good.substr(1) + "g"}) {
    SCOPED_TRACE(stored);
    EXPECT_EQ(CheckAppTokenHashFormat(stored).code(), StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace sluice
