// DemoServerConfig: the fixed demo of SPEC §8, which scripts and docs rely on.
#include <cstdio>
#include <cstdlib>

#include "config/app_token_hash.h"
#include "config/password_hash.h"
#include "config/server_config.h"

namespace sluice {
namespace {

UserConfig DemoUser(std::string name, std::string_view password) {
  Result<std::string> hash = HashPassword(password);
  if (!hash.ok()) {
    // Only a failing random number generator gets here; nothing can run safely without one.
    std::fprintf(stderr, "sluice: cannot hash the demo password: %s\n",
                 hash.status().ToString().c_str());
    std::abort();
  }
  return UserConfig{std::move(name), std::move(hash).value()};
}

StreamConfig DemoStream(std::string label, StreamKind kind) {
  StreamConfig stream;
  stream.label = std::move(label);
  stream.kind = kind;
  stream.require_gzip = true;  // as PowerTrack does: clients need `curl --compressed`
  return stream;
}

}  // namespace

ServerConfig DemoServerConfig() {
  ServerConfig config;
  config.listen_host = "127.0.0.1";
  config.listen_port = 8080;
  config.data_dir.clear();
  config.ingest_users.push_back(DemoUser("ingest", "ingest"));
  config.generator_rate = 2000;
  config.generator_seed = 1;

  AccountConfig demo;
  demo.name = "demo";
  demo.users.push_back(DemoUser("demo", "demo"));
  demo.streams.push_back(DemoStream("prod", StreamKind::kPowerTrack));
  demo.streams.push_back(DemoStream("dev", StreamKind::kPowerTrack));
  demo.streams.push_back(DemoStream("decahose", StreamKind::kDecahose));
  demo.streams.push_back(DemoStream("sample", StreamKind::kSample));
  demo.tokens.push_back(AppTokenConfig{"prod", HashAppToken("demo-token")});
  config.accounts.push_back(std::move(demo));
  return config;
}

}  // namespace sluice
