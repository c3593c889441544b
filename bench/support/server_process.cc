#include "support/server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

namespace sluice::bench {

using Clock = std::chrono::steady_clock;

Result<std::unique_ptr<ServerProcess>> ServerProcess::Start(const std::string& binary,
                                                            const std::vector<std::string>& args,
                                                            const std::filesystem::path& log_path,
                                                            std::chrono::milliseconds timeout) {
  std::vector<std::string> argv_strings = {binary};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);

  const int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log < 0) return Status::IoError("open " + log_path.string() + ": " + std::strerror(errno));
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(log);
    return Status::Internal(std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    // If the benchmark dies without its destructors (killed by a timeout), so does the server.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    ::dup2(log, 1);
    ::dup2(log, 2);
    ::execv(binary.c_str(), argv.data());
    _exit(127);
  }
  ::close(log);
  std::unique_ptr<ServerProcess> server(new ServerProcess(pid, log_path));
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    const std::string text = server->Log();
    const size_t at = text.find("sluiced listening on ");
    if (at != std::string::npos) {
      const size_t end = text.find('\n', at);
      const size_t colon = text.rfind(':', end);
      if (end != std::string::npos && colon != std::string::npos && colon > at) {
        server->port_ = static_cast<uint16_t>(std::stoi(text.substr(colon + 1, end - colon - 1)));
        return server;
      }
    }
    if (!server->Alive()) return Status::Internal("sluiced exited at start:\n" + text);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return Status::Internal("sluiced did not print its listening line in time:\n" + server->Log());
}

bool ServerProcess::Alive() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

std::string ServerProcess::Log() const {
  std::ifstream in(log_path_);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

ServerProcess::~ServerProcess() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  // The drain takes at most a few seconds (5 s for connections in sluiced); then kill.
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  while (Clock::now() < deadline) {
    if (!Alive()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
}

}  // namespace sluice::bench
