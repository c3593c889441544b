#include "consumer/stream_message.h"

#include <simdjson.h>

#include <cstring>
#include <vector>

#include "base/system_message_texts.h"
#include "post/json_id.h"
#include "post/post_parser.h"

namespace sluice::consumer {

namespace {

using simdjson::SUCCESS;
using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

StreamMessage Malformed(std::string why) {
  StreamMessage message;
  message.kind = MessageKind::kMalformed;
  message.text = std::move(why);
  return message;
}

// The id field of a post, or nullptr-equivalent (false) when the object has none of the shapes.
// As in PostParser, a present but bad id is not a reason to try another field.
bool FindV11Id(object post, element& id) {
  return post.at_key("id_str").get(id) == SUCCESS || post.at_key("id").get(id) == SUCCESS;
}

bool FindV2Id(object post, element& id) {
  object data;
  return post.at_key("data").get_object().get(data) == SUCCESS &&
         data.at_key("id").get(id) == SUCCESS;
}

std::string StringField(object o, std::string_view key) {
  std::string_view value;
  if (o.at_key(key).get_string().get(value) != SUCCESS) return {};
  return std::string(value);
}

// {"info"|"warn"|"error":{"message":"…","sent":"…"}}: exactly one key, so that a post that
// happens to have a member named `info` is never mistaken for one.
bool ClassifyEnterpriseSystem(object root, StreamMessage& out) {
  if (root.size() != 1) return false;
  const simdjson::dom::key_value_pair field = *root.begin();
  SystemLevel level;
  if (field.key == "info") {
    level = SystemLevel::kInfo;
  } else if (field.key == "warn") {
    level = SystemLevel::kWarn;
  } else if (field.key == "error") {
    level = SystemLevel::kError;
  } else {
    return false;
  }
  object body;
  std::string_view text;
  if (field.value.get_object().get(body) != SUCCESS ||
      body.at_key("message").get_string().get(text) != SUCCESS) {
    return false;
  }
  out.kind = MessageKind::kSystem;
  out.level = level;
  out.text = std::string(text);
  out.disconnect_type = std::string(DisconnectTypeOfEnterpriseText(text));
  out.recovery_completed = level == SystemLevel::kInfo && text == kRecoveryCompletedMessage;
  int64_t count = 0;
  if (body.at_key("activity_count").get_int64().get(count) == SUCCESS && count >= 0) {
    out.activity_count = count;
  }
  return true;
}

// {"errors":[{"title","disconnect_type","detail","type"}]} without `data`.
bool ClassifyV2Errors(object root, StreamMessage& out) {
  array errors;
  if (root.at_key("errors").get_array().get(errors) != SUCCESS) return false;
  object first;
  if (errors.at(0).get_object().get(first) != SUCCESS) return false;
  out.kind = MessageKind::kSystem;
  out.level = SystemLevel::kError;
  std::string title = StringField(first, "title");
  const std::string detail = StringField(first, "detail");
  if (title.empty()) title = StringField(first, "message");
  out.text = detail.empty() ? title : title.empty() ? detail : title + ": " + detail;
  out.disconnect_type = StringField(first, "disconnect_type");
  if (out.disconnect_type.empty()) out.disconnect_type = StringField(first, "connection_issue");
  return true;
}

// The system message texts (stream/system_message.h) without their final period, so that
// "…connection limit" (SPEC §3) and "…connection limit." (our server) both match.
bool StartsWithText(std::string_view text, std::string_view reference) {
  if (!reference.empty() && reference.back() == '.') reference.remove_suffix(1);
  return text.substr(0, reference.size()) == reference;
}

}  // namespace

std::string_view DisconnectTypeOfEnterpriseText(std::string_view text) {
  if (StartsWithText(text, kSlowReaderMessage)) return kSlowReaderDisconnect;
  if (StartsWithText(text, kOperationalMessage)) return kOperationalDisconnect;
  if (StartsWithText(text, kConnectionLimitMessage)) return kTooManyConnectionsDisconnect;
  return {};
}

struct MessageClassifier::Impl {
  explicit Impl(Dialect d) : dialect(d) {}
  Dialect dialect;
  simdjson::dom::parser parser;
  simdjson::ondemand::parser peek_parser;
  std::vector<char> peek_buffer;  // the line plus simdjson's padding
};

MessageClassifier::MessageClassifier(Dialect dialect) : impl_(std::make_unique<Impl>(dialect)) {}
MessageClassifier::~MessageClassifier() = default;
MessageClassifier::MessageClassifier(MessageClassifier&&) noexcept = default;
MessageClassifier& MessageClassifier::operator=(MessageClassifier&&) noexcept = default;

StreamMessage MessageClassifier::Classify(std::string_view line) {
  if (line.find_first_not_of(" \t\n") == std::string_view::npos) {
    StreamMessage heartbeat;
    heartbeat.kind = MessageKind::kHeartbeat;
    return heartbeat;
  }
  element root;
  // realloc_if_needed: simdjson copies the line into its own padded buffer (posts are ~3 KB).
  const simdjson::error_code error =
      impl_->parser.parse(line.data(), line.size(), /*realloc_if_needed=*/true).get(root);
  if (error != SUCCESS) {
    return Malformed(std::string("invalid JSON: ") + simdjson::error_message(error));
  }
  object top;
  if (root.get_object().get(top) != SUCCESS) return Malformed("message is not a JSON object");

  element id;
  const bool found = impl_->dialect == Dialect::kV2 ? FindV2Id(top, id) || FindV11Id(top, id)
                                                    : FindV11Id(top, id) || FindV2Id(top, id);
  if (found) {
    const uint64_t post_id = JsonPositiveId(id);
    if (post_id == 0) return Malformed("post id is not a positive 64-bit integer");
    StreamMessage post;
    post.kind = MessageKind::kPost;
    post.post_id = post_id;
    return post;
  }
  StreamMessage system;
  if (ClassifyEnterpriseSystem(top, system) || ClassifyV2Errors(top, system)) return system;
  return Malformed("object has no post id (id_str, id or data.id) and is no system message");
}

uint64_t MessageClassifier::PeekPostId(std::string_view line) {
  // X writes `id_str` third and v2 `data` first: a post is recognised within a few fields.
  constexpr int kFieldsLooked = 8;
  std::vector<char>& buffer = impl_->peek_buffer;
  buffer.resize(line.size() + simdjson::SIMDJSON_PADDING);
  std::memcpy(buffer.data(), line.data(), line.size());
  simdjson::ondemand::document document;
  if (impl_->peek_parser.iterate(buffer.data(), line.size(), buffer.size()).get(document)) {
    return 0;
  }
  simdjson::ondemand::object top;
  if (document.get_object().get(top)) return 0;
  int looked = 0;
  for (auto field : top) {
    if (++looked > kFieldsLooked) return 0;
    std::string_view key;
    if (field.unescaped_key().get(key)) return 0;
    if (key == "id_str") {
      std::string_view digits;
      if (field.value().get_string().get(digits)) return 0;
      return ParsePositiveDecimalId(digits);
    }
    if (key == "data") {
      simdjson::ondemand::object data;
      std::string_view digits;
      if (field.value().get_object().get(data) || data.find_field_unordered("id").get(digits)) {
        return 0;
      }
      return ParsePositiveDecimalId(digits);
    }
  }
  return 0;
}

}  // namespace sluice::consumer
