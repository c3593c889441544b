#include "consumer/message_splitter.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sluice::consumer {
namespace {

struct Collected {
  std::vector<std::string> messages;
  std::function<void(std::string_view)> sink() {
    return [this](std::string_view line) { messages.emplace_back(line); };
  }
};

const std::string kStream =
    "{\"id_str\":\"1\",\"text\":\"line one\\nline two\"}\r\n"
    "\r\n"
    "{\"id_str\":\"2\",\"text\":\"raw\nnewline\"}\r\n"
    "{\"info\":{\"message\":\"Recovery Request Completed\",\"sent\":\"x\"}}\r\n"
    "\r\n";

const std::vector<std::string> kExpected = {
    "{\"id_str\":\"1\",\"text\":\"line one\\nline two\"}", "",
    "{\"id_str\":\"2\",\"text\":\"raw\nnewline\"}",
    "{\"info\":{\"message\":\"Recovery Request Completed\",\"sent\":\"x\"}}", ""};

TEST(MessageSplitterTest, WholeStreamInOneFeed) {
  MessageSplitter splitter;
  Collected got;
  ASSERT_TRUE(splitter.Feed(kStream, got.sink()).ok());
  EXPECT_EQ(got.messages, kExpected);
  EXPECT_EQ(splitter.buffered_bytes(), 0u);
}

TEST(MessageSplitterTest, SplitAtEveryBytePosition) {
  for (size_t cut = 0; cut <= kStream.size(); ++cut) {
    MessageSplitter splitter;
    Collected got;
    ASSERT_TRUE(splitter.Feed(std::string_view(kStream).substr(0, cut), got.sink()).ok());
    ASSERT_TRUE(splitter.Feed(std::string_view(kStream).substr(cut), got.sink()).ok());
    EXPECT_EQ(got.messages, kExpected) << "cut at " << cut;
    EXPECT_EQ(splitter.buffered_bytes(), 0u);
  }
}

TEST(MessageSplitterTest, SplitAtEveryPairOfPositions) {
  const std::string_view stream = kStream;
  for (size_t a = 0; a <= stream.size(); ++a) {
    for (size_t b = a; b <= stream.size(); ++b) {
      MessageSplitter splitter;
      Collected got;
      ASSERT_TRUE(splitter.Feed(stream.substr(0, a), got.sink()).ok());
      ASSERT_TRUE(splitter.Feed(stream.substr(a, b - a), got.sink()).ok());
      ASSERT_TRUE(splitter.Feed(stream.substr(b), got.sink()).ok());
      ASSERT_EQ(got.messages, kExpected) << "cuts at " << a << ", " << b;
    }
  }
}

TEST(MessageSplitterTest, OneByteAtATime) {
  MessageSplitter splitter;
  Collected got;
  for (const char c : kStream) ASSERT_TRUE(splitter.Feed(std::string_view(&c, 1), got.sink()).ok());
  EXPECT_EQ(got.messages, kExpected);
}

TEST(MessageSplitterTest, NewlineAloneDoesNotEndAMessage) {
  MessageSplitter splitter;
  Collected got;
  ASSERT_TRUE(splitter.Feed("a\nb\n", got.sink()).ok());
  EXPECT_TRUE(got.messages.empty());
  EXPECT_EQ(splitter.buffered_bytes(), 4u);
  ASSERT_TRUE(splitter.Feed("c\r\n", got.sink()).ok());
  EXPECT_EQ(got.messages, std::vector<std::string>{"a\nb\nc"});
}

TEST(MessageSplitterTest, CarriageReturnBeforeTerminatorStaysInMessage) {
  MessageSplitter splitter;
  Collected got;
  ASSERT_TRUE(splitter.Feed("x\r", got.sink()).ok());
  ASSERT_TRUE(splitter.Feed("\r\n", got.sink()).ok());
  EXPECT_EQ(got.messages, std::vector<std::string>{"x\r"});
}

TEST(MessageSplitterTest, IncompleteMessageIsHeld) {
  MessageSplitter splitter;
  Collected got;
  ASSERT_TRUE(splitter.Feed("{\"id\":1}\r\n{\"id\"", got.sink()).ok());
  EXPECT_EQ(got.messages, std::vector<std::string>{"{\"id\":1}"});
  EXPECT_EQ(splitter.buffered_bytes(), 5u);
}

TEST(MessageSplitterTest, OversizeMessageInOneFeedIsResourceExhausted) {
  MessageSplitter splitter(8);
  Collected got;
  const Status status = splitter.Feed("123456789\r\n", got.sink());
  EXPECT_EQ(status.code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(got.messages.empty());
}

TEST(MessageSplitterTest, OversizeMessageAcrossFeedsIsResourceExhausted) {
  MessageSplitter splitter(8);
  Collected got;
  ASSERT_TRUE(splitter.Feed("12345", got.sink()).ok());
  EXPECT_EQ(splitter.Feed("6789", got.sink()).code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(splitter.buffered_bytes(), 0u);
}

TEST(MessageSplitterTest, MessageOfExactlyTheBoundIsAccepted) {
  MessageSplitter splitter(8);
  Collected got;
  // The pending '\r' is the terminator's first half, not part of the message.
  ASSERT_TRUE(splitter.Feed("12345678\r", got.sink()).ok());
  ASSERT_TRUE(splitter.Feed("\n", got.sink()).ok());
  EXPECT_EQ(got.messages, std::vector<std::string>{"12345678"});
}

TEST(MessageSplitterTest, BytesAfterAnErrorAreNotParsed) {
  MessageSplitter splitter(4);
  Collected got;
  EXPECT_FALSE(splitter.Feed("toolong", got.sink()).ok());
  EXPECT_EQ(splitter.Feed("ok\r\n", got.sink()).code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(got.messages.empty());
}

TEST(MessageSplitterTest, ResetStartsANewConnection) {
  MessageSplitter splitter(4);
  Collected got;
  EXPECT_FALSE(splitter.Feed("toolong", got.sink()).ok());
  splitter.Reset();
  ASSERT_TRUE(splitter.Feed("ab", got.sink()).ok());
  splitter.Reset();  // the half message of the old connection is dropped
  ASSERT_TRUE(splitter.Feed("ok\r\n", got.sink()).ok());
  EXPECT_EQ(got.messages, std::vector<std::string>{"ok"});
}

}  // namespace
}  // namespace sluice::consumer
