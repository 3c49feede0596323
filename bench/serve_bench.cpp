// bench/serve_bench.cpp: a bounded loopback load test of `skg serve` (server/), in-process: a
// fixed number of requests per row, then it stops. For /match with 1 query and with batches of
// 100, and for /exposure, at 1, 2 and 8 client connections: requests/s (wall), p50/p99 latency
// (wall), and the process's CPU seconds (server and clients together: they share the process).
//   skg_bench_serve --snapshot /tmp/gen1m.skg --requests 2000
//   skg_bench_serve --data ../shared/datasets/ofac --data ../shared/datasets/un --requests 2000
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"
#include "server.h"
#include "skg/json.h"
#include "skg/skg.h"

namespace {

std::string quote_json(std::string_view text) {
  return skg::to_json([&](skg::JsonOut& json) { json.string(text); });
}

struct Row {
  std::string route;
  int connections = 0;
  std::size_t requests = 0;
  double wall = 0, cpu = 0;
  std::vector<double> latencies;  // seconds
  std::size_t failures = 0;
};

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<std::size_t>(p * values.size()))];
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> data;
  std::string snapshot, label;
  std::size_t requests = 2000;
  int server_threads = 2;
  for (int at = 1; at < argc; ++at) {
    const std::string arg = argv[at];
    auto value = [&]() -> std::string {
      if (at + 1 >= argc) {
        std::fprintf(stderr, "serve_bench: %s needs a value\n", arg.c_str());
        std::exit(1);
      }
      return argv[++at];
    };
    if (arg == "--data") data.push_back(value());
    else if (arg == "--snapshot") snapshot = value();
    else if (arg == "--requests") requests = std::strtoull(value().c_str(), nullptr, 10);
    else if (arg == "--server-threads") server_threads = std::atoi(value().c_str());
    else if (arg == "--dataset") label = value();
    else {
      std::fprintf(stderr,
                   "usage: skg_bench_serve (--snapshot FILE | --data PATH...) [--requests N] "
                   "[--server-threads N] [--dataset LABEL]\n");
      return 1;
    }
  }
  if (data.empty() && snapshot.empty()) data.push_back(SKG_SOURCE_DIR "/datasets/kaspersky");
  if (label.empty()) label = snapshot.empty() ? data.front() : snapshot;

  const double open_start = skg::bench::now();
  auto db = std::make_shared<const skg::Database>(
      snapshot.empty() ? skg::Database::open(std::span<const std::string>(data))
                       : skg::Database::open_snapshot(snapshot));
  const skg::Graph& graph = db->graph();
  std::fprintf(stderr, "serve_bench: %s: %zu nodes, %zu edges, opened in %.2f s\n", label.c_str(),
               graph.node_count(), graph.edge_count(), skg::bench::now() - open_start);

  // Names and ids spread over the graph (every k-th party with a name), the same each run.
  std::vector<std::string> names, companies;
  const std::size_t step = std::max<std::size_t>(1, graph.node_count() / 5000);
  for (std::size_t at = 0; at < graph.node_count(); at += step) {
    const skg::NodeId node{static_cast<std::uint32_t>(at)};
    const skg::NodeKind kind = graph.kind(node);
    if (kind == skg::NodeKind::Action || kind == skg::NodeKind::Authority) continue;
    if (graph.name(node).empty() || graph.external_ids(node).empty()) continue;
    names.emplace_back(graph.name(node));
    if (kind != skg::NodeKind::Person) companies.emplace_back(graph.string(graph.external_ids(node).front()));
  }
  if (companies.empty()) companies.push_back(std::string(graph.string(graph.external_ids(skg::NodeId{0}).front())));
  auto match_body = [&](std::size_t first, std::size_t count) {
    std::string body = R"({"queries": {)";
    for (std::size_t at = 0; at < count; ++at) {
      body += (at ? "," : "") + std::string("\"q") + std::to_string(at) +
              R"(": {"schema": "LegalEntity", "properties": {"name": [)" +
              quote_json(names[(first + at) % names.size()]) + "]}}";
    }
    return body + "}}";
  };

  skg::server::ServerOptions options;
  options.threads = server_threads;
  options.time_limit = std::chrono::milliseconds(600000);
  skg::server::Server server(db, options);
  const int port = server.bind("127.0.0.1", 0);
  server.start();
  const double warm_start = skg::bench::now();
  server.warm();
  db->today().blocked(skg::Rule::Ofac);
  std::fprintf(stderr, "serve_bench: indexes and today's OFAC blocked set built in %.2f s\n",
               skg::bench::now() - warm_start);

  std::printf("bench\tdataset\tnodes\troute\tconnections\trequests\twall_s\tcpu_s\treq_per_s\tp50_ms\tp99_ms\tcpu_ms_per_req\tfailures\tload1\n");
  const struct {
    const char* route;
    std::size_t per_request;  // queries per request
  } routes[] = {{"match-1", 1}, {"match-100", 100}, {"exposure", 1}};
  for (const auto& route : routes) {
    for (int connections : {1, 2, 8}) {
      Row row;
      row.route = route.route;
      row.connections = connections;
      // A batch of 100 is 100 queries: a hundredth of the requests, at least 20.
      row.requests = route.per_request == 1 ? requests : std::max<std::size_t>(20, requests / 100);
      std::vector<std::vector<double>> latencies(static_cast<std::size_t>(connections));
      std::atomic<std::size_t> next{0}, failures{0};
      const double wall_start = skg::bench::now(), cpu_start = skg::bench::cpu_now();
      std::vector<std::thread> clients;
      for (int c = 0; c < connections; ++c)
        clients.emplace_back([&, c] {
          httplib::Client client("127.0.0.1", port);
          client.set_connection_timeout(5);
          client.set_read_timeout(120);
          client.set_write_timeout(30);
          client.set_keep_alive(true);
          client.set_tcp_nodelay(true);
          for (std::size_t at; (at = next++) < row.requests;) {
            const double start = skg::bench::now();
            httplib::Result res =
                route.per_request == 100 || std::string_view(route.route) == "match-1"
                    ? client.Post("/match/default", match_body(at * route.per_request, route.per_request),
                                  "application/json")
                    : client.Get(("/exposure/" + companies[at % companies.size()] + "?rule=ofac").c_str());
            latencies[static_cast<std::size_t>(c)].push_back(skg::bench::now() - start);
            if (!res || res->status != 200) ++failures;
          }
        });
      for (auto& thread : clients) thread.join();
      row.wall = skg::bench::now() - wall_start;
      row.cpu = skg::bench::cpu_now() - cpu_start;
      for (const auto& part : latencies) row.latencies.insert(row.latencies.end(), part.begin(), part.end());
      row.failures = failures.load();
      std::printf("serve\t%s\t%zu\t%s\t%d\t%zu\t%.3f\t%.3f\t%.1f\t%.3f\t%.3f\t%.3f\t%zu\t%.2f\n",
                  label.c_str(), graph.node_count(), row.route.c_str(), row.connections, row.requests,
                  row.wall, row.cpu, static_cast<double>(row.requests) / row.wall,
                  percentile(row.latencies, 0.50) * 1e3, percentile(row.latencies, 0.99) * 1e3,
                  row.cpu * 1e3 / static_cast<double>(row.requests), row.failures,
                  skg::bench::load_average());
      std::fflush(stdout);
    }
  }
  server.stop();
  return 0;
}
