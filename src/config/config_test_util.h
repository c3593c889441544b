// Helpers shared by the config tests: a small valid TOML document with slots to put keys in.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "config/server_config.h"

namespace sluice::testing {

// Well-formed (iterations 1, zero salt and hash): validation checks the format, not the password.
inline constexpr char kWellFormedHash[] =
    "pbkdf2-sha256$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

// A minimal valid config; each field's lines go at the end of its table.
struct ConfigText {
  std::string server;   // [server], after data_dir
  std::string account;  // [[accounts]] "acme", after name
  std::string user;     // its [[accounts.users]] "alice"
  std::string stream;   // its [[accounts.streams]] "prod"
  std::string tail;     // after everything: more tables

  std::string Build() const {
    return "[server]\ndata_dir = \"/data\"\n" + server + "\n[[accounts]]\nname = \"acme\"\n" +
           account + "\n[[accounts.users]]\nname = \"alice\"\npassword_hash = \"" +
           kWellFormedHash + "\"\n" + user + "\n[[accounts.streams]]\nlabel = \"prod\"\n" + stream +
           "\n" + tail + "\n";
  }
};

// The error message ParseServerConfig gives for `text`, or "(ok)".
inline std::string ParseErrorOf(const std::string& text) {
  Result<ServerConfig> config = ParseServerConfig(text, "sluice.toml");
  if (config.ok()) return "(ok)";
  EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
  return config.status().message();
}
inline std::string ParseErrorOf(const ConfigText& text) { return ParseErrorOf(text.Build()); }

}  // namespace sluice::testing
