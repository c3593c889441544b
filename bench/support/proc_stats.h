// What /proc says about a process: CPU time (all threads), CPU time per thread, resident memory.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "base/status.h"

namespace sluice::bench {

// utime + stime of the whole process, in seconds. Errors: NotFound when /proc has no such pid.
Result<double> ProcessCpuSeconds(pid_t pid);

struct ThreadCpu {
  pid_t tid = 0;
  std::string name;  // comm
  double seconds = 0;
};
// Every thread of `pid` with its utime + stime.
std::vector<ThreadCpu> ThreadCpuSeconds(pid_t pid);

// CPU seconds the whole machine spent not idle (every core; /proc/stat user … steal, without
// idle and iowait).
double MachineBusySeconds();

// VmRSS in bytes. Errors: NotFound.
Result<int64_t> ResidentBytes(pid_t pid);

}  // namespace sluice::bench
