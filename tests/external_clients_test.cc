// Real clients decode the gzip stream: curl --compressed and Python's gzip module. The server is
// stopped with SIGTERM so the stream ends cleanly and the tools see a complete gzip member.
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include "post/sample.h"
#include "stream/system_message.h"
#include "support/http_client.h"
#include "support/test_posts.h"
#include "support/test_server.h"

namespace sluice::testing {
namespace {

const std::string kGz = "/stream/sample10/accounts/acme/publishers/twitter/gz.json?partition=1";

bool HaveTool(const std::string& name) {
  return std::system(("command -v " + name + " >/dev/null 2>&1").c_str()) == 0;
}

// Runs `command` and returns its stdout and exit status.
std::pair<std::string, int> RunCommand(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return {"", -1};
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  const int status = pclose(pipe);
  return {out, WIFEXITED(status) ? WEXITSTATUS(status) : -1};
}

void WaitForConnections(uint16_t port, int count) {
  const std::string gauge =
      "sluice_stream_connections{account=\"acme\",stream=\"gz\",partition=\"1\"} " +
      std::to_string(count);
  // Bounded by time, not by polls: an external program (python3 above all) can take a second
  // or more to start on a loaded machine.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    if (HttpRequest(port, "GET", "/metrics").body.find(gauge) != std::string::npos) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  FAIL() << "the client never connected";
}

void ExpectStreamOutput(const std::string& output, const std::vector<uint64_t>& ids) {
  std::vector<uint64_t> expected, got;
  for (uint64_t id : ids) {
    if (InDecahose(id) && DecahosePartition(id) == 1) expected.push_back(id);
  }
  size_t pos = 0;
  std::string last;
  while (pos < output.size()) {
    const size_t eol = output.find("\r\n", pos);
    if (eol == std::string::npos) break;
    const std::string message = output.substr(pos, eol - pos);
    pos = eol + 2;
    if (message.empty()) continue;
    last = message;
    if (IdOf(message)) got.push_back(IdOf(message));
  }
  EXPECT_EQ(got, expected);
  EXPECT_NE(last.find(kOperationalMessage), std::string::npos) << last;
}

TEST(ExternalClientsTest, CurlCompressedDecodesTheStream) {
  if (!HaveTool("curl")) GTEST_SKIP() << "curl is not installed: the curl check was not run";
  auto server = TestServer::Start();
  ASSERT_TRUE(server);
  const std::string url = "http://127.0.0.1:" + std::to_string(server->port()) + kGz;
  auto curl = std::async(std::launch::async, [&] {
    return RunCommand("curl -sS --compressed --max-time 60 -u alice:secret '" + url + "'");
  });
  WaitForConnections(server->port(), 1);
  const auto ids = CyclingIds(3000, 42);
  ASSERT_EQ(Ingest(server->port(), Ndjson(ids)).status, 200);
  server->Signal(SIGTERM);
  const auto [output, status] = curl.get();
  EXPECT_EQ(status, 0) << "curl did not see a clean end of the gzip stream";
  ExpectStreamOutput(output, ids);
}

TEST(ExternalClientsTest, PythonGzipDecodesTheStream) {
  if (!HaveTool("python3"))
    GTEST_SKIP() << "python3 is not installed: the Python check was not run";
  auto server = TestServer::Start();
  ASSERT_TRUE(server);
  const std::string url = "http://127.0.0.1:" + std::to_string(server->port()) + kGz;
  const std::string script =
      "import base64,gzip,sys,urllib.request\n"
      "r=urllib.request.Request(sys.argv[1],headers={'Accept-Encoding':'gzip',"
      "'Authorization':'Basic '+base64.b64encode(b'alice:secret').decode()})\n"
      "body=urllib.request.urlopen(r,timeout=60).read()\n"
      "sys.stdout.buffer.write(gzip.decompress(body))\n";
  const std::filesystem::path script_path = server->data_dir() / "client.py";
  std::ofstream(script_path) << script;
  auto python = std::async(std::launch::async, [&] {
    return RunCommand("python3 '" + script_path.string() + "' '" + url + "'");
  });
  WaitForConnections(server->port(), 1);
  const auto ids = CyclingIds(3000, 43);
  ASSERT_EQ(Ingest(server->port(), Ndjson(ids)).status, 200);
  server->Signal(SIGTERM);
  const auto [output, status] = python.get();
  EXPECT_EQ(status, 0) << "Python's gzip module rejected the stream";
  ExpectStreamOutput(output, ids);
}

}  // namespace
}  // namespace sluice::testing
