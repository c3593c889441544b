#include "config/credentials.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "config/base64.h"
#include "config/password_hash.h"

namespace sluice {
namespace {

constexpr int kFastIterations = 10;

std::string BasicHeader(std::string_view user_and_password) {
  return "Basic " + Base64Encode(user_and_password);
}

TEST(ParseBasicAuthorizationTest, UserAndPassword) {
  std::optional<BasicCredentials> credentials = ParseBasicAuthorization(BasicHeader("demo:demo"));
  ASSERT_TRUE(credentials.has_value());
  EXPECT_EQ(credentials->user, "demo");
  EXPECT_EQ(credentials->password, "demo");
}

TEST(ParseBasicAuthorizationTest, SchemeIsCaseInsensitive) {
  for (const char* scheme : {"basic", "BASIC", "bAsIc"}) {
    SCOPED_TRACE(scheme);
    std::optional<BasicCredentials> credentials =
        ParseBasicAuthorization(std::string(scheme) + " " + Base64Encode("u:p"));
    ASSERT_TRUE(credentials.has_value());
    EXPECT_EQ(credentials->user, "u");
  }
}

TEST(ParseBasicAuthorizationTest, PasswordMayContainColonsAndBeEmpty) {
  std::optional<BasicCredentials> colons = ParseBasicAuthorization(BasicHeader("u:a:b:"));
  ASSERT_TRUE(colons.has_value());
  EXPECT_EQ(colons->user, "u");
  EXPECT_EQ(colons->password, "a:b:");
  std::optional<BasicCredentials> empty = ParseBasicAuthorization(BasicHeader("u:"));
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(empty->password, "");
}

TEST(ParseBasicAuthorizationTest, Utf8IsKept) {
  std::optional<BasicCredentials> credentials =
      ParseBasicAuthorization(BasicHeader("zoë:pässwörd"));
  ASSERT_TRUE(credentials.has_value());
  EXPECT_EQ(credentials->user, "zoë");
  EXPECT_EQ(credentials->password, "pässwörd");
}

TEST(ParseBasicAuthorizationTest, SurroundingWhitespaceIsAllowed) {
  EXPECT_TRUE(ParseBasicAuthorization("  Basic \t" + Base64Encode("u:p") + " \t").has_value());
}

TEST(ParseBasicAuthorizationTest, Rejects) {
  const std::string too_long = BasicHeader("u:" + std::string(kMaxBasicAuthorizationBytes, 'p'));
  const std::vector<std::string> rejected = {
      "",
      "Basic",
      "Basic ",
      "Bearer " + Base64Encode("u:p"),
      "Basicx " + Base64Encode("u:p"),
      "Basic" + Base64Encode("u:p"),         // no space after the scheme
      "Basic " + Base64Encode("nocolon"),    // no ':'
      "Basic " + Base64Encode(":password"),  // empty user
      "Basic " + Base64Encode("u\n:p"),      // control character in the user
      "Basic " + Base64Encode("u:p\r\n"),    // control character in the password
      "Basic " + Base64Encode(std::string("u:p\0", 4)),
      "Basic dTpw",   // "u:p" is dTpw, fine; the next are broken forms
      "Basic dTp",    // unpadded
      "Basic dTpw=",  // bad padding
      "Basic dT pw",  // inner space
      "Basic " + Base64Encode("u:p") + " extra",
      "Basic " + Base64Encode("u:p") + ", realm=x",
      too_long,
  };
  for (size_t i = 0; i < rejected.size(); ++i) {
    SCOPED_TRACE(rejected[i]);
    if (rejected[i] == "Basic dTpw") {
      EXPECT_TRUE(ParseBasicAuthorization(rejected[i]).has_value());
      continue;
    }
    EXPECT_FALSE(ParseBasicAuthorization(rejected[i]).has_value());
  }
}

std::vector<UserConfig> Users() {
  return {{"alice", HashPassword("alice-pw", kFastIterations).value()},
          {"bob", HashPassword("bob-pw", kFastIterations).value()}};
}

TEST(CredentialVerifierTest, AcceptsRightPasswordsOnly) {
  CredentialVerifier verifier(Users());
  EXPECT_TRUE(verifier.Verify("alice", "alice-pw"));
  EXPECT_TRUE(verifier.Verify("bob", "bob-pw"));
  EXPECT_FALSE(verifier.Verify("alice", "bob-pw"));
  EXPECT_FALSE(verifier.Verify("bob", ""));
  EXPECT_FALSE(verifier.Verify("carol", "alice-pw"));
  EXPECT_FALSE(verifier.Verify("", ""));
}

TEST(CredentialVerifierTest, SuccessIsCachedSoPbkdf2RunsOnce) {
  CredentialVerifier verifier(Users());
  EXPECT_TRUE(verifier.Verify("alice", "alice-pw"));
  EXPECT_EQ(verifier.slow_verifications(), 1u);
  EXPECT_TRUE(verifier.Verify("alice", "alice-pw"));
  EXPECT_TRUE(verifier.Verify("alice", "alice-pw"));
  EXPECT_EQ(verifier.slow_verifications(), 1u);
}

TEST(CredentialVerifierTest, FailureIsNeverCached) {
  CredentialVerifier verifier(Users());
  EXPECT_FALSE(verifier.Verify("alice", "wrong"));
  EXPECT_FALSE(verifier.Verify("alice", "wrong"));
  EXPECT_EQ(verifier.slow_verifications(), 2u);
  // A cached success for one password does not let another through.
  EXPECT_TRUE(verifier.Verify("alice", "alice-pw"));
  EXPECT_FALSE(verifier.Verify("alice", "alice-pw2"));
  EXPECT_FALSE(verifier.Verify("bob", "alice-pw"));
}

TEST(CredentialVerifierTest, UnknownUserStillPaysForAHash) {
  CredentialVerifier verifier(Users());
  EXPECT_FALSE(verifier.Verify("mallory", "x"));
  EXPECT_FALSE(verifier.Verify("mallory", "x"));
  EXPECT_EQ(verifier.slow_verifications(), 2u);
}

TEST(CredentialVerifierTest, EmptyUserListRejectsEveryone) {
  CredentialVerifier verifier({});
  EXPECT_FALSE(verifier.Verify("alice", "alice-pw"));
}

TEST(CredentialVerifierTest, CacheIsBounded) {
  std::vector<UserConfig> users;
  for (int i = 0; i < 4; ++i) {
    users.push_back({"u" + std::to_string(i), HashPassword("pw", kFastIterations).value()});
  }
  CredentialVerifier verifier(users, /*cache_capacity=*/2);
  EXPECT_TRUE(verifier.Verify("u0", "pw"));
  EXPECT_TRUE(verifier.Verify("u1", "pw"));
  EXPECT_TRUE(verifier.Verify("u0", "pw"));  // hit; u0 becomes most recent
  EXPECT_EQ(verifier.slow_verifications(), 2u);
  EXPECT_TRUE(verifier.Verify("u2", "pw"));  // evicts u1, the least recently used
  EXPECT_EQ(verifier.slow_verifications(), 3u);
  EXPECT_TRUE(verifier.Verify("u0", "pw"));
  EXPECT_EQ(verifier.slow_verifications(), 3u);
  EXPECT_TRUE(verifier.Verify("u1", "pw"));
  EXPECT_EQ(verifier.slow_verifications(), 4u);
}

TEST(CredentialVerifierTest, ConcurrentVerification) {
  CredentialVerifier verifier(Users(), /*cache_capacity=*/1);  // small: forces evictions
  std::atomic<int> wrong_answers{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        const bool alice = (i + t) % 2 == 0;
        const bool good = i % 3 != 0;
        const std::string user = alice ? "alice" : "bob";
        const std::string password = good ? user + "-pw" : "nope";
        if (verifier.Verify(user, password) != good) wrong_answers.fetch_add(1);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(wrong_answers.load(), 0);
}

}  // namespace
}  // namespace sluice

namespace sluice {
namespace {

TEST(CredentialVerifierFastPathTest, VerifiedRecentlyOnlyAfterASuccessfulVerify) {
  const std::vector<UserConfig> users = {{"alice", HashPassword("secret", 1000).value()}};
  CredentialVerifier verifier(users);
  EXPECT_FALSE(verifier.VerifiedRecently("alice", "secret"));
  const uint64_t slow_before = verifier.slow_verifications();
  EXPECT_FALSE(verifier.Verify("alice", "wrong"));
  EXPECT_FALSE(verifier.VerifiedRecently("alice", "wrong"));
  EXPECT_TRUE(verifier.Verify("alice", "secret"));
  EXPECT_TRUE(verifier.VerifiedRecently("alice", "secret"));
  EXPECT_FALSE(verifier.VerifiedRecently("mallory", "secret"));
  EXPECT_EQ(verifier.slow_verifications(), slow_before + 2) << "the fast path never hashes";
}

}  // namespace
}  // namespace sluice
