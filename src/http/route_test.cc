#include "http/route.h"

#include <gtest/gtest.h>

#include "http/responses.h"

namespace sluice {
namespace {

TEST(RouteTest, EnterpriseStreamUrls) {
  Route r = ParseRoute("/stream/powertrack/accounts/acme/publishers/twitter/prod.json");
  EXPECT_EQ(r.kind, Route::Kind::kEnterpriseStream);
  EXPECT_EQ(r.stream_kind, StreamKind::kPowerTrack);
  EXPECT_EQ(r.account, "acme");
  EXPECT_EQ(r.label, "prod");

  r = ParseRoute("/stream/sample10/accounts/acme/publishers/twitter/deca.json?partition=2");
  EXPECT_EQ(r.stream_kind, StreamKind::kDecahose);
  EXPECT_EQ(r.query.at("partition"), "2");

  r = ParseRoute("/stream/sample1/accounts/a%20b/publishers/twitter/s.json");
  EXPECT_EQ(r.stream_kind, StreamKind::kSample);
  EXPECT_EQ(r.account, "a b");
}

TEST(RouteTest, RulesUrls) {
  Route r = ParseRoute("/rules/powertrack/accounts/acme/publishers/twitter/prod.json?_method=get");
  EXPECT_EQ(r.kind, Route::Kind::kRules);
  EXPECT_EQ(r.account, "acme");
  EXPECT_EQ(r.label, "prod");
  EXPECT_EQ(r.query.at("_method"), "get");

  r = ParseRoute("/rules/powertrack/accounts/acme/publishers/twitter/prod/rules/12345.json");
  EXPECT_EQ(r.kind, Route::Kind::kRule);
  EXPECT_EQ(r.label, "prod");
  EXPECT_EQ(r.rule_id, "12345");

  r = ParseRoute("/rules/powertrack/accounts/acme/publishers/twitter/prod/validation.json");
  EXPECT_EQ(r.kind, Route::Kind::kRuleValidation);
  EXPECT_EQ(r.account, "acme");
  EXPECT_EQ(r.label, "prod");

  for (const char* target : {"/rules/sample10/accounts/acme/publishers/twitter/prod.json",
                             "/rules/powertrack/accounts/acme/publishers/twitter/.json",
                             "/rules/powertrack/accounts/acme/publishers/twitter/prod/rules/.json",
                             "/rules/powertrack/accounts/acme/publishers/twitter/prod/x.json",
                             "/rules/powertrack/accounts/acme/publishers/facebook/prod.json"}) {
    EXPECT_EQ(ParseRoute(target).kind, Route::Kind::kNotFound) << target;
  }
}

TEST(RouteTest, NearMissesAreNotFound) {
  for (const char* target : {"/stream/powertrack/accounts/acme/publishers/twitter/prod",
                             "/stream/firehose/accounts/acme/publishers/twitter/prod.json",
                             "/stream/powertrack/accounts/acme/publishers/facebook/prod.json",
                             "/stream/powertrack/accounts/acme/publishers/twitter/.json",
                             "/stream/powertrack/accounts/acme/publishers/twitter/x/prod.json", "",
                             "stream", "/ingest/x"}) {
    EXPECT_EQ(ParseRoute(target).kind, Route::Kind::kNotFound) << target;
  }
  EXPECT_EQ(ParseRoute("/ingest").kind, Route::Kind::kIngest);
  EXPECT_EQ(ParseRoute("/metrics").kind, Route::Kind::kMetrics);
}

TEST(RouteTest, QueryDecodingKeepsFirstValueAndToleratesBadEscapes) {
  const Route r = ParseRoute("/metrics?a=1&a=2&b=x%2By+z&c=%zz&d");
  EXPECT_EQ(r.query.at("a"), "1");
  EXPECT_EQ(r.query.at("b"), "x+y z");
  EXPECT_EQ(r.query.at("c"), "%zz");
  EXPECT_EQ(r.query.at("d"), "");
}

TEST(AcceptsGzipTest, Tokens) {
  EXPECT_TRUE(AcceptsGzip("gzip"));
  EXPECT_TRUE(AcceptsGzip("deflate, gzip;q=1.0, *;q=0.5"));
  EXPECT_TRUE(AcceptsGzip(" GZIP "));
  EXPECT_TRUE(AcceptsGzip("*"));
  EXPECT_FALSE(AcceptsGzip(""));
  EXPECT_FALSE(AcceptsGzip("identity"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0"));
  EXPECT_FALSE(AcceptsGzip("gzip; q=0.000"));
  EXPECT_TRUE(AcceptsGzip("gzip;q=0.5"));
  EXPECT_FALSE(AcceptsGzip("gzipx"));
}

}  // namespace
}  // namespace sluice
