#include "support/bench_config.h"

#include <sstream>

#include "config/base64.h"
#include "config/password_hash.h"

namespace sluice::bench {

Result<std::string> BenchConfigToml(const BenchConfig& c) {
  // Few iterations: the hash strength is not what is measured (each credential is verified once
  // and then cached by the server).
  Result<std::string> hash = HashPassword(kBenchPassword, 1000);
  if (!hash.ok()) return Status::Internal("HashPassword: " + hash.status().message());
  std::ostringstream t;
  t << "[server]\nlisten = \"127.0.0.1:0\"\n"
    << "data_dir = \"" << c.data_dir.string() << "\"\n"
    << "heartbeat_ms = " << c.heartbeat_ms << "\n"
    << "slow_reader_bytes = " << c.slow_reader_bytes << "\n"
    << "max_connections = " << c.max_connections << "\n"
    << "[archive]\nfsync = \"" << c.fsync << "\"\nfsync_interval_ms = " << c.fsync_interval_ms
    << "\n"
    << "[generator]\nrate = " << static_cast<int64_t>(c.generator_rate) << "\nseed = 1\n"
    << "[[accounts]]\nname = \"" << kBenchAccount << "\"\n"
    << "[[accounts.users]]\nname = \"" << kBenchUser << "\"\npassword_hash = \"" << *hash << "\"\n";
  for (const BenchStream& s : c.streams) {
    t << "[[accounts.streams]]\nlabel = \"" << s.label << "\"\nkind = \"" << s.kind << "\"\n"
      << "connection_limit = " << s.connection_limit << "\n"
      << "require_gzip = " << (s.require_gzip ? "true" : "false") << "\n";
  }
  return t.str();
}

std::string StreamRequest(const std::string& target, const std::string& user,
                          const std::string& password, bool gzip) {
  std::string r = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic " +
                  Base64Encode(user + ":" + password) + "\r\n";
  if (gzip) r += "Accept-Encoding: gzip\r\n";
  r += "\r\n";
  return r;
}

std::string StreamTarget(const std::string& account, const std::string& kind,
                         const std::string& label, int partition) {
  const std::string product = kind == "decahose" ? "sample10"
                              : kind == "sample" ? "sample1"
                                                 : "powertrack";
  std::string target =
      "/stream/" + product + "/accounts/" + account + "/publishers/twitter/" + label + ".json";
  if (partition > 0) target += "?partition=" + std::to_string(partition);
  return target;
}

}  // namespace sluice::bench
