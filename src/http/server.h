// HttpServer: the listening socket(s) of sluiced and the shutdown of what they accepted.
// Public surface of the http subsystem.
//
// Thread safety: construct, Listen and Shutdown from the thread that runs `io` (or before it
// runs); everything else happens on that thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <string>

#include "base/status.h"
#include "http/server_context.h"

namespace sluice {

class HttpServer {
 public:
  HttpServer(boost::asio::io_context& io, ServerContext& context);
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds host:port (port 0: ephemeral) and starts accepting. Returns the bound endpoint.
  // Errors: InvalidArgument for a bad host, IoError when the address cannot be bound.
  Result<boost::asio::ip::tcp::endpoint> Listen(const std::string& host, uint16_t port);

  // Stops accepting and disconnects every stream connection with the operational message.
  void Shutdown();

 private:
  void Accept();

  boost::asio::io_context& io_;
  ServerContext& context_;
  boost::asio::ip::tcp::acceptor acceptor_;
};

}  // namespace sluice
