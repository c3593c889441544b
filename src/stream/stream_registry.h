// StreamRegistry: the accounts and streams of the configuration, built once at start-up.
// The set of accounts and streams never changes while running, so lookups need no lock.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/metrics.h"
#include "config/credentials.h"
#include "config/server_config.h"
#include "stream/stream.h"

namespace sluice {

struct Account {
  std::string name;
  std::unique_ptr<CredentialVerifier> users;  // Basic auth users of this account
  std::map<std::string, Stream*, std::less<>> streams;
};

class StreamRegistry {
 public:
  StreamRegistry(const ServerConfig& config, MetricsRegistry& metrics);
  StreamRegistry(const StreamRegistry&) = delete;
  StreamRegistry& operator=(const StreamRegistry&) = delete;

  // nullptr when unknown.
  Account* FindAccount(std::string_view name);
  Stream* FindStream(std::string_view account, std::string_view label);
  // The account whose users accept these credentials, or nullptr. Only accounts that have a
  // user of that name are tried, so a failed attempt costs at most one password hash per such
  // account, not one per account.
  Account* AuthenticateAny(std::string_view user, std::string_view password);
  // A stable small number per account (configuration order), for passing an account between
  // threads as an int; -1 for null. AccountByOrdinal returns null for an unknown number.
  int OrdinalOf(const Account* account) const;
  Account* AccountByOrdinal(int ordinal);

  const std::vector<std::unique_ptr<Stream>>& streams() const { return streams_; }
  // Every stream's rules, combined; stream i of streams() is slot i.
  std::shared_ptr<const CombinedRules> combined_rules() const { return rules_board_->current(); }
  // The pipeline reports a sample of the posts it matched here (RulesBoard).
  rules::KeyFrequencies& key_frequencies() { return rules_board_->key_frequencies(); }
  // Re-indexes every stream's rules by the key frequencies seen, when due (RulesBoard).
  bool RelearnRuleAnchorsIfDue() { return rules_board_->RelearnIfDue(); }

 private:
  std::map<std::string, Account, std::less<>> accounts_;
  std::multimap<std::string, Account*, std::less<>> accounts_by_user_;
  std::unique_ptr<RulesBoard> rules_board_;  // before the streams that point to it
  std::vector<std::unique_ptr<Stream>> streams_;
  std::vector<Account*> account_order_;
};

}  // namespace sluice
