#include "config/base64.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

TEST(Base64Test, Rfc4648Vectors) {
  const std::pair<std::string, std::string> vectors[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(Base64Encode(plain), encoded);
    EXPECT_EQ(Base64DecodeStrict(encoded), plain);
  }
}

TEST(Base64Test, AllByteValuesRoundTrip) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  EXPECT_EQ(Base64DecodeStrict(Base64Encode(bytes)), bytes);
}

TEST(Base64Test, StrictDecodingRejects) {
  for (const char* text : {"Zg", "Zg=", "Zm9", "Z===", "====", "Zg==Zg==", "Zm9v\n", " Zm9v",
                           "Zm-v", "Zm_v", "Zh==", "Zm9=", "=Zm9"}) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(Base64DecodeStrict(text).has_value());
  }
}

}  // namespace
}  // namespace sluice
