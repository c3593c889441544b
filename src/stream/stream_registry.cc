#include "stream/stream_registry.h"

namespace sluice {

StreamRegistry::StreamRegistry(const ServerConfig& config, MetricsRegistry& metrics) {
  size_t stream_count = 0;
  for (const AccountConfig& account_config : config.accounts) {
    stream_count += account_config.streams.size();
  }
  rules_board_ = std::make_unique<RulesBoard>(stream_count);
  for (const AccountConfig& account_config : config.accounts) {
    Account& account = accounts_[account_config.name];
    account.name = account_config.name;
    account_order_.push_back(&account);
    account.users = std::make_unique<CredentialVerifier>(account_config.users);
    for (const UserConfig& user : account_config.users) {
      accounts_by_user_.emplace(user.name, &account);
    }
    for (const StreamConfig& stream_config : account_config.streams) {
      streams_.push_back(std::make_unique<Stream>(account_config.name, stream_config, metrics,
                                                  rules_board_.get(), streams_.size()));
      account.streams[stream_config.label] = streams_.back().get();
    }
  }
}

Account* StreamRegistry::FindAccount(std::string_view name) {
  auto it = accounts_.find(name);
  return it == accounts_.end() ? nullptr : &it->second;
}

Stream* StreamRegistry::FindStream(std::string_view account, std::string_view label) {
  Account* a = FindAccount(account);
  if (!a) return nullptr;
  auto it = a->streams.find(label);
  return it == a->streams.end() ? nullptr : it->second;
}

Account* StreamRegistry::AuthenticateAny(std::string_view user, std::string_view password) {
  const auto [begin, end] = accounts_by_user_.equal_range(user);
  for (auto it = begin; it != end; ++it) {
    if (it->second->users->Verify(user, password)) return it->second;
  }
  return nullptr;
}

int StreamRegistry::OrdinalOf(const Account* account) const {
  for (size_t i = 0; i < account_order_.size(); ++i) {
    if (account_order_[i] == account) return static_cast<int>(i);
  }
  return -1;
}

Account* StreamRegistry::AccountByOrdinal(int ordinal) {
  if (ordinal < 0 || ordinal >= static_cast<int>(account_order_.size())) return nullptr;
  return account_order_[ordinal];
}

}  // namespace sluice
