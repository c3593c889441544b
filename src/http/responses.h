// Plain (non-streaming) responses of the enterprise dialect: JSON bodies shaped like the
// stream's system messages, so a client has one error format to read.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string>
#include <string_view>

namespace sluice {

using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

// {"error":{"message":…,"sent":…}} with the given status.
HttpResponse EnterpriseError(boost::beast::http::status status, std::string_view message,
                             int64_t now_ms);
HttpResponse JsonResponse(boost::beast::http::status status, std::string body);
HttpResponse TextResponse(boost::beast::http::status status, std::string body,
                          std::string_view content_type);

// Whether an Accept-Encoding header value accepts gzip (a `gzip` or `*` token whose q is not 0).
bool AcceptsGzip(std::string_view accept_encoding);

}  // namespace sluice
