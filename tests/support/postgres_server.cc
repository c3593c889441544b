#include "support/postgres_server.h"

#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <system_error>
#include <thread>
#include <vector>

namespace sluice::testing {
namespace {

constexpr auto kStartTimeout = std::chrono::seconds(30);
constexpr auto kStopTimeout = std::chrono::seconds(10);

// The bin dir of the newest installed server version, or empty.
std::filesystem::path FindBinDir() {
  std::error_code error;
  std::vector<std::filesystem::path> candidates;
  for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", error)) {
    const std::filesystem::path bin = entry.path() / "bin";
    if (std::filesystem::exists(bin / "postgres", error) &&
        std::filesystem::exists(bin / "initdb", error) &&
        std::filesystem::exists(bin / "pg_isready", error)) {
      candidates.push_back(bin);
    }
  }
  // Versions are numbers ("15", "16"): the longest, then largest, name is the newest.
  std::sort(candidates.begin(), candidates.end(), [](const auto& a, const auto& b) {
    const std::string x = a.parent_path().filename(), y = b.parent_path().filename();
    return x.size() != y.size() ? x.size() < y.size() : x < y;
  });
  return candidates.empty() ? std::filesystem::path() : candidates.back();
}

uint16_t FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  uint16_t port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);
  return port;
}

// Forks and execs `args` as uid/gid (0: unchanged) with stdout and stderr appended to `log`.
pid_t Spawn(const std::vector<std::string>& args, const std::filesystem::path& log, uid_t uid,
            gid_t gid) {
  // Everything the child needs is built before fork: only async-signal-safe calls after it.
  std::vector<char*> argv;
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid != 0) return pid;
  const int out = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (out >= 0) {
    dup2(out, 1);
    dup2(out, 2);
  }
  setpgid(0, 0);  // a Ctrl-C at the test binary must not reach the server first
  if (uid != 0) {
    if (setgroups(0, nullptr) != 0 || setgid(gid) != 0 || setuid(uid) != 0) _exit(126);
  }
  execv(argv[0], argv.data());
  _exit(127);
}

int WaitFor(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

std::string ReadLog(const std::filesystem::path& log) {
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  std::string all = text.str();
  constexpr size_t kTail = 2000;
  return all.size() > kTail ? "…" + all.substr(all.size() - kTail) : all;
}

}  // namespace

std::unique_ptr<PostgresServer> PostgresServer::Start(std::string* skip_reason) {
  std::unique_ptr<PostgresServer> server(new PostgresServer());
  server->bin_dir_ = FindBinDir();
  if (server->bin_dir_.empty()) {
    *skip_reason =
        "no PostgreSQL server in /usr/lib/postgresql/*/bin (scripts/install-deps installs it)";
    return nullptr;
  }
  std::string pattern = (std::filesystem::temp_directory_path() / "sluice-pg-XXXXXX").string();
  if (!mkdtemp(pattern.data())) {
    *skip_reason = "cannot create a temp dir for PostgreSQL";
    return nullptr;
  }
  server->root_ = pattern;
  if (geteuid() == 0) {
    const passwd* user = getpwnam("postgres");
    if (!user) {
      *skip_reason = "running as root and there is no `postgres` user to run initdb as";
      return nullptr;
    }
    server->run_uid_ = user->pw_uid;
    server->run_gid_ = user->pw_gid;
    if (chown(server->root_.c_str(), user->pw_uid, user->pw_gid) != 0) {
      *skip_reason = "cannot chown " + server->root_.string() + " to postgres";
      return nullptr;
    }
  }
  const std::filesystem::path log = server->root_ / "server.log";
  const pid_t initdb =
      Spawn({(server->bin_dir_ / "initdb").string(), "-D", (server->root_ / "data").string(), "-U",
             "sluice", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"},
            log, server->run_uid_, server->run_gid_);
  const int status = WaitFor(initdb);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    *skip_reason = "initdb failed: " + ReadLog(log);
    return nullptr;
  }
  if (!server->Launch(skip_reason)) return nullptr;
  return server;
}

bool PostgresServer::Launch(std::string* error) {
  const std::filesystem::path log = root_ / "server.log";
  if (port_ == 0) port_ = FreeLoopbackPort();
  pid_ = Spawn({(bin_dir_ / "postgres").string(), "-D", (root_ / "data").string(), "-h",
                "127.0.0.1", "-p", std::to_string(port_), "-k", root_.string(), "-c", "fsync=on",
                "-c", "synchronous_commit=on", "-c", "max_connections=20"},
               log, run_uid_, run_gid_);
  const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      *error = "postgres exited at start: " + ReadLog(log);
      return false;
    }
    const pid_t probe = Spawn({(bin_dir_ / "pg_isready").string(), "-q", "-h", "127.0.0.1", "-p",
                               std::to_string(port_), "-U", "sluice", "-d", "postgres"},
                              "/dev/null", 0, 0);
    const int ready = WaitFor(probe);
    if (WIFEXITED(ready) && WEXITSTATUS(ready) == 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  *error = "postgres did not accept connections within 30 s: " + ReadLog(log);
  Stop();
  return false;
}

void PostgresServer::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGINT);  // fast shutdown: rolls back open transactions, checkpoints, exits
  const auto deadline = std::chrono::steady_clock::now() + kStopTimeout;
  int status = 0;
  while (waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid_, SIGKILL);
      WaitFor(pid_);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  pid_ = -1;
}

bool PostgresServer::Restart(std::string* error) {
  Stop();
  return Launch(error);
}

PostgresServer::~PostgresServer() {
  Stop();
  if (!root_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }
}

std::string PostgresServer::conninfo() const {
  return "host=127.0.0.1 port=" + std::to_string(port_) + " user=sluice dbname=postgres";
}

}  // namespace sluice::testing
