#include "config/password_hash.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sluice {
namespace {

// Tests hash with few iterations: the format and checks are the same, and ASan builds stay fast.
constexpr int kFastIterations = 10;

TEST(PasswordHashTest, RoundTrip) {
  Result<std::string> hash = HashPassword("correct horse", kFastIterations);
  ASSERT_TRUE(hash.ok()) << hash.status().ToString();
  EXPECT_EQ(hash->rfind("pbkdf2-sha256$10$", 0), 0u) << *hash;
  EXPECT_TRUE(CheckPasswordHashFormat(*hash).ok());
  EXPECT_TRUE(VerifyPassword("correct horse", *hash));
}

TEST(PasswordHashTest, DefaultIterations) {
  Result<std::string> hash = HashPassword("pw");
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(hash->rfind("pbkdf2-sha256$100000$", 0), 0u) << *hash;
  EXPECT_EQ(PasswordHashIterations(*hash).value(), 100000);
}

TEST(PasswordHashTest, WrongPassword) {
  Result<std::string> hash = HashPassword("correct horse", kFastIterations);
  ASSERT_TRUE(hash.ok());
  EXPECT_FALSE(VerifyPassword("correct hors", *hash));
  EXPECT_FALSE(VerifyPassword("", *hash));
  EXPECT_FALSE(VerifyPassword("correct horse ", *hash));
}

TEST(PasswordHashTest, EmptyAndBinaryPasswords) {
  Result<std::string> empty = HashPassword("", kFastIterations);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(VerifyPassword("", *empty));
  const std::string binary("a\0b", 3);
  Result<std::string> hash = HashPassword(binary, kFastIterations);
  ASSERT_TRUE(hash.ok());
  EXPECT_TRUE(VerifyPassword(binary, *hash));
  EXPECT_FALSE(VerifyPassword("a", *hash));
}

TEST(PasswordHashTest, SaltIsRandom) {
  EXPECT_NE(HashPassword("pw", kFastIterations).value(),
            HashPassword("pw", kFastIterations).value());
}

TEST(PasswordHashTest, KnownVector) {
  // Made independently with Python: hashlib.pbkdf2_hmac("sha256", b"demo", bytes(16), 1000).
  const std::string stored =
      "pbkdf2-sha256$1000$AAAAAAAAAAAAAAAAAAAAAA==$"
      "1iDRUOtBhMZzRbd4mLcXgLI7RxDsZ3EAvGcskwc2ktg=";
  EXPECT_TRUE(CheckPasswordHashFormat(stored).ok());
  EXPECT_TRUE(VerifyPassword("demo", stored));
  EXPECT_FALSE(VerifyPassword("Demo", stored));
}

TEST(PasswordHashTest, IterationsOutOfRange) {
  EXPECT_EQ(HashPassword("pw", 0).status().message(), "iterations must be in [1, 10000000], got 0");
  EXPECT_EQ(HashPassword("pw", 10000001).status().code(), StatusCode::kInvalidArgument);
}

TEST(PasswordHashTest, MalformedStoredHashNeverVerifies) {
  const std::string good = HashPassword("pw", kFastIterations).value();
  const std::string salt_and_hash = good.substr(good.find('$', 14));  // "$<salt>$<hash>"
  const std::vector<std::string> malformed = {
      "",
      "pw",
      "pbkdf2-sha256",
      "pbkdf2-sha1$10" + salt_and_hash,
      "pbkdf2-sha256$10" + salt_and_hash + "$",
      "pbkdf2-sha256$" + salt_and_hash,
      "pbkdf2-sha256$abc" + salt_and_hash,
      "pbkdf2-sha256$-10" + salt_and_hash,
      "pbkdf2-sha256$010" + salt_and_hash,
      "pbkdf2-sha256$99999999999" + salt_and_hash,
      good.substr(0, good.size() - 1),  // hash not canonical base64
      good + "AAAA",                    // hash of 35 bytes
  };
  for (const std::string& stored : malformed) {
    SCOPED_TRACE(stored);
    EXPECT_FALSE(CheckPasswordHashFormat(stored).ok());
    EXPECT_EQ(CheckPasswordHashFormat(stored).code(), StatusCode::kInvalidArgument);
    EXPECT_FALSE(VerifyPassword("pw", stored));
  }
}

TEST(PasswordHashTest, FormatErrorsDoNotRepeatTheValue) {
  const Status status = CheckPasswordHashFormat("hunter2");
  EXPECT_EQ(status.message().find("hunter2"), std::string::npos) << status.message();
}

}  // namespace
}  // namespace sluice
