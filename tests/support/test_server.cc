#include "support/test_server.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "config/password_hash.h"
#include "support/http_client.h"

namespace sluice::testing {
namespace {

std::string Hash(const std::string& password) {
  // Few iterations: tests start many servers and the hash strength is not under test here.
  return HashPassword(password, 1000).value();
}

std::string ConfigToml(const TestServerOptions& o, const std::filesystem::path& data_dir) {
  std::ostringstream t;
  t << "[server]\nlisten = \"127.0.0.1:0\"\n"
    << "data_dir = \"" << data_dir.string() << "\"\n"
    << "heartbeat_ms = " << o.heartbeat_ms << "\n"
    << "connection_grace_ms = " << o.connection_grace_ms << "\n"
    << "slow_reader_bytes = " << o.slow_reader_bytes << "\n"
    << "write_timeout_ms = " << o.write_timeout_ms << "\n"
    << "[archive]\nfsync = \"" << o.fsync << "\"\nfsync_interval_ms = " << o.fsync_interval_ms
    << "\n"
    << o.archive_toml << "\n"
    << "[generator]\nrate = " << o.generator_rate << "\nseed = 7\n"
    << "[[ingest.users]]\nname = \"ingest\"\npassword_hash = \"" << Hash("ingest") << "\"\n"
    << "[[accounts]]\nname = \"acme\"\n"
    << "[[accounts.users]]\nname = \"alice\"\npassword_hash = \"" << Hash("secret") << "\"\n";
  auto stream = [&](const char* label, const char* kind, bool gzip) {
    t << "[[accounts.streams]]\nlabel = \"" << label << "\"\nkind = \"" << kind << "\"\n"
      << "connection_limit = " << o.connection_limit << "\n"
      << "require_gzip = " << (gzip ? "true" : "false") << "\n";
  };
  stream("prod", "powertrack", false);
  stream("decahose", "decahose", false);
  stream("sample", "sample", false);
  stream("gz", "decahose", true);
  stream("nobf", "decahose", false);
  t << "backfill = false\nrecovery_window_ms = 3600000\n";
  t << "[[accounts]]\nname = \"other\"\n"
    << "[[accounts.users]]\nname = \"bob\"\npassword_hash = \"" << Hash("hunter2") << "\"\n";
  stream("prod", "powertrack", false);
  stream("capped", "powertrack", false);
  t << "max_rules = 3\n";
  t << o.extra_toml;
  return t.str();
}

}  // namespace

int64_t AdvanceClock(uint16_t port, int64_t ms) {
  const HttpResult r = HttpRequest(port, "POST", "/debug/clock?advance_ms=" + std::to_string(ms),
                                   {{"Authorization", BasicAuth("ingest", "ingest")}});
  const size_t at = r.body.find("\"now_ms\":");
  if (r.status != 200 || at == std::string::npos) return -1;
  return std::stoll(r.body.substr(at + 9));
}

std::filesystem::path MakeTempDir(const std::string& prefix) {
  std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
  if (!mkdtemp(pattern.data())) return {};
  return pattern;
}

std::unique_ptr<TestServer> TestServer::Start(const TestServerOptions& options,
                                              const std::filesystem::path& data_dir) {
  std::unique_ptr<TestServer> server(new TestServer());
  if (data_dir.empty()) {
    server->data_dir_ = MakeTempDir("sluice-it");
    server->owns_data_dir_ = true;
  } else {
    server->data_dir_ = data_dir;
  }
  const std::filesystem::path work = MakeTempDir("sluice-it-cfg");
  const std::filesystem::path config = work / "sluice.toml";
  std::ofstream(config) << ConfigToml(options, server->data_dir_);
  server->log_path_ = work / "sluiced.log";

  const pid_t pid = fork();
  if (pid == 0) {
    const int log = open(server->log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(log, 1);
    dup2(log, 2);
    std::vector<std::string> args = {SLUICED_PATH, "--config", config.string()};
    if (!options.manual_clock.empty()) {
      args.push_back("--manual-clock");
      args.push_back(options.manual_clock);
    }
    args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    execv(SLUICED_PATH, argv.data());
    _exit(127);
  }
  server->pid_ = pid;
  // Wait for the line naming the bound port; a server that dies or never says it fails.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string log = server->Log();
    const size_t at = log.find("sluiced listening on ");
    if (at != std::string::npos) {
      const size_t colon = log.find(':', at + 21);
      const size_t end = log.find('\n', colon);
      if (colon != std::string::npos && end != std::string::npos) {
        server->port_ = static_cast<uint16_t>(std::stoi(log.substr(colon + 1, end - colon - 1)));
        return server;
      }
    }
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      server->pid_ = -1;
      ADD_FAILURE() << "sluiced exited at start:\n" << log;
      return nullptr;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ADD_FAILURE() << "sluiced did not start within 60 s:\n" << server->Log();
  return nullptr;
}

int TestServer::Signal(int signal) {
  if (pid_ < 0) return -1;
  kill(pid_, signal);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return status;
}

std::string TestServer::Log() const {
  std::ifstream in(log_path_);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TestServer::~TestServer() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    // Bounded: a server that does not drain within 20 s is killed.
    for (int i = 0; i < 2000; ++i) {
      int status;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  std::error_code ignored;
  if (owns_data_dir_) std::filesystem::remove_all(data_dir_, ignored);
  std::filesystem::remove_all(log_path_.parent_path(), ignored);
}

}  // namespace sluice::testing
