#include "http/server.h"

#include <spdlog/spdlog.h>

#include "http/http_session.h"

namespace sluice {

namespace asio = boost::asio;
using asio::ip::tcp;

HttpServer::HttpServer(asio::io_context& io, ServerContext& context)
    : io_(io), context_(context), acceptor_(io) {}

Result<tcp::endpoint> HttpServer::Listen(const std::string& host, uint16_t port) {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) return Status::InvalidArgument("'" + host + "' is not an IP address");
  const tcp::endpoint endpoint(address, port);
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::IoError("cannot listen on " + host + ":" + std::to_string(port) + ": " +
                           ec.message());
  }
  const tcp::endpoint bound = acceptor_.local_endpoint(ec);
  Accept();
  return bound;
}

void HttpServer::Accept() {
  acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (!ec) {
      const int open = context_.open_sockets.load(std::memory_order_relaxed) +
                       context_.stream_connections.open.load(std::memory_order_relaxed);
      if (open >= context_.config.max_connections) {
        context_.http_metrics.rejected_connections->Add(1);
        boost::system::error_code ignored;
        socket.close(ignored);
      } else {
        boost::system::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        std::make_shared<HttpSession>(std::move(socket), context_)->Start();
      }
    } else {
      spdlog::warn("accept failed: {}", ec.message());
    }
    Accept();
  });
}

void HttpServer::Shutdown() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  for (const auto& stream : context_.registry.streams()) {
    for (size_t i = 0; i < stream->channel_count(); ++i) {
      stream->channel(i).DisconnectAll(DisconnectReason::kOperational);
    }
  }
  // Recoveries are in no channel.
  for (const auto& connection : context_.recovery_jobs.Connections()) {
    connection->Disconnect(DisconnectReason::kOperational);
  }
}

}  // namespace sluice
