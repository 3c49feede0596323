#include "screen_file.h"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "command_parts.h"
#include "skg/loaders/screen_input.h"
#include "skg/queries/csv_out.h"

namespace skg::shell {

namespace {

constexpr std::size_t kBlockRows = 1024;  // rows read, screened by both threads, then written
constexpr unsigned kThreads = 2;          // the machine's cores (DESIGN.md: 2-core target)

constexpr std::string_view kCsvHeader =
    "line,ref,name,status,hits,score,certain,entity_id,entity_name,kind,matched_name,listed,"
    "listings,why,other_candidates,error\n";

std::string_view external_id_of(const Graph& graph, NodeId node) {
  const auto ids = graph.external_ids(node);
  return ids.empty() ? std::string_view() : graph.string(ids.front());
}

std::string listings_text(const Graph& graph, const ScreenHit& hit, Date day) {
  std::string out;
  for (const Listing& listing : hit.listings) {
    if (!listing.in_force.contains(day)) continue;
    const Action& action = *listing.details;
    std::string one(graph.string(action.authority));
    if (action.list != kNoString) one += fmt::format(" {}", graph.string(action.list));
    if (action.program != kNoString && action.program != action.list)
      one += fmt::format(" ({})", graph.string(action.program));
    out += (out.empty() ? "" : " | ") + one;
  }
  return out;
}

struct Job {
  ScreenInputRow row;
  std::string output;  // the row's answer, formatted
  bool hit = false, error = false;
};

struct Shared {
  const Graph& graph;
  const ScreenIndex& names;
  const IdentifierIndex& ids;
  const ListedSet& listed;
  const ScreenOptions& options;
  const ScreenQuery& defaults;  // the command's own --schema
  Date day;
  bool json;
};

/// Screens one row and formats its answer: always exactly one line.
void answer(const Shared& shared, Job& job) {
  const ScreenInputRow& row = job.row;
  std::vector<ScreenHit> hits;
  std::string error = row.error;
  if (error.empty()) {
    try {
      const ScreenQuery query = screen_query_of(row, shared.defaults);
      hits = screen_query(shared.graph, shared.names, shared.ids, query, shared.options);
    } catch (const std::exception& failure) {
      error = fmt::format("line {}: {}", row.line, failure.what());
    }
  }
  job.error = !error.empty();
  job.hit = !hits.empty();
  const std::string_view status = job.error ? "error" : job.hit ? "match" : "no match";
  if (shared.json) {
    std::ostringstream text;
    {
      JsonOut json(text);
      json.begin_object();
      json.key("line").integer(static_cast<std::int64_t>(row.line));
      json.key("ref").optional_string(row.ref);
      json.key("input").begin_object();
      json.key("name").optional_string(row.name);
      json.key("dob").optional_string(row.birth_date);
      json.key("country").optional_string(row.country);
      json.key("schema").optional_string(row.schema);
      json.key("id").optional_string(row.id);
      json.end_object();
      json.key("status").string(status);
      json.key("error");
      if (job.error) json.string(error); else json.null();
      json.key("hits").begin_array();
      for (const ScreenHit& hit : hits)
        write_screen_hit_json(json, shared.graph, hit, shared.day, shared.listed.contains(hit.node));
      json.end_array();
      json.end_object();
    }
    job.output = text.str();  // JsonOut ends the document with a line break
    return;
  }
  std::string out = fmt::format("{},{},{},{},{}", row.line, csv_field(row.ref), csv_field(row.name),
                                status, hits.size());
  if (!hits.empty()) {
    const ScreenHit& best = hits.front();
    const Graph& graph = shared.graph;
    std::string others;
    for (std::size_t at = 1; at < hits.size(); ++at)
      others += fmt::format("{}{} ({:.2f})", others.empty() ? "" : "; ",
                            external_id_of(graph, hits[at].node), hits[at].score);
    out += fmt::format(",{:.2f},{},{},{},{},{},{},{},{},{},", best.score,
                       best.identifiers.empty() ? "no" : "yes",
                       csv_field(external_id_of(graph, best.node)), csv_field(graph.name(best.node)),
                       to_string(graph.kind(best.node)), csv_field(best.name_text),
                       shared.listed.contains(best.node) ? "yes" : "no",
                       csv_field(listings_text(graph, best, shared.day)), csv_field(screen_why(best)),
                       csv_field(others));
  } else {
    out += ",,,,,,,,,,,";
  }
  out += csv_field(error);
  out += '\n';
  job.output = std::move(out);
}

/// A progress line on stderr, drawn after the first second, at most 10 times a second.
class Progress {
 public:
  explicit Progress(bool enabled) : enabled_(enabled), start_(std::chrono::steady_clock::now()) {}
  ~Progress() {
    if (drawn_) std::cerr << "\r\x1b[2K" << std::flush;
  }
  void update(std::size_t bytes, std::size_t total, std::size_t rows) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - start_ < std::chrono::seconds(1) || now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    drawn_ = true;
    constexpr int kBar = 30;
    const double part = total == 0 ? 0.0 : std::min(1.0, double(bytes) / double(total));
    const int filled = static_cast<int>(part * kBar);
    const double seconds = std::chrono::duration<double>(now - start_).count();
    std::cerr << fmt::format("\r\x1b[2Kscreening [{}{}] {:3.0f}% {} rows, {:.0f} rows/s",
                             std::string(filled, '#'), std::string(kBar - filled, ' '), part * 100,
                             rows, rows / seconds)
              << std::flush;
  }

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_{};
};

}  // namespace

int run_screen_file(Context& context, const Args& args) {
  const std::string path = args.joined();
  if (path.empty()) throw UsageError("usage: screen-file FILE [--out FILE] [--listed] [--limit N]");
  Session& session = context.session;
  if (session.graph().node_count() == 0)
    throw UsageError("the graph is empty: load data first (load PATH)");
  const Graph& graph = session.graph();
  ScreenOptions options;
  ScreenQuery defaults;
  screen_request(args, context.date, options, defaults);
  if (!args.option("limit")) options.limit = 5;

  ScreenInputReader reader(path);  // LoadError: the file cannot be screened at all
  std::ofstream file;
  std::ostream* out = &output_for(args, context.out, file);

  // Built before the threads start; read-only afterwards.
  const Database& database = session.database();
  const auto listed = session.view(context.date).listed();  // held for the whole file
  const Shared shared{graph, database.screen_index(), database.identifier_index(),
                      *listed, options, defaults, context.date, context.json};

  const auto start = std::chrono::steady_clock::now();
  Progress progress(session.options.progress && isatty(STDERR_FILENO));
  std::size_t rows = 0, matched = 0, errors = 0;
  if (!context.json) *out << kCsvHeader;
  std::vector<Job> block;
  block.reserve(kBlockRows);
  bool more = true;
  while (more) {
    block.clear();
    ScreenInputRow row;
    while (block.size() < kBlockRows && (more = reader.next(row))) block.push_back({std::move(row), {}, false, false});
    if (block.empty()) break;
    std::atomic<std::size_t> next{0};
    auto work = [&] {
      for (std::size_t at; (at = next.fetch_add(1, std::memory_order_relaxed)) < block.size();)
        answer(shared, block[at]);
    };
    std::vector<std::thread> helpers;
    for (unsigned thread = 1; thread < kThreads && block.size() > 64; ++thread) helpers.emplace_back(work);
    work();
    for (std::thread& helper : helpers) helper.join();
    for (const Job& job : block) {  // in input order
      *out << job.output;
      ++rows;
      matched += job.hit ? 1 : 0;
      errors += job.error ? 1 : 0;
    }
    progress.update(reader.offset(), reader.size(), rows);
  }
  out->flush();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  context.err << fmt::format("screen-file: {} row{} ({}), {} with hits, {} error{}, {:.2f} s ({:.0f} rows/s)\n",
                             rows, rows == 1 ? "" : "s", reader.format(), matched, errors,
                             errors == 1 ? "" : "s", seconds, seconds > 0 ? rows / seconds : 0.0);
  return kExitOk;
}

}  // namespace skg::shell
