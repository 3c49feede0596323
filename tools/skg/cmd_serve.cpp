// tools/skg/cmd_serve.cpp: `skg serve`, the HTTP API (server/README.md) from the command line.
//
//   skg [--data PATH]... [--snapshot FILE] serve [--host H] [--port 8000] [--threads N] ...
//
// It runs from the command line only (not inside the REPL): it reads its data itself, so that a
// reload (SIGHUP or POST /admin/reload) reads the same files again.
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <charconv>
#include <iostream>
#include <thread>

#include "command_parts.h"
#include "serve.h"

#ifdef SKG_HAVE_SERVER
#include "server.h"
#endif

namespace skg::shell {

constexpr std::string_view kServeUsage =
    "usage: skg [--data [FORMAT:]PATH]... [--snapshot FILE] [--as-of YYYY-MM-DD] serve\n"
    "           [--host 127.0.0.1] [--port 8000] [--threads N] [--max-body BYTES]\n"
    "           [--max-limit N] [--time-limit-ms MS] [--no-access-log]\n"
    "Serves the data over HTTP (routes: server/README.md) until Ctrl-C or SIGTERM;\n"
    "SIGHUP or POST /admin/reload reads the data again and swaps it in.\n";

int run_serve(Context& context, const Args&) {
  context.err << "serve runs from the command line, not inside the shell:\n" << kServeUsage;
  return kExitUsage;
}

#ifndef SKG_HAVE_SERVER

int serve_main(const ServeInputs&, std::span<const std::string>) {
  std::cerr << "skg serve: this skg was built without cpp-httplib, so it cannot serve HTTP.\n"
               "Install it (Debian: apt-get install libcpp-httplib-dev, or bash "
               "scripts/install-deps.sh) and build again.\n";
  return kExitUsage;
}

#else

namespace {

long number_arg(std::string_view flag, const std::string& text, long min, long max) {
  long value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < min ||
      value > max)
    throw UsageError(std::string(flag) + " takes a whole number from " + std::to_string(min) +
                     " to " + std::to_string(max) + ", not '" + text + "'");
  return value;
}

}  // namespace

int serve_main(const ServeInputs& inputs, std::span<const std::string> words) {
  std::string host = "127.0.0.1";
  int port = 8000;
  bool access_log = true;
  server::ServerOptions options;
  options.as_of = inputs.as_of;
  std::vector<std::string> data = inputs.data;
  std::string snapshot = inputs.snapshot;
  try {
    for (std::size_t at = 0; at < words.size(); ++at) {
      const std::string& word = words[at];
      auto value = [&]() -> const std::string& {
        if (at + 1 >= words.size()) throw UsageError(word + " needs a value");
        return words[++at];
      };
      if (word == "--host") host = value();
      else if (word == "--port") port = static_cast<int>(number_arg(word, value(), 0, 65535));
      else if (word == "--threads") options.threads = static_cast<int>(number_arg(word, value(), 1, 1024));
      else if (word == "--max-body") options.max_body = static_cast<std::size_t>(number_arg(word, value(), 1024, 1L << 34));
      else if (word == "--max-limit") options.max_limit = static_cast<std::size_t>(number_arg(word, value(), 1, 100000));
      else if (word == "--time-limit-ms") options.time_limit = std::chrono::milliseconds(number_arg(word, value(), 1, 3600000));
      else if (word == "--data") data.push_back(value());
      else if (word == "--snapshot") snapshot = value();
      else if (word == "--no-access-log") access_log = false;
      else if (word == "--help" || word == "-h") {
        std::cout << kServeUsage;
        return kExitOk;
      } else throw UsageError("serve: unknown argument '" + word + "'");
    }
    if (!snapshot.empty() && !data.empty())
      throw UsageError("serve: give --snapshot FILE or --data PATH..., not both");
  } catch (const UsageError& error) {
    std::cerr << "skg: " << error.what() << '\n' << kServeUsage;
    return kExitUsage;
  }
  if (data.empty() && snapshot.empty()) {
    const auto bundled = bundled_dataset_dir();
    if (!bundled) {
      std::cerr << "error: no --data or --snapshot, and the bundled Kaspersky case was not found\n";
      return kExitInput;
    }
    data.push_back(*bundled);
  }
  const OnBadRecord on_bad_record = inputs.on_bad_record;
  server::Loader loader = [data, snapshot, on_bad_record]() -> std::shared_ptr<const Database> {
    if (!snapshot.empty()) return std::make_shared<const Database>(Database::open_snapshot(snapshot));
    OpenOptions open;
    open.on_bad_record = on_bad_record;
    return std::make_shared<const Database>(Database::open(std::span<const std::string>(data), open));
  };

  // Signals go to one thread that waits for them (the server's threads never see them).
  sigset_t signals;
  sigemptyset(&signals);
  for (int signal : {SIGHUP, SIGINT, SIGTERM, SIGUSR1}) sigaddset(&signals, signal);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::shared_ptr<const Database> first;
  try {
    first = loader();
  } catch (const std::exception& error) {
    std::cerr << "error: " << error.what() << '\n';
    return kExitInput;
  }
  options.access_log = access_log ? &std::cerr : nullptr;
  server::Server server(first, options, loader);
  int bound = 0;
  try {
    bound = server.bind(host, port);
  } catch (const std::exception& error) {
    std::cerr << "error: " << error.what() << '\n';
    return kExitUsage;
  }
  std::cerr << "skg serve: http://" << host << ":" << bound << " (" << first->graph().node_count()
            << " nodes, " << first->graph().edge_count()
            << " edges); SIGHUP or POST /admin/reload reloads, Ctrl-C stops\n";
  first.reset();

  std::thread waiter([&server, &signals] {
    for (;;) {
      int signal = 0;
      if (sigwait(&signals, &signal) != 0) continue;
      if (signal == SIGHUP) {
        const auto failure = server.reload();
        std::cerr << (failure ? "skg serve: reload failed, the old data stays: " + *failure
                              : "skg serve: reloaded, generation " + std::to_string(server.generation()))
                  << '\n';
        continue;
      }
      server.stop();
      return;
    }
  });
  server.run();
  kill(getpid(), SIGUSR1);  // ends the waiter if run() ended by itself
  waiter.join();
  std::cerr << "skg serve: stopped\n";
  return kExitOk;
}

#endif

}  // namespace skg::shell
