// datasets/generator/skg_gen.cpp: skg-gen writes the seeded synthetic graph to files, so skg and
// the peer tools (bench/peers/) load the same data:
//   skg-gen --entities 1000000 --seed 7 --out /tmp/skg-1m --format csv,ftm,snapshot
// csv:      nodes.csv (id,kind,name,listed), edges.csv (src,dst,kind,share; share empty when
//           unknown) and listings.csv (id,entity,list,authority,program,listed_on,start): the
//           parties, the links between them and who listed them; ids are the N of "gen:N". The
//           three are the skg-csv tables (loaders/csv_bulk.h), so skg loads them too.
// ftm:      entities.ftm.json, FollowTheMoney JSON lines (Person, Company, Ownership,
//           Directorship, Sanction) that skg::load() reads back into the same graph.
// snapshot: graph.skg (skg::save).
// Always:   sources.txt, the 1000 parties the reach benchmarks start from (id TAB external id),
//           spread evenly over the parties as bench/reach_bench.cpp picks them.
#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "generator.h"
#include "skg/graph/snapshot.h"
#include "skg/queries/as_of.h"

namespace {

[[noreturn]] void usage(std::string_view why) {
  std::fprintf(stderr,
               "skg-gen: %.*s\nusage: skg-gen --entities N --seed S --out DIR "
               "[--format csv|ftm|snapshot[,...]] [--sources K]\n",
               static_cast<int>(why.size()), why.data());
  std::exit(1);
}

/// A file opened for writing with a large buffer; throws nothing, exits on failure.
class Output {
 public:
  explicit Output(const std::filesystem::path& path) : path_(path.string()) {
    file_ = std::fopen(path_.c_str(), "wb");
    if (file_ == nullptr) usage(fmt::format("cannot write {}: {}", path_, std::strerror(errno)));
    buffer_.reserve(1 << 20);
  }
  ~Output() {
    flush();
    if (std::fclose(file_) != 0) usage(fmt::format("cannot write {}", path_));
  }
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;
  std::string& text() { return buffer_; }
  void maybe_flush() {
    if (buffer_.size() >= (1 << 20)) flush();
  }

 private:
  void flush() {
    if (!buffer_.empty() && std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size())
      usage(fmt::format("cannot write {}", path_));
    buffer_.clear();
  }
  std::string path_;
  std::FILE* file_ = nullptr;
  std::string buffer_;
};

/// The number N of a generated party's external id "gen:N".
std::uint64_t party_number(const skg::Graph& graph, skg::NodeId node) {
  for (skg::StringId id : graph.external_ids(node)) {
    const std::string_view text = graph.string(id);
    if (text.starts_with("gen:")) return std::strtoull(text.data() + 4, nullptr, 10);
  }
  usage(fmt::format("node {} has no gen: id", skg::index(node)));
}

bool is_party(skg::NodeKind kind) {
  return kind != skg::NodeKind::Action && kind != skg::NodeKind::Authority;
}

bool is_party_link(skg::EdgeKind kind) {
  return skg::EdgeKinds::party_links().contains(kind);
}

/// JSON string body: the generator's names are ASCII, but escape anyway.
void append_json(std::string& out, std::string_view text) {
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\', out += c;
    else if (static_cast<unsigned char>(c) < 0x20) out += fmt::format("\\u{:04x}", c);
    else out += c;
  }
}

/// CSV field: quoted when it holds a comma or a quote (RFC 4180).
void append_csv(std::string& out, std::string_view text) {
  if (text.find_first_of(",\"\n") == std::string_view::npos) {
    out += text;
    return;
  }
  out += '"';
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

std::string share_text(skg::Percent share) {
  // Unknown stays unknown: an empty field. A range (the generator makes none) is written as its
  // lower bound, the value the OFAC lower fixpoint counts.
  if (!share.known()) return {};
  return fmt::format("{}", *share.min());
}

void write_csv(const skg::Graph& graph, const skg::ListedSet& listed,
               const std::filesystem::path& dir) {
  {
    Output nodes(dir / "nodes.csv");
    nodes.text() += "id,kind,name,listed\n";
    for (std::uint32_t at = 0; at < graph.node_count(); ++at) {
      const skg::NodeId node{at};
      if (!is_party(graph.kind(node))) continue;
      auto& out = nodes.text();
      out += fmt::format("{},{},", party_number(graph, node), skg::to_string(graph.kind(node)));
      append_csv(out, graph.name(node));
      out += listed.contains(node) ? ",1\n" : ",0\n";
      nodes.maybe_flush();
    }
  }
  {
    // Who listed each listed party (skg-csv listings table, loaders/csv_bulk.h): the list by its
    // OpenSanctions dataset name, which the loader maps with its cited table. The peer tools read
    // the `listed` flag of nodes.csv instead.
    Output listings(dir / "listings.csv");
    listings.text() += "id,entity,list,authority,program,listed_on,start\n";
    for (skg::NodeId action_node : graph.action_nodes()) {
      const skg::Action* action = graph.action(action_node);
      if (action->list_id != skg::SanctionList::OfacSdn)
        usage(fmt::format("listing list {} has no skg-csv dataset name here", static_cast<int>(action->list_id)));
      std::string_view id;
      for (skg::StringId ext : graph.external_ids(action_node)) id = graph.string(ext);
      for (skg::EdgeId edge : graph.in_edges(action_node)) {
        if (graph.edge_kind(edge) != skg::EdgeKind::TargetOf) continue;
        auto& out = listings.text();
        append_csv(out, id);
        out += fmt::format(",{},us_ofac_sdn,", party_number(graph, graph.source(edge)));
        append_csv(out, graph.string(action->authority));
        out += ',';
        append_csv(out, graph.string(action->program));
        out += fmt::format(",{},{}\n", action->listed ? action->listed->to_string() : std::string(),
                           action->in_force.start ? action->in_force.start->to_string() : std::string());
        listings.maybe_flush();
      }
    }
  }
  Output edges(dir / "edges.csv");
  edges.text() += "src,dst,kind,share\n";
  for (std::uint32_t at = 0; at < graph.edge_count(); ++at) {
    const skg::EdgeId edge{at};
    if (!is_party_link(graph.edge_kind(edge))) continue;
    edges.text() += fmt::format("{},{},{},{}\n", party_number(graph, graph.source(edge)),
                                party_number(graph, graph.target(edge)),
                                skg::to_string(graph.edge_kind(edge)), share_text(graph.share(edge)));
    edges.maybe_flush();
  }
}

/// FtM schema and end properties of an edge kind; nullopt for kinds the generator never makes.
struct FtmEdge {
  const char* schema;
  const char* from;
  const char* to;
};
std::optional<FtmEdge> ftm_edge(skg::EdgeKind kind) {
  switch (kind) {
    case skg::EdgeKind::Owns: return FtmEdge{"Ownership", "owner", "asset"};
    case skg::EdgeKind::DirectorOf: return FtmEdge{"Directorship", "director", "organization"};
    default: return std::nullopt;
  }
}

void write_ftm(const skg::Graph& graph, const std::filesystem::path& dir) {
  Output out(dir / "entities.ftm.json");
  auto& text = out.text();
  for (std::uint32_t at = 0; at < graph.node_count(); ++at) {
    const skg::NodeId node{at};
    if (!is_party(graph.kind(node))) continue;
    const auto number = party_number(graph, node);
    text += fmt::format(R"({{"id":"gen:{}","schema":"{}","properties":{{"name":[")", number,
                        graph.kind(node) == skg::NodeKind::Person ? "Person" : "Company");
    append_json(text, graph.name(node));
    text += "\"]}}\n";
    out.maybe_flush();
  }
  for (std::uint32_t at = 0; at < graph.edge_count(); ++at) {
    const skg::EdgeId edge{at};
    const auto kind = graph.edge_kind(edge);
    if (!is_party_link(kind)) continue;
    const auto schema = ftm_edge(kind);
    if (!schema) usage(fmt::format("edge kind {} has no FtM mapping here", skg::to_string(kind)));
    text += fmt::format(R"({{"id":"gen-link:{}","schema":"{}","properties":{{"{}":["gen:{}"],"{}":["gen:{}"])",
                        at, schema->schema, schema->from, party_number(graph, graph.source(edge)),
                        schema->to, party_number(graph, graph.target(edge)));
    if (kind == skg::EdgeKind::Owns && graph.share(edge).known())
      text += fmt::format(R"(,"percentage":["{}"])", share_text(graph.share(edge)));
    if (const auto role = graph.role(edge); !role.empty()) {
      text += R"(,"role":[")";
      append_json(text, role);
      text += "\"]";
    }
    text += "}}\n";
    out.maybe_flush();
  }
  // Listings: one Sanction per Action node, naming each target (TARGET_OF edges into it).
  for (skg::NodeId action_node : graph.action_nodes()) {
    const skg::Action* action = graph.action(action_node);
    std::vector<std::uint64_t> targets;
    for (skg::EdgeId edge : graph.in_edges(action_node))
      if (graph.edge_kind(edge) == skg::EdgeKind::TargetOf)
        targets.push_back(party_number(graph, graph.source(edge)));
    if (targets.empty()) continue;
    std::string_view id;
    for (skg::StringId ext : graph.external_ids(action_node)) id = graph.string(ext);
    text += R"({"id":")";
    append_json(text, id);
    // The dataset says which list (OpenSanctions' name for OFAC's SDN list): the loader maps it
    // with its cited table, as it maps listings.csv's `list`. Without it the listing's list is
    // unknown and the OFAC rule has no SDN entry to start from.
    if (action->list_id != skg::SanctionList::OfacSdn)
      usage(fmt::format("listing list {} has no FtM dataset name here", static_cast<int>(action->list_id)));
    text += R"(","schema":"Sanction","datasets":["us_ofac_sdn"],"properties":{"entity":[)";
    for (std::size_t at = 0; at < targets.size(); ++at)
      text += fmt::format("{}\"gen:{}\"", at ? "," : "", targets[at]);
    text += R"(],"authority":[")";
    append_json(text, graph.string(action->authority));
    text += R"("],"programId":[")";
    append_json(text, graph.string(action->program));
    text += "\"]";
    if (action->listed) text += fmt::format(R"(,"listingDate":["{}"])", action->listed->to_string());
    if (action->in_force.start)
      text += fmt::format(R"(,"startDate":["{}"])", action->in_force.start->to_string());
    text += "}}\n";
    out.maybe_flush();
  }
}

/// `count` parties spread evenly over the parties' node ids (as bench/reach_bench.cpp does).
std::vector<skg::NodeId> sample_parties(const skg::Graph& graph, std::size_t count) {
  std::vector<skg::NodeId> parties, out;
  for (std::uint32_t at = 0; at < graph.node_count(); ++at)
    if (is_party(graph.kind(skg::NodeId{at}))) parties.push_back(skg::NodeId{at});
  for (std::size_t at = 0; at < count && !parties.empty(); ++at)
    out.push_back(parties[(at * parties.size() + parties.size() / 2) / count % parties.size()]);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  skg::GeneratorOptions options{.entities = 1000, .seed = 7};
  std::string out_dir, formats = "csv";
  std::size_t source_count = 1000;
  for (int at = 1; at < argc; ++at) {
    const std::string_view arg = argv[at];
    if (at + 1 >= argc) usage(fmt::format("'{}' needs a value", arg));
    const char* value = argv[++at];
    if (arg == "--entities") options.entities = static_cast<std::uint32_t>(std::strtoul(value, nullptr, 10));
    else if (arg == "--seed") options.seed = std::strtoull(value, nullptr, 10);
    else if (arg == "--out") out_dir = value;
    else if (arg == "--format") formats = value;
    else if (arg == "--sources") source_count = std::strtoul(value, nullptr, 10);
    else usage(fmt::format("unknown option '{}'", arg));
  }
  if (out_dir.empty()) usage("--out DIR is required");
  if (options.entities == 0) usage("--entities must be a positive number");
  try {
    const std::filesystem::path dir(out_dir);
    std::filesystem::create_directories(dir);
    const skg::Graph graph = skg::generate(options);
    const skg::ListedSet listed(graph, std::nullopt);
    for (std::string_view rest = formats; !rest.empty();) {
      const auto comma = rest.find(',');
      const std::string_view format = rest.substr(0, comma);
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      if (format == "csv") write_csv(graph, listed, dir);
      else if (format == "ftm") write_ftm(graph, dir);
      else if (format == "snapshot") skg::save(graph, (dir / "graph.skg").string());
      else usage(fmt::format("unknown format '{}'", format));
    }
    Output sources(dir / "sources.txt");
    for (skg::NodeId node : sample_parties(graph, source_count))
      sources.text() += fmt::format("{}\tgen:{}\n", party_number(graph, node), party_number(graph, node));
    std::size_t links = 0;
    for (std::uint32_t at = 0; at < graph.edge_count(); ++at)
      links += is_party_link(graph.edge_kind(skg::EdgeId{at}));
    std::fprintf(stderr, "skg-gen: %zu nodes, %zu edges (%zu between parties), %zu listed -> %s\n",
                 graph.node_count(), graph.edge_count(), links, listed.count(), out_dir.c_str());
  } catch (const std::exception& error) {
    std::fprintf(stderr, "skg-gen: %s\n", error.what());
    return 2;
  }
  return 0;
}
