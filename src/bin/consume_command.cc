#include "bin/consume_command.h"

#include <curl/curl.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <fstream>
#include <iostream>

#include "base/clock.h"
#include "base/time_format.h"
#include "config/config_limits.h"
#include "config/toml_table_reader.h"
#include "consumer/consumer.h"
#include "consumer/metrics_listener.h"
#include "consumer/reconcile.h"
#include "consumer/status_table.h"
#include "consumer/store_uri.h"

namespace sluice {
namespace {

using consumer::ConsumerOptions;

int Fail(int code, const std::string& message) {
  std::cerr << "sluice: " << message << "\n";
  return code;
}

// The TOML file's [consume] table, under the flags (a flag given wins).
Status ApplyConfigFile(const std::string& path, ConsumeFlags& flags) {
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return Status::InvalidArgument(path + ": " + std::string(e.description()));
  }
  TomlTableReader file(root, "");
  SLUICE_RETURN_IF_ERROR(file.CheckKeys({"consume"}));
  Result<const toml::table*> table = file.ReadTable("consume");
  if (!table.ok()) return table.status();
  if (!*table) return Status::InvalidArgument(path + ": no [consume] table");
  TomlTableReader consume(**table, "consume");
  SLUICE_RETURN_IF_ERROR(consume.CheckKeys(
      {"urls", "dialect", "store", "emergency_store", "metrics_listen", "credentials_file",
       "ca_file", "stall_timeout_ms", "recovery_window_ms", "max_recovery_jobs"}));
  if (flags.urls.empty() && consume.Has("urls")) {
    const toml::array* urls = (**table)["urls"].as_array();
    if (!urls) return Status::InvalidArgument("consume.urls: expected an array of strings");
    for (const toml::node& url : *urls) {
      if (!url.is_string()) {
        return Status::InvalidArgument("consume.urls: expected strings, got " +
                                       DescribeTomlValue(url));
      }
      flags.urls.push_back(*url.value<std::string>());
    }
  }
  auto text = [&](std::string_view key, std::string& into) -> Status {
    std::string value;
    SLUICE_RETURN_IF_ERROR(consume.ReadString(key, &value));
    if (into.empty()) into = value;
    return Status::Ok();
  };
  SLUICE_RETURN_IF_ERROR(text("dialect", flags.dialect));
  SLUICE_RETURN_IF_ERROR(text("store", flags.store));
  SLUICE_RETURN_IF_ERROR(text("emergency_store", flags.emergency_store));
  SLUICE_RETURN_IF_ERROR(text("metrics_listen", flags.metrics_listen));
  SLUICE_RETURN_IF_ERROR(text("credentials_file", flags.credentials_file));
  SLUICE_RETURN_IF_ERROR(text("ca_file", flags.ca_file));
  auto integer = [&](std::string_view key, IntRange range, auto& into) -> Status {
    int64_t value = 0;
    if (into || !consume.Has(key)) return Status::Ok();
    SLUICE_RETURN_IF_ERROR(consume.ReadInt(key, range, &value));
    into = static_cast<std::remove_reference_t<decltype(*into)>>(value);
    return Status::Ok();
  };
  SLUICE_RETURN_IF_ERROR(
      integer("stall_timeout_ms", {100, 3600 * kSecondMs}, flags.stall_timeout_ms));
  SLUICE_RETURN_IF_ERROR(integer("recovery_window_ms", {kMinuteMs, 30 * 24 * 3600 * kSecondMs},
                                 flags.recovery_window_ms));
  SLUICE_RETURN_IF_ERROR(integer("max_recovery_jobs", {1, 16}, flags.max_recovery_jobs));
  return Status::Ok();
}

// Credentials never come from the command line (they would show in `ps` and shell history):
// from the environment, or from a TOML file with user/password or bearer_token.
Result<consumer::StreamCredentials> LoadCredentials(const std::string& file) {
  consumer::StreamCredentials c;
  if (!file.empty()) {
    toml::table t;
    try {
      t = toml::parse_file(file);
    } catch (const toml::parse_error& e) {
      return Status::InvalidArgument(file + ": " + std::string(e.description()));
    }
    TomlTableReader reader(t, "");
    SLUICE_RETURN_IF_ERROR(reader.CheckKeys({"user", "password", "bearer_token"}));
    SLUICE_RETURN_IF_ERROR(reader.ReadString("user", &c.user));
    SLUICE_RETURN_IF_ERROR(reader.ReadString("password", &c.password));
    SLUICE_RETURN_IF_ERROR(reader.ReadString("bearer_token", &c.bearer_token));
  }
  auto env = [](const char* name, std::string& into) {
    if (const char* v = std::getenv(name); v && *v && into.empty()) into = v;
  };
  env("SLUICE_USER", c.user);
  env("SLUICE_PASSWORD", c.password);
  env("SLUICE_BEARER_TOKEN", c.bearer_token);
  return c;
}

// Fetches a running consumer's /status and prints it as a table.
int PrintStatus(const std::string& metrics_listen) {
  if (metrics_listen.empty()) {
    return Fail(2, "--status needs the running consumer's --metrics-listen HOST:PORT");
  }
  std::string body;
  CURL* curl = curl_easy_init();
  const std::string url = "http://" + metrics_listen + "/status";
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 5000L);
  curl_easy_setopt(
      curl, CURLOPT_WRITEFUNCTION, +[](char* data, size_t size, size_t count, void* out) {
        static_cast<std::string*>(out)->append(data, size * count);
        return size * count;
      });
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  const CURLcode code = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(curl);
  if (code != CURLE_OK || status != 200) {
    return Fail(1, "no consumer answers on " + url + " (" + curl_easy_strerror(code) + ")");
  }
  Result<std::string> table = consumer::FormatStatusTable(body);
  if (!table.ok()) return Fail(1, url + ": " + table.status().message());
  std::cout << *table;
  return 0;
}

}  // namespace

CLI::App* AddConsumeCommand(CLI::App& app, ConsumeFlags& f) {
  CLI::App* c = app.add_subcommand(
      "consume", "Hold redundant connections to a stream and store every post exactly once");
  c->add_option("--config", f.config_file, "TOML file with a [consume] table");
  c->add_option("--url", f.urls, "Stream URL; repeat for redundant connections");
  c->add_option("--dialect", f.dialect, "enterprise (default) or v2");
  c->add_option("--store", f.store, "sqlite:PATH | postgres:CONNINFO | ndjson:DIR");
  c->add_option("--emergency-store", f.emergency_store,
                "Store for the raw feed of the first connection (same URI forms)");
  c->add_option("--metrics-listen", f.metrics_listen,
                "HOST:PORT for /metrics and /status (port 0: any)");
  c->add_option("--credentials-file", f.credentials_file,
                "TOML with user/password or bearer_token (else SLUICE_USER, SLUICE_PASSWORD, "
                "SLUICE_BEARER_TOKEN)");
  c->add_option("--ca-file", f.ca_file, "CA bundle for https URLs");
  c->add_option("--stall-timeout-ms", f.stall_timeout_ms,
                "Reconnect when nothing arrived for this long (default 30000)");
  c->add_option("--recovery-window-ms", f.recovery_window_ms,
                "The server's recovery window (default: 5 days for Decahose URLs, else 24 h)");
  c->add_option("--max-recovery-jobs", f.max_recovery_jobs, "Concurrent recovery jobs (default 2)");
  c->add_option("--manual-clock", f.manual_clock,
                "Testing: the consumer's clock starts at this UTC time and moves only on POST "
                "/debug/clock?advance_ms=N of the metrics listener");
  c->add_flag("--status", f.status, "Print the running consumer's status (--metrics-listen)");
  return c;
}

CLI::App* AddReconcileCommand(CLI::App& app, ReconcileFlags& f) {
  CLI::App* c = app.add_subcommand(
      "reconcile", "Fill a time range of the primary store from the emergency store");
  c->add_option("--from", f.from, "The emergency store URI")->required();
  c->add_option("--to", f.to, "The primary store URI")->required();
  c->add_option("--start", f.start, "Start of the range, received time (ISO-8601 UTC)")->required();
  c->add_option("--end", f.end, "End of the range (exclusive)")->required();
  return c;
}

int RunConsume(const ConsumeFlags& given) {
  ConsumeFlags flags = given;
  if (!flags.config_file.empty()) {
    if (Status s = ApplyConfigFile(flags.config_file, flags); !s.ok()) return Fail(2, s.message());
  }
  if (flags.status) return PrintStatus(flags.metrics_listen);
  if (flags.urls.empty()) return Fail(2, "consume: give at least one --url");
  if (flags.store.empty()) return Fail(2, "consume: give --store");
  ConsumerOptions options;
  options.urls = flags.urls;
  if (flags.dialect.empty() || flags.dialect == "enterprise") {
    options.dialect = consumer::Dialect::kEnterprise;
  } else if (flags.dialect == "v2") {
    options.dialect = consumer::Dialect::kV2;
  } else {
    return Fail(2, "consume: --dialect is enterprise or v2, not " + flags.dialect);
  }
  Result<consumer::StreamCredentials> credentials = LoadCredentials(flags.credentials_file);
  if (!credentials.ok()) return Fail(2, credentials.status().message());
  options.credentials = std::move(*credentials);
  options.ca_file = flags.ca_file;
  if (flags.stall_timeout_ms) options.stall_timeout_ms = *flags.stall_timeout_ms;
  if (flags.recovery_window_ms) options.gaps.recovery_window_ms = *flags.recovery_window_ms;
  if (flags.max_recovery_jobs) options.max_recovery_jobs = *flags.max_recovery_jobs;

  SystemClock system_clock;
  std::unique_ptr<ManualClock> manual_clock;
  const Clock* clock = &system_clock;
  if (!flags.manual_clock.empty()) {
    Result<int64_t> start = ParseIsoTime(flags.manual_clock);
    if (!start.ok()) return Fail(2, "--manual-clock: " + start.status().message());
    if (flags.metrics_listen.empty()) return Fail(2, "--manual-clock needs --metrics-listen");
    manual_clock = std::make_unique<ManualClock>(*start);
    clock = manual_clock.get();
  }

  Result<std::unique_ptr<consumer::PostStore>> store = consumer::OpenStore(flags.store);
  if (!store.ok()) return Fail(2, "--store: " + store.status().message());
  std::unique_ptr<consumer::PostStore> emergency;
  if (!flags.emergency_store.empty()) {
    Result<std::unique_ptr<consumer::PostStore>> opened =
        consumer::OpenStore(flags.emergency_store);
    if (!opened.ok()) return Fail(2, "--emergency-store: " + opened.status().message());
    emergency = std::move(*opened);
  }

  // Block the stop signals before any thread starts, so only sigwait below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  Result<std::unique_ptr<consumer::Consumer>> created =
      consumer::Consumer::Create(options, **store, emergency.get(), *clock);
  if (!created.ok()) return Fail(2, created.status().message());
  consumer::Consumer& consumer = **created;
  std::unique_ptr<consumer::MetricsListener> listener;
  if (!flags.metrics_listen.empty()) {
    consumer::MetricsListenerOptions listen;
    const size_t colon = flags.metrics_listen.rfind(':');
    if (colon == std::string::npos) return Fail(2, "--metrics-listen: HOST:PORT");
    listen.host = flags.metrics_listen.substr(0, colon);
    try {
      const int port = std::stoi(flags.metrics_listen.substr(colon + 1));
      if (port < 0 || port > 65535) throw std::out_of_range("port");
      listen.port = static_cast<uint16_t>(port);
    } catch (const std::exception&) {
      return Fail(2, "--metrics-listen: bad port in " + flags.metrics_listen);
    }
    listen.metrics_text = [&consumer] { return consumer.RenderMetrics(); };
    listen.status_json = [&consumer] { return consumer.StatusJson(); };
    listen.debug_clock = manual_clock.get();
    Result<std::unique_ptr<consumer::MetricsListener>> started =
        consumer::MetricsListener::Start(std::move(listen));
    if (!started.ok()) return Fail(2, "--metrics-listen: " + started.status().message());
    listener = std::move(*started);
    // Tests and scripts read the bound port from this line.
    spdlog::info("sluice consume metrics on {}:{}", flags.metrics_listen.substr(0, colon),
                 listener->port());
  }
  if (Status s = consumer.Start(); !s.ok()) return Fail(1, s.ToString());
  int signal = 0;
  sigwait(&stop_signals, &signal);
  spdlog::info("signal {}: stopping", signal);
  consumer.Stop();
  listener.reset();
  return 0;
}

int RunReconcile(const ReconcileFlags& flags) {
  Result<int64_t> start = ParseIsoTime(flags.start);
  if (!start.ok()) return Fail(2, "--start: " + start.status().message());
  Result<int64_t> end = ParseIsoTime(flags.end);
  if (!end.ok()) return Fail(2, "--end: " + end.status().message());
  if (*start >= *end) return Fail(2, "--start must be before --end");
  Result<std::unique_ptr<consumer::PostStore>> from = consumer::OpenStore(flags.from);
  if (!from.ok()) return Fail(2, "--from: " + from.status().message());
  Result<std::unique_ptr<consumer::PostStore>> to = consumer::OpenStore(flags.to);
  if (!to.ok()) return Fail(2, "--to: " + to.status().message());
  Result<consumer::ReconcileReport> report = consumer::Reconcile(**from, **to, *start, *end, 5000);
  if (!report.ok()) return Fail(1, report.status().ToString());
  std::cout << "read " << report->read << " posts from " << (*from)->Describe() << ", stored "
            << report->inserted << " missing ones in " << (*to)->Describe() << ", "
            << report->already_present << " were already there\n";
  return 0;
}

}  // namespace sluice
