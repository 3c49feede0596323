// tests/graph/graph_fingerprint.h: everything a user can read from a graph, as one text, so two
// graphs can be compared whole (the all-or-nothing tests; the fuzz targets walk it too).
#pragma once
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>

#include "skg/graph/graph.h"
#include "skg/graph/snapshot.h"

namespace skg::inline v1::testing {

namespace fingerprint_detail {
inline void put(std::string& out, std::string_view text) {
  out += '"';
  out.append(text.data(), text.size());
  out += '"';
}
inline void put(std::string& out, const std::optional<Date>& date) {
  out += date ? date->to_string() : std::string("-");
}
inline void put(std::string& out, const DateRange& range) {
  out += '[';
  put(out, range.start);
  out += ',';
  put(out, range.end);
  out += ')';
}
inline void put_source(std::string& out, const Graph& graph, ProvId prov) {
  const Provenance& record = graph.provenance_record(prov);
  out += " @";
  put(out, graph.string(record.source));
  out += ':' + std::to_string(record.line) + ':';
  put(out, graph.string(record.record));
}
}  // namespace fingerprint_detail

/// Every node (kind, name, names, ids, attributes, provenance, dates, listing) and every edge
/// (ends, kind, share, dates, role, id, attributes, provenance), in id order, with the strings
/// they name: equal texts mean graphs no user could tell apart.
inline std::string fingerprint(const Graph& graph) {
  using namespace fingerprint_detail;
  std::string out = "nodes " + std::to_string(graph.node_count()) + " edges " +
                    std::to_string(graph.edge_count()) + "\n";
  for (std::uint32_t at = 0; at < graph.node_count(); ++at) {
    const NodeId node{at};
    out += "node " + std::to_string(at) + ' ' + std::string(to_string(graph.kind(node))) + ' ';
    put(out, graph.name(node));
    put(out, graph.valid(node));
    for (const Name& name : graph.names(node)) {
      out += "\n  name ";
      put(out, graph.string(name.text));
      out += ' ' + std::string(to_string(name.type)) + ' ' + std::string(to_string(name.strength));
    }
    for (const StringId id : graph.external_ids(node)) {
      out += "\n  id ";
      put(out, graph.string(id));
    }
    for (const Attribute& attribute : graph.attributes(node)) {
      out += "\n  attr ";
      put(out, graph.string(attribute.key));
      out += '=';
      put(out, graph.string(attribute.value));
      put_source(out, graph, attribute.source);
    }
    for (const ProvId prov : graph.provenance(node)) {
      out += "\n  from";
      put_source(out, graph, prov);
    }
    if (const Action* action = graph.action(node)) {
      out += "\n  action ";
      for (const StringId text : {action->authority, action->list, action->program, action->legal_basis,
                                  action->measures, action->citation}) {
        put(out, graph.string(text));
        out += ' ';
      }
      put(out, action->listed);
      put(out, action->in_force);
    }
    out += "\n  in";
    for (const EdgeId edge : graph.in_edges(node)) out += ' ' + std::to_string(index(edge));
    for (const EdgeId edge : graph.out_edges(node)) {
      out += "\n  edge " + std::to_string(index(edge)) + ' ' + std::string(to_string(graph.edge_kind(edge))) +
             " -> " + std::to_string(index(graph.target(edge))) + ' ' + graph.share(edge).to_string() + ' ';
      put(out, graph.edge_valid(edge));
      put(out, graph.role(edge));
      put(out, graph.edge_external_id(edge));
      for (const Attribute& attribute : graph.edge_attributes(edge)) {
        out += "\n    attr ";
        put(out, graph.string(attribute.key));
        out += '=';
        put(out, graph.string(attribute.value));
      }
      for (const ProvId prov : graph.edge_provenance(edge)) {
        out += "\n    from";
        put_source(out, graph, prov);
      }
    }
    out += '\n';
  }
  return out;
}

/// What two builds of one graph are compared by: its fingerprint and the bytes of its snapshot
/// (saved at `path`, which is left for the caller to remove).
inline std::pair<std::string, std::string> fingerprint_and_snapshot(const Graph& graph, const std::filesystem::path& path) {
  save(graph, path.string());
  std::ifstream in(path, std::ios::binary);
  std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  return {fingerprint(graph), std::move(bytes)};
}

}  // namespace skg::testing
