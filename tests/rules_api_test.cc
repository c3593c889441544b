// The enterprise Rules API against the real sluiced (SPEC §2, docs/rules-api.md): exact bodies,
// errors, limits, account isolation and durability across a restart.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <regex>

#include "support/http_client.h"
#include "support/test_server.h"

namespace sluice::testing {
namespace {

const std::string kRules = "/rules/powertrack/accounts/acme/publishers/twitter/prod.json";
const std::string kOtherRules = "/rules/powertrack/accounts/other/publishers/twitter/prod.json";
const std::string kCappedRules = "/rules/powertrack/accounts/other/publishers/twitter/capped.json";
const std::string kValidation =
    "/rules/powertrack/accounts/acme/publishers/twitter/prod/validation.json";

std::string RuleUrl(uint64_t id) {
  return "/rules/powertrack/accounts/acme/publishers/twitter/prod/rules/" + std::to_string(id) +
         ".json";
}

// The ids of the body in order, each checked against its id_str.
std::vector<uint64_t> Ids(const std::string& body) {
  static const std::regex pattern(R"re("id":(\d+),"id_str":"(\d+)")re");
  std::vector<uint64_t> ids;
  for (auto it = std::sregex_iterator(body.begin(), body.end(), pattern);
       it != std::sregex_iterator(); ++it) {
    EXPECT_EQ((*it)[1].str(), (*it)[2].str()) << body;
    ids.push_back(std::stoull((*it)[1].str()));
  }
  return ids;
}

// The body with every id written as <id> and the sent time as <sent>.
std::string Normalize(const std::string& body) {
  static const std::regex id(R"re("id":\d+,"id_str":"\d+")re");
  static const std::regex sent(R"re("sent":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00")re");
  return std::regex_replace(std::regex_replace(body, id, R"("id":<id>,"id_str":"<id>")"), sent,
                            R"("sent":"<sent>")");
}

class RulesApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = TestServer::Start();
    ASSERT_TRUE(server_);
  }

  HttpResult Call(const std::string& method, const std::string& target,
                  const std::string& body = {}, const std::string& user = "alice",
                  const std::string& password = "secret") {
    Headers headers;
    if (!user.empty()) headers.emplace_back("Authorization", BasicAuth(user, password));
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    return HttpRequest(server_->port(), method, target, headers, body);
  }
  HttpResult Add(const std::string& body) { return Call("POST", kRules, body); }
  HttpResult List() { return Call("GET", kRules); }

  std::unique_ptr<TestServer> server_;
};

TEST_F(RulesApiTest, AddListAndGetOne) {
  HttpResult r = Add(R"({"rules":[{"value":"cat OR dog","tag":"pets"},{"value":"lang:en bird"}]})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.headers.at("content-type"), "application/json; charset=utf-8");
  EXPECT_EQ(
      Normalize(r.body),
      R"({"summary":{"created":2,"not_created":0},"detail":[)"
      R"({"rule":{"value":"cat OR dog","tag":"pets","id":<id>,"id_str":"<id>"},"created":true},)"
      R"({"rule":{"value":"lang:en bird","tag":null,"id":<id>,"id_str":"<id>"},"created":true}],)"
      R"("sent":"<sent>"})"
      "\n");
  const std::vector<uint64_t> ids = Ids(r.body);
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_LT(ids[0], ids[1]);

  r = List();
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Normalize(r.body),
            R"({"rules":[{"value":"cat OR dog","tag":"pets","id":<id>,"id_str":"<id>"},)"
            R"({"value":"lang:en bird","tag":null,"id":<id>,"id_str":"<id>"}],"sent":"<sent>"})"
            "\n");
  EXPECT_EQ(Ids(r.body), ids);

  r = Call("GET", RuleUrl(ids[1]));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Normalize(r.body),
            R"({"rules":[{"value":"lang:en bird","tag":null,"id":<id>,"id_str":"<id>"}],)"
            R"("sent":"<sent>"})"
            "\n");
  EXPECT_EQ(Ids(r.body), std::vector<uint64_t>{ids[1]});

  r = Call("GET", RuleUrl(ids[1] + 1));
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("does not exist in this stream"), std::string::npos) << r.body;
  r = Call("GET", "/rules/powertrack/accounts/acme/publishers/twitter/prod/rules/abc.json");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("is not a rule id"), std::string::npos) << r.body;
}

TEST_F(RulesApiTest, EmptyStreamListsNoRules) {
  const HttpResult r = List();
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(Normalize(r.body), "{\"rules\":[],\"sent\":\"<sent>\"}\n");
}

TEST_F(RulesApiTest, DuplicatesAreNotCreated) {
  HttpResult r = Add(R"({"rules":[{"value":"cat","tag":"first"}]})");
  ASSERT_EQ(r.status, 201);
  const uint64_t cat = Ids(r.body).at(0);
  r = Add(R"({"rules":[{"value":"cat"},{"value":"dog"},{"value":"dog","tag":"again"}]})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Normalize(r.body),
            R"({"summary":{"created":1,"not_created":2},"detail":[)"
            R"({"rule":{"value":"cat","tag":"first","id":<id>,"id_str":"<id>"},"created":false,)"
            R"("message":"A rule with this value already exists"},)"
            R"({"rule":{"value":"dog","tag":null,"id":<id>,"id_str":"<id>"},"created":true},)"
            R"({"rule":{"value":"dog","tag":null,"id":<id>,"id_str":"<id>"},"created":false,)"
            R"("message":"A rule with this value already exists"}],"sent":"<sent>"})"
            "\n");
  const std::vector<uint64_t> ids = Ids(r.body);
  EXPECT_EQ(ids[0], cat);
  EXPECT_EQ(ids[1], ids[2]);
  EXPECT_EQ(Ids(List().body).size(), 2u);
}

TEST_F(RulesApiTest, AnyInvalidRuleIs422AndAppliesNothing) {
  HttpResult r = Add(R"({"rules":[{"value":"cat"},{"value":"-dog","tag":"t"}]})");
  ASSERT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(Normalize(r.body),
            R"({"summary":{"created":0,"not_created":2},"detail":[)"
            R"({"rule":{"value":"cat","tag":null},"created":false},)"
            R"({"rule":{"value":"-dog","tag":"t"},"created":false,)"
            R"j("message":"Rules must contain a non-negation term (at position 1)"}],)j"
            R"("sent":"<sent>"})"
            "\n");
  EXPECT_TRUE(Ids(List().body).empty());

  r = Add(R"({"rules":[{"value":"ok","tag":")" + std::string(256, 't') + "\"}]}");
  EXPECT_EQ(r.status, 422) << r.body;
  r = Add(R"({"rules":[{"value":")" + std::string(2049, 'a') + "\"}]}");
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_TRUE(Ids(List().body).empty());
}

TEST_F(RulesApiTest, MalformedBodiesAre400) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{not json", "The request body is not valid JSON"},
      {"[]", "The request body must be a JSON object"},
      {"{}", "The request body has no \\\"rules\\\" array"},
      {R"({"rules":{}})", "\\\"rules\\\" must be an array"},
      {R"({"rules":[]})", "\\\"rules\\\" must not be empty."},
      {R"({"rules":["cat"]})", "rules[0] must be an object."},
      {R"({"rules":[{"value":"a"},{"tag":"x"}]})", "rules[1] has no \\\"value\\\"."},
      {R"({"rules":[{"value":5}]})", "rules[0].value must be a string."},
      {R"({"rules":[{"value":"a","tag":7}]})", "rules[0].tag must be a string or null."},
  };
  for (const auto& [body, message] : cases) {
    SCOPED_TRACE(body);
    const HttpResult r = Add(body);
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(r.body.find("{\"error\":{\"message\":\""), std::string::npos) << r.body;
    EXPECT_NE(r.body.find(message), std::string::npos) << r.body;
  }
  // An empty POST body is no JSON either.
  EXPECT_EQ(Add("").status, 400);
  EXPECT_EQ(Call("POST", kRules + "?_method=delete", R"({"rule_ids":["x1"]})").status, 400);
  EXPECT_EQ(Call("POST", kRules + "?_method=delete", R"({"rule_ids":[1],"rules":[]})").status, 400);
  EXPECT_EQ(Call("POST", kRules + "?_method=get", R"({"rule_ids":[-1]})").status, 400);
  EXPECT_EQ(Call("POST", kRules + "?_method=frobnicate", R"({"rules":[]})").status, 400);
  EXPECT_EQ(Call("GET", kValidation).status, 405);
  EXPECT_TRUE(Ids(List().body).empty());
}

// A request declaring a body over 5 MB is refused from its header, before any of it is read.
TEST_F(RulesApiTest, BodyOver5MbIs413) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(server_->port());
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  const timeval timeout{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  const std::string request =
      "POST " + kRules + " HTTP/1.1\r\nHost: x\r\nAuthorization: " + BasicAuth("alice", "secret") +
      "\r\nContent-Length: 5242881\r\n\r\n{\"rules\":[";
  ASSERT_EQ(send(fd, request.data(), request.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(request.size()));
  std::string response;
  char buffer[4096];
  for (;;) {
    const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    response.append(buffer, static_cast<size_t>(n));
  }
  close(fd);
  EXPECT_EQ(response.rfind("HTTP/1.1 413", 0), 0u) << response;
  EXPECT_NE(response.find("The request body exceeds 5242880 bytes"), std::string::npos) << response;

  // Exactly at the limit is read (and here refused only for its content).
  std::string body = R"({"rules":[{"value":"cat"}]})";
  body.resize(5 << 20, ' ');
  EXPECT_EQ(Add(body).status, 201);
}

TEST_F(RulesApiTest, CapRefusesTheWholeRequest) {
  auto add = [&](const std::string& body) {
    return Call("POST", kCappedRules, body, "bob", "hunter2");
  };
  ASSERT_EQ(add(R"({"rules":[{"value":"a"},{"value":"b"}]})").status, 201);
  HttpResult r = add(R"({"rules":[{"value":"c"},{"value":"d"}]})");
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_NE(r.body.find("Adding these 2 rules would bring this stream to 4 rules, over its limit "
                        "of 3; nothing of this request was applied."),
            std::string::npos)
      << r.body;
  EXPECT_EQ(Ids(Call("GET", kCappedRules, {}, "bob", "hunter2").body).size(), 2u);
  // Duplicates do not count.
  r = add(R"({"rules":[{"value":"a"},{"value":"c"}]})");
  EXPECT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Ids(Call("GET", kCappedRules, {}, "bob", "hunter2").body).size(), 3u);
}

TEST_F(RulesApiTest, MissingOrWrongCredentialsAre401) {
  for (const auto& [user, password] : std::vector<std::pair<std::string, std::string>>{
           {"", ""}, {"alice", "wrong"}, {"mallory", "secret"}}) {
    SCOPED_TRACE(user);
    HttpResult r = Call("GET", kRules, {}, user, password);
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(r.headers.at("www-authenticate"), "Basic realm=\"sluice\"");
    EXPECT_EQ(Call("POST", kRules, R"({"rules":[{"value":"x"}]})", user, password).status, 401);
  }
  EXPECT_TRUE(Ids(List().body).empty());
}

TEST_F(RulesApiTest, AnotherAccountCanNeitherReadNorChangeRules) {
  ASSERT_EQ(Add(R"({"rules":[{"value":"secret plans"}]})").status, 201);
  const uint64_t id = Ids(List().body).at(0);
  const std::string bob = "bob";
  const std::string pw = "hunter2";
  std::vector<HttpResult> answers = {
      Call("GET", kRules, {}, bob, pw),
      Call("GET", RuleUrl(id), {}, bob, pw),
      Call("POST", kRules, R"({"rules":[{"value":"bob was here"}]})", bob, pw),
      Call("POST", kRules + "?_method=delete", R"({"rule_ids":[)" + std::to_string(id) + "]}", bob,
           pw),
      Call("DELETE", kRules, R"({"rules":[{"value":"secret plans"}]})", bob, pw),
      Call("POST", kRules + "?_method=get", R"({"rule_ids":[)" + std::to_string(id) + "]}", bob,
           pw),
      Call("POST", kValidation, R"({"rules":[{"value":"x"}]})", bob, pw),
  };
  for (const HttpResult& r : answers) {
    EXPECT_EQ(r.status, 404) << r.body;
    EXPECT_NE(r.body.find("No rules at this URL for your account."), std::string::npos) << r.body;
    EXPECT_EQ(r.body.find("secret plans"), std::string::npos) << r.body;
  }
  EXPECT_EQ(Ids(List().body), std::vector<uint64_t>{id});
  // And the other way round.
  EXPECT_EQ(Call("GET", kOtherRules).status, 404);
  EXPECT_EQ(Call("GET", kOtherRules, {}, bob, pw).status, 200);
}

TEST_F(RulesApiTest, OnlyPowertrackStreamsHaveRules) {
  HttpResult r = Call("GET", "/rules/powertrack/accounts/acme/publishers/twitter/decahose.json");
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("Stream 'decahose' is a decahose stream: only powertrack streams have "
                        "rules."),
            std::string::npos)
      << r.body;
  r = Call("POST", "/rules/powertrack/accounts/acme/publishers/twitter/sample.json",
           R"({"rules":[{"value":"x"}]})");
  EXPECT_EQ(r.status, 404);
  r = Call("GET", "/rules/powertrack/accounts/acme/publishers/twitter/nope.json");
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("Account 'acme' has no stream 'nope'."), std::string::npos) << r.body;
}

TEST_F(RulesApiTest, DeleteByValueAndById) {
  ASSERT_EQ(Add(R"({"rules":[{"value":"a","tag":"ta"},{"value":"b"},{"value":"c"}]})").status, 201);
  const std::vector<uint64_t> ids = Ids(List().body);
  ASSERT_EQ(ids.size(), 3u);

  HttpResult r =
      Call("POST", kRules + "?_method=delete", R"({"rules":[{"value":"a"},{"value":"zzz"}]})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(
      Normalize(r.body),
      R"({"summary":{"deleted":1,"not_deleted":1},"detail":[)"
      R"({"rule":{"value":"a","tag":"ta","id":<id>,"id_str":"<id>"},"deleted":true},)"
      R"({"rule":{"value":"zzz","tag":null},"deleted":false,"message":"Rule does not exist"}],)"
      R"("sent":"<sent>"})"
      "\n");
  EXPECT_EQ(Ids(r.body), std::vector<uint64_t>{ids[0]});

  r = Call("POST", kRules + "?_method=delete",
           R"({"rule_ids":[")" + std::to_string(ids[1]) + R"(",12345]})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(
      Normalize(r.body),
      R"({"summary":{"deleted":1,"not_deleted":1},"detail":[)"
      R"({"rule":{"value":"b","tag":null,"id":<id>,"id_str":"<id>"},"deleted":true},)"
      R"({"rule":{"id":<id>,"id_str":"<id>"},"deleted":false,"message":"Rule does not exist"}],)"
      R"("sent":"<sent>"})"
      "\n");
  EXPECT_EQ(Ids(r.body), (std::vector<uint64_t>{ids[1], 12345}));

  // HTTP DELETE is the same as ?_method=delete.
  r = Call("DELETE", kRules, R"({"rule_ids":[)" + std::to_string(ids[2]) + "]}");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find(R"("summary":{"deleted":1,"not_deleted":0})"), std::string::npos);
  EXPECT_TRUE(Ids(List().body).empty());
}

TEST_F(RulesApiTest, GetByIds) {
  ASSERT_EQ(Add(R"({"rules":[{"value":"a"},{"value":"b"},{"value":"c"}]})").status, 201);
  const std::vector<uint64_t> ids = Ids(List().body);
  const HttpResult r = Call("POST", kRules + "?_method=get",
                            R"({"rule_ids":[)" + std::to_string(ids[2]) + R"(,")" +
                                std::to_string(ids[0]) + R"(",777]})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Normalize(r.body),
            R"({"rules":[{"value":"c","tag":null,"id":<id>,"id_str":"<id>"},)"
            R"({"value":"a","tag":null,"id":<id>,"id_str":"<id>"}],"sent":"<sent>"})"
            "\n");
  EXPECT_EQ(Ids(r.body), (std::vector<uint64_t>{ids[2], ids[0]}));
}

TEST_F(RulesApiTest, ValidateStoresNothing) {
  const HttpResult r =
      Call("POST", kValidation, R"({"rules":[{"value":"cat","tag":"t"},{"value":"(cat"}]})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Normalize(r.body),
            R"({"summary":{"valid":1,"not_valid":1},"detail":[)"
            R"({"rule":{"value":"cat","tag":"t"},"valid":true},)"
            R"({"rule":{"value":"(cat","tag":null},"valid":false,)"
            R"j("message":"mismatched input 'EOF' expecting ')' (at position 5)"}],)j"
            R"("sent":"<sent>"})"
            "\n");
  EXPECT_TRUE(Ids(List().body).empty());
}

TEST_F(RulesApiTest, MetricsCountRules) {
  ASSERT_EQ(Add(R"({"rules":[{"value":"a"},{"value":"b"}]})").status, 201);
  const HttpResult r = HttpRequest(server_->port(), "GET", "/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("sluice_stream_rules{account=\"acme\",stream=\"prod\"} 2\n"),
            std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find("sluice_stream_rules{account=\"other\",stream=\"prod\"} 0\n"),
            std::string::npos);
  EXPECT_NE(r.body.find("sluice_stream_rules_memory_bytes{account=\"acme\",stream=\"prod\"} "),
            std::string::npos);
}

TEST_F(RulesApiTest, RulesSurviveARestartWithTheirIds) {
  const std::filesystem::path data_dir = MakeTempDir("sluice-rules-it");
  server_.reset();
  server_ = TestServer::Start({}, data_dir);
  ASSERT_TRUE(server_);
  ASSERT_EQ(Add(R"({"rules":[{"value":"a","tag":"x"},{"value":"b"},{"value":"c"}]})").status, 201);
  ASSERT_EQ(Call("POST", kRules + "?_method=delete", R"({"rules":[{"value":"b"}]})").status, 200);
  const HttpResult before = List();
  server_.reset();

  server_ = TestServer::Start({}, data_dir);
  ASSERT_TRUE(server_);
  const HttpResult after = List();
  EXPECT_EQ(Normalize(after.body), Normalize(before.body));
  EXPECT_EQ(Ids(after.body), Ids(before.body));

  // A rule deleted and added again gets a new id, above every earlier one.
  const uint64_t a = Ids(before.body).at(0);
  ASSERT_EQ(Call("POST", kRules + "?_method=delete", R"({"rules":[{"value":"a"}]})").status, 200);
  const HttpResult readded = Add(R"({"rules":[{"value":"a"}]})");
  ASSERT_EQ(readded.status, 201);
  EXPECT_GT(Ids(readded.body).at(0), Ids(before.body).back());
  EXPECT_NE(Ids(readded.body).at(0), a);
  server_.reset();
  std::filesystem::remove_all(data_dir);
}

}  // namespace
}  // namespace sluice::testing
