#include "consumer/stream_message.h"

#include <gtest/gtest.h>

#include "base/system_message_texts.h"

namespace sluice::consumer {
namespace {

StreamMessage Enterprise(std::string_view line) {
  return MessageClassifier(Dialect::kEnterprise).Classify(line);
}
StreamMessage V2(std::string_view line) { return MessageClassifier(Dialect::kV2).Classify(line); }

TEST(StreamMessageTest, EmptyLineIsHeartbeat) {
  EXPECT_EQ(Enterprise("").kind, MessageKind::kHeartbeat);
  EXPECT_EQ(V2("").kind, MessageKind::kHeartbeat);
  EXPECT_EQ(Enterprise(" \n").kind, MessageKind::kHeartbeat);
}

TEST(StreamMessageTest, V11PostWithIdStr) {
  const StreamMessage m = Enterprise(
      R"({"created_at":"x","id":1795428000123456789,"id_str":"1795428000123456789","text":"a\nb"})");
  EXPECT_EQ(m.kind, MessageKind::kPost);
  EXPECT_EQ(m.post_id, 1795428000123456789u);
}

TEST(StreamMessageTest, V11PostWithNumericIdOnly) {
  const StreamMessage m = Enterprise(R"({"id":42,"text":"hi"})");
  EXPECT_EQ(m.kind, MessageKind::kPost);
  EXPECT_EQ(m.post_id, 42u);
}

TEST(StreamMessageTest, LargestIdAsNumber) {
  const StreamMessage m = Enterprise(R"({"id":18446744073709551615})");
  EXPECT_EQ(m.kind, MessageKind::kPost);
  EXPECT_EQ(m.post_id, 18446744073709551615u);
}

TEST(StreamMessageTest, V2EnvelopeInBothDialects) {
  const std::string_view line =
      R"({"data":{"id":"1795428000123456789","text":"hi"},"matching_rules":[{"id":"7","tag":"t"}]})";
  for (Dialect dialect : {Dialect::kEnterprise, Dialect::kV2}) {
    const StreamMessage m = MessageClassifier(dialect).Classify(line);
    EXPECT_EQ(m.kind, MessageKind::kPost);
    EXPECT_EQ(m.post_id, 1795428000123456789u);
  }
}

TEST(StreamMessageTest, V11PostInV2Dialect) {
  const StreamMessage m = V2(R"({"id_str":"7","text":"x"})");
  EXPECT_EQ(m.kind, MessageKind::kPost);
  EXPECT_EQ(m.post_id, 7u);
}

TEST(StreamMessageTest, V2PostWithPartialErrorsIsAPost) {
  const StreamMessage m =
      V2(R"({"data":{"id":"9"},"errors":[{"title":"Not Found Error","detail":"x"}]})");
  EXPECT_EQ(m.kind, MessageKind::kPost);
  EXPECT_EQ(m.post_id, 9u);
}

TEST(StreamMessageTest, EnterpriseSlowReaderMessage) {
  const StreamMessage m =
      Enterprise(std::string(R"({"error":{"message":")") + std::string(kSlowReaderMessage) +
                 R"(","sent":"2026-11-23T00:46:19+00:00"}})");
  EXPECT_EQ(m.kind, MessageKind::kSystem);
  EXPECT_EQ(m.level, SystemLevel::kError);
  EXPECT_EQ(m.text, kSlowReaderMessage);
  EXPECT_EQ(m.disconnect_type, "SlowReader");
  EXPECT_FALSE(m.recovery_completed);
}

TEST(StreamMessageTest, EnterpriseOperationalDisconnect) {
  const StreamMessage m = Enterprise(
      R"({"error":{"message":"This stream has been disconnected for operational reasons.","sent":"2026-11-23T00:46:19+00:00"}})");
  EXPECT_EQ(m.kind, MessageKind::kSystem);
  EXPECT_EQ(m.disconnect_type, "OperationalDisconnect");
}

TEST(StreamMessageTest, EnterpriseConnectionLimitWithOrWithoutPeriod) {
  for (std::string_view text :
       {"This stream is currently at the maximum allowed connection limit",
        "This stream is currently at the maximum allowed connection limit."}) {
    const StreamMessage m = Enterprise(std::string(R"({"error":{"message":")") + std::string(text) +
                                       R"(","sent":"x"}})");
    EXPECT_EQ(m.kind, MessageKind::kSystem);
    EXPECT_EQ(m.disconnect_type, "TooManyConnections") << text;
  }
}

TEST(StreamMessageTest, EnterpriseInfoAndWarnLevels) {
  const StreamMessage info = Enterprise(R"({"info":{"message":"hello","sent":"x"}})");
  EXPECT_EQ(info.kind, MessageKind::kSystem);
  EXPECT_EQ(info.level, SystemLevel::kInfo);
  EXPECT_EQ(info.text, "hello");
  EXPECT_EQ(info.disconnect_type, "");
  EXPECT_EQ(info.activity_count, -1);
  const StreamMessage warn = Enterprise(R"({"warn":{"message":"careful","sent":"x"}})");
  EXPECT_EQ(warn.level, SystemLevel::kWarn);
}

TEST(StreamMessageTest, RecoveryCompletedWithActivityCount) {
  const StreamMessage m = Enterprise(
      R"({"info":{"message":"Recovery Request Completed","sent":"2026-11-23T00:46:19+00:00","activity_count":1234}})");
  EXPECT_EQ(m.kind, MessageKind::kSystem);
  EXPECT_EQ(m.level, SystemLevel::kInfo);
  EXPECT_TRUE(m.recovery_completed);
  EXPECT_EQ(m.activity_count, 1234);
}

TEST(StreamMessageTest, RecoveryFailedIsAnErrorNotACompletion) {
  const StreamMessage m = Enterprise(
      R"({"error":{"message":"Recovery Request Failed to Complete: disk","sent":"x","unprocessed_range":{"startTime":"a","endTime":"b"}}})");
  EXPECT_EQ(m.kind, MessageKind::kSystem);
  EXPECT_EQ(m.level, SystemLevel::kError);
  EXPECT_FALSE(m.recovery_completed);
}

TEST(StreamMessageTest, V2ErrorsWithDisconnectType) {
  const StreamMessage m = V2(
      R"({"errors":[{"title":"operational-disconnect","disconnect_type":"OperationalDisconnect","detail":"This stream has been disconnected for operational reasons.","type":"https://api.twitter.com/2/problems/operational-disconnect"}]})");
  EXPECT_EQ(m.kind, MessageKind::kSystem);
  EXPECT_EQ(m.level, SystemLevel::kError);
  EXPECT_EQ(m.text,
            "operational-disconnect: This stream has been disconnected for operational reasons.");
  EXPECT_EQ(m.disconnect_type, "OperationalDisconnect");
}

TEST(StreamMessageTest, V2ErrorWithConnectionIssue) {
  const StreamMessage m = V2(
      R"({"title":"ConnectionException","errors":[{"title":"ConnectionException","detail":"Too many connections","connection_issue":"TooManyConnections","type":"x"}]})");
  EXPECT_EQ(m.kind, MessageKind::kSystem);
  EXPECT_EQ(m.disconnect_type, "TooManyConnections");
  EXPECT_EQ(m.text, "ConnectionException: Too many connections");
}

TEST(StreamMessageTest, InvalidJsonIsMalformed) {
  const StreamMessage m = Enterprise(R"({"id_str":"1",)");
  EXPECT_EQ(m.kind, MessageKind::kMalformed);
  EXPECT_NE(m.text.find("invalid JSON"), std::string::npos) << m.text;
}

TEST(StreamMessageTest, NonObjectIsMalformed) {
  EXPECT_EQ(Enterprise("[1,2]").kind, MessageKind::kMalformed);
  EXPECT_EQ(Enterprise("42").kind, MessageKind::kMalformed);
}

TEST(StreamMessageTest, ObjectWithoutIdIsMalformed) {
  const StreamMessage m = Enterprise(R"({"text":"no id"})");
  EXPECT_EQ(m.kind, MessageKind::kMalformed);
  EXPECT_NE(m.text.find("no post id"), std::string::npos) << m.text;
}

TEST(StreamMessageTest, BadIdsAreMalformed) {
  for (std::string_view line :
       {R"({"id_str":"0"})", R"({"id_str":"-5"})", R"({"id_str":"12a"})", R"({"id":-1})",
        R"({"id":1.5})", R"({"id_str":"18446744073709551616"})", R"({"id_str":""})",
        R"({"data":{"id":"x"}})", R"({"id":null})"}) {
    const StreamMessage m = Enterprise(line);
    EXPECT_EQ(m.kind, MessageKind::kMalformed) << line;
  }
}

TEST(StreamMessageTest, BadIdStrIsNotRescuedByNumericId) {
  EXPECT_EQ(Enterprise(R"({"id_str":"x","id":5})").kind, MessageKind::kMalformed);
}

TEST(StreamMessageTest, SystemShapeWithExtraKeysIsNotASystemMessage) {
  EXPECT_EQ(Enterprise(R"({"info":{"message":"m"},"other":1})").kind, MessageKind::kMalformed);
  EXPECT_EQ(Enterprise(R"({"info":{"sent":"x"}})").kind, MessageKind::kMalformed);
  EXPECT_EQ(Enterprise(R"({"notice":{"message":"m"}})").kind, MessageKind::kMalformed);
}

TEST(StreamMessageTest, ClassifierIsReusable) {
  MessageClassifier classifier(Dialect::kEnterprise);
  EXPECT_EQ(classifier.Classify(R"({"id_str":"1"})").post_id, 1u);
  EXPECT_EQ(classifier.Classify("garbage").kind, MessageKind::kMalformed);
  EXPECT_EQ(classifier.Classify(R"({"id_str":"2"})").post_id, 2u);
}

}  // namespace
}  // namespace sluice::consumer

namespace sluice::consumer {
namespace {

TEST(MessageClassifierPeekTest, FindsTheIdOfBothPostShapesCheaply) {
  MessageClassifier classifier(Dialect::kEnterprise);
  EXPECT_EQ(classifier.PeekPostId(
                R"({"created_at":"x","id":1234567890123,"id_str":"1234567890123","text":"hi"})"),
            1234567890123u);
  EXPECT_EQ(classifier.PeekPostId(R"({"data":{"text":"hi","id":"99"},"includes":{}})"), 99u);
}

TEST(MessageClassifierPeekTest, LeavesEverythingElseToClassify) {
  MessageClassifier classifier(Dialect::kEnterprise);
  EXPECT_EQ(classifier.PeekPostId(R"({"info":{"message":"Recovery Request Completed"}})"), 0u);
  EXPECT_EQ(classifier.PeekPostId(R"({"id":5,"text":"only a numeric id"})"), 0u);
  EXPECT_EQ(classifier.PeekPostId("not json"), 0u);
  EXPECT_EQ(classifier.PeekPostId(R"({"id_str":"-3"})"), 0u);
  EXPECT_EQ(
      classifier.PeekPostId(R"({"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"id_str":"7"})"),
      0u)
      << "looks at the first fields only";
  EXPECT_EQ(classifier.PeekPostId(R"({"id_str":"12","text":)"), 0u)
      << "a cut-off line is not a post (simdjson indexes the whole line's structure first)";
}

}  // namespace
}  // namespace sluice::consumer
