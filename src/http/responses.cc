#include "http/responses.h"

#include <boost/beast/http/field.hpp>
#include <cctype>

#include "stream/system_message.h"

namespace sluice {

namespace http = boost::beast::http;

HttpResponse TextResponse(http::status status, std::string body, std::string_view content_type) {
  HttpResponse res{status, 11};
  res.set(http::field::server, "sluice");
  res.set(http::field::content_type, content_type);
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

HttpResponse JsonResponse(http::status status, std::string body) {
  return TextResponse(status, std::move(body), "application/json; charset=utf-8");
}

HttpResponse EnterpriseError(http::status status, std::string_view message, int64_t now_ms) {
  return JsonResponse(status, EnterpriseSystemMessage("error", message, now_ms) + "\r\n");
}

bool AcceptsGzip(std::string_view value) {
  while (!value.empty()) {
    const size_t comma = value.find(',');
    std::string_view item = value.substr(0, comma);
    value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
    const size_t semi = item.find(';');
    std::string_view coding = item.substr(0, semi);
    while (!coding.empty() && std::isspace(static_cast<unsigned char>(coding.front()))) {
      coding.remove_prefix(1);
    }
    while (!coding.empty() && std::isspace(static_cast<unsigned char>(coding.back()))) {
      coding.remove_suffix(1);
    }
    std::string lower;
    for (char c : coding) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower != "gzip" && lower != "x-gzip" && lower != "*") continue;
    if (semi != std::string_view::npos) {
      std::string params(item.substr(semi + 1));
      std::string compact;
      for (char c : params) {
        if (!std::isspace(static_cast<unsigned char>(c))) compact += c;
      }
      if (compact.rfind("q=0", 0) == 0 && compact.find_first_not_of("0.", 2) == std::string::npos) {
        continue;  // q=0 / q=0.0 / q=0.000: explicitly refused
      }
    }
    return true;
  }
  return false;
}

}  // namespace sluice
