#include "support/proc_stats.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace sluice::bench {
namespace {

// Fields 14 and 15 of a stat file (utime, stime), in seconds, and the comm (field 2).
bool ParseStat(const std::filesystem::path& path, double* seconds, std::string* comm) {
  std::ifstream in(path);
  std::string line;
  if (!std::getline(in, line)) return false;
  const size_t open = line.find('(');
  const size_t close = line.rfind(')');
  if (open == std::string::npos || close == std::string::npos) return false;
  if (comm) *comm = line.substr(open + 1, close - open - 1);
  std::istringstream rest(line.substr(close + 2));
  // After ")": state(3) ppid(4) … utime(14) stime(15).
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  *seconds = static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
  return true;
}

}  // namespace

Result<double> ProcessCpuSeconds(pid_t pid) {
  double seconds = 0;
  if (!ParseStat("/proc/" + std::to_string(pid) + "/stat", &seconds, nullptr)) {
    return Status::NotFound("no /proc/" + std::to_string(pid) + "/stat");
  }
  return seconds;
}

std::vector<ThreadCpu> ThreadCpuSeconds(pid_t pid) {
  std::vector<ThreadCpu> threads;
  std::error_code ec;
  for (const auto& entry :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    ThreadCpu thread;
    thread.tid = static_cast<pid_t>(std::stol(entry.path().filename().string()));
    if (ParseStat(entry.path() / "stat", &thread.seconds, &thread.name)) {
      threads.push_back(std::move(thread));
    }
  }
  return threads;
}

double MachineBusySeconds() {
  std::ifstream in("/proc/stat");
  std::string cpu;
  in >> cpu;  // "cpu": the sum over all cores
  // user nice system idle iowait irq softirq steal
  unsigned long long v[8] = {};
  for (auto& x : v) in >> x;
  const unsigned long long busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
  return static_cast<double>(busy) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

Result<int64_t> ResidentBytes(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      std::istringstream fields(line.substr(6));
      int64_t kb = 0;
      fields >> kb;
      return kb * 1024;
    }
  }
  return Status::NotFound("no VmRSS in /proc/" + std::to_string(pid) + "/status");
}

}  // namespace sluice::bench
