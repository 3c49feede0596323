// server/server.h: `skg serve`, an HTTP API over one Database: yente-shaped matching
// (/match, /search, /entities) and the ownership answers yente cannot give (/exposure,
// /blocked, /reach, /owners, /entities/{id}/adjacent). server/README.md lists the routes and
// every difference from yente's API that is kept.
//
// The Database is held by shared_ptr and swapped whole by reload(): a request takes its own
// reference when it starts, so a reload never fails or changes an answer half-way.
//   skg::server::Server server(std::make_shared<skg::Database>(skg::Database::open({"data"})));
//   int port = server.bind("127.0.0.1", 0);  // 0: a free port
//   server.start();                           // serves on its own threads
//   ...
//   server.stop();
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "skg/skg.h"

namespace skg::server {

struct ServerOptions {
  int threads = 0;                     // worker threads; 0: twice the cores, at least 8
  std::size_t max_body = 1 << 20;      // request bodies above it: 413
  std::size_t max_limit = 500;         // `limit` above it: 400 (yente: MAX_PAGE / MAX_MATCHES)
  std::size_t max_batch = 100;         // queries in one /match body (yente: MAX_BATCH)
  std::size_t max_depth = 32;          // JSON nesting deeper than this: 400
  /// Work stops at the next unit (a query of a batch, a page row) once a request has run this
  /// long: 503 naming how far it got. One query is never cut half-way.
  std::chrono::milliseconds time_limit{10000};
  /// Sockets: a client that sends or reads nothing for this long is dropped.
  std::chrono::seconds io_timeout{10};
  /// The day answers are about when the request gives no `as_of`; unset: today (UTC).
  std::optional<Date> as_of;
  /// One JSON line per request (method, path, status, bytes, ms, remote); null: none.
  std::ostream* access_log = nullptr;
};

/// Makes a new Database for reload() (the same --data or --snapshot, read again).
using Loader = std::function<std::shared_ptr<const Database>()>;

class Server {
 public:
  explicit Server(std::shared_ptr<const Database> database, ServerOptions options = {},
                  Loader loader = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds to host:port (port 0: a free one); returns the port, or throws Error naming why not.
  int bind(const std::string& host, int port);
  /// Serves until stop(), on this thread.
  void run();
  /// Serves on a thread of its own; returns once it accepts connections.
  void start();
  /// Stops accepting, finishes the requests under way, returns when the server thread is done.
  void stop();

  /// Reads the data again with the Loader and swaps it in (indexes built first, so the first
  /// requests after it are not slow). On failure the old data stays and the reason is returned.
  std::optional<std::string> reload();
  /// The data requests are answered from now.
  std::shared_ptr<const Database> database() const;
  /// 1 for the data given at construction, +1 per successful reload.
  std::uint64_t generation() const;
  /// True once the screening indexes of the current data are built (/readyz).
  bool ready() const;
  /// Builds the current data's screening indexes now (start() does it on a thread of its own).
  void warm();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace skg::server
