#include "config/listen_address.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

TEST(ListenAddressTest, ParsesHostAndPort) {
  Result<ListenAddress> v4 = ParseListenAddress("127.0.0.1:8080");
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 8080);
  Result<ListenAddress> v6 = ParseListenAddress("[::1]:0");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 0);
  Result<ListenAddress> name = ParseListenAddress("localhost:65535");
  ASSERT_TRUE(name.ok());
  EXPECT_EQ(name->host, "localhost");
  EXPECT_EQ(name->port, 65535);
}

TEST(ListenAddressTest, RejectsMalformed) {
  for (const char* text :
       {"", "8080", ":8080", "localhost", "localhost:", "::1:8080", "[]:80", "[127.0.0.1]:80",
        "[::1:80", "host:+80", "host:-1", "host:80x", "host:65536", "host:000080"}) {
    SCOPED_TRACE(text);
    Result<ListenAddress> address = ParseListenAddress(text);
    ASSERT_FALSE(address.ok());
    EXPECT_EQ(address.status().code(), StatusCode::kInvalidArgument);
  }
}

TEST(ListenAddressTest, Messages) {
  EXPECT_EQ(ParseListenAddress("::1:8080").status().message(),
            "\"::1:8080\" is not HOST:PORT (e.g. 127.0.0.1:8080 or [::1]:8080)");
  EXPECT_EQ(ParseListenAddress("host:http").status().message(),
            "port \"http\" is not a number in [0, 65535]");
}

TEST(ListenAddressTest, FormatIsTheInverse) {
  EXPECT_EQ(FormatListenAddress("127.0.0.1", 8080), "127.0.0.1:8080");
  EXPECT_EQ(FormatListenAddress("::1", 0), "[::1]:0");
}

}  // namespace
}  // namespace sluice
