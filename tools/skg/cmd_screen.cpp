// tools/skg/cmd_screen.cpp: screen: ranked candidates for a name or identifier, with listings.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "command_parts.h"
#include "interrupt.h"
#include "screen_file.h"
#include "skg/graph/snapshot.h"
#include "skg/queries/as_of.h"
#include "skg/queries/diff.h"
#include "skg/queries/exposure.h"
#include "skg/queries/reach.h"
#include "skg/queries/screen.h"

namespace skg::shell {

namespace {

/// True when every listing of `party` in force on `day` has no date (it may have started later).
bool only_undated(const Graph& graph, NodeId party, Date day) {
  const auto now = listings(graph, party, day).in_force;
  return !now.empty() && std::all_of(now.begin(), now.end(), [](const Listing& l) { return l.date_unknown; });
}

}  // namespace

int run_screen(Context& context, const Args& args) {
  require_graph(context.session);
  const std::string text = args.joined();
  if (text.empty() && !args.option("id"))
    throw UsageError("usage: screen NAME [--id VALUE] [--dob YYYY[-MM[-DD]]] [--country C] ...");
  const Graph& graph = context.session.graph();
  ScreenOptions options;
  ScreenQuery query;
  screen_request(args, context.date, options, query);
  query.name = text;
  // Screening ranks the best `offset + limit` candidates (and one more, to tell whether more
  // follow); the page is the tail of that ranking.
  const std::size_t limit = options.limit;
  const std::size_t offset = static_cast<std::size_t>(parse_count(args, "offset", 0, 0, 100000));
  options.limit = offset + limit + 1;
  const View view = context.session.view(context.date);
  auto hits = view.screen(query, options);
  const bool more = hits.size() > offset + limit;
  const std::size_t ranked = std::min(hits.size(), offset + limit);
  hits.resize(ranked);
  hits.erase(hits.begin(), hits.begin() + static_cast<std::ptrdiff_t>(std::min(offset, ranked)));
  const auto listed = view.listed();
  const ListedSet& listed_set = *listed;
  const std::string shown = !text.empty() ? text : fmt::format("id {}", query.id);

  if (context.json) {
    JsonOut json(context.out);
    json.begin_object();
    json.key("query").string(text);
    if (!query.id.empty()) json.key("id").string(query.id);
    json.key("as_of").string(context.date.to_string());
    json.key("offset").integer(static_cast<std::int64_t>(offset));
    json.key("limit").integer(static_cast<std::int64_t>(limit));
    json.key("shown").integer(static_cast<std::int64_t>(hits.size()));
    json.key("more").boolean(more);  // candidates rank after this page (--offset to see them)
    json.key("hits").begin_array();
    for (const ScreenHit& hit : hits)
      write_screen_hit_json(json, graph, hit, context.date, listed_set.contains(hit.node));
    json.end_array();
    json.end_object();
    return kExitOk;
  }
  auto& out = context.out;
  const Style& style = context.style();
  out << fmt::format("{} candidate{} for \"{}\" as of {}\n", hits.size(),
                     hits.size() == 1 ? "" : "s", printable(shown), context.date.to_string());
  if (offset != 0 || more)
    out << fmt::format("  ranks {}-{}{}\n", offset + 1, offset + hits.size(),
                       more ? fmt::format(" (more follow: --offset {})", offset + limit) : "");
  if (hits.empty()) return kExitOk;
  Table table({{"score"},
               {"party", true, 16},
               {"kind"},
               {"listed"},
               {"matched name", true, 12},
               {"why", true, 16}});
  for (const ScreenHit& hit : hits) {
    const bool listed = listed_set.contains(hit.node);
    std::string name = std::string(hit.name_text);
    if (hit.name.type != NameType::Primary || hit.name.strength == NameStrength::Weak)
      name += fmt::format(" ({}{})", to_string(hit.name.type),
                          hit.name.strength == NameStrength::Weak ? ", weak" : "");
    table.add_row({fmt::format("{:.2f}", hit.score),
                   label(graph, hit.node),
                   to_string(graph.kind(hit.node)),
                   {listed ? (only_undated(graph, hit.node, context.date) ? "LISTED (date unknown)" : "LISTED")
                           : "no",
                    listed ? Tone::Red : Tone::Green},
                   name,
                   screen_why(hit)});
  }
  table.print(out, style);
  // What each candidate carries: its listings, dates of birth and countries.
  for (std::size_t at = 0; at < hits.size(); ++at) {
    const ScreenHit& hit = hits[at];
    out << fmt::format("{}. {}\n", at + 1, label(graph, hit.node));
    for (const Listing& listing : hit.listings) {
      const Action& action = *listing.details;
      std::string line = fmt::format("   {}: {}", status_text(listing_status(listing, context.date)),
                                     graph.string(action.authority));
      if (action.list != kNoString) line += fmt::format(" {}", graph.string(action.list));
      if (action.program != kNoString && action.program != action.list)
        line += fmt::format(", program {}", graph.string(action.program));
      line += listing.in_force.start ? fmt::format(", from {}", listing.in_force.start->to_string())
                                     : std::string(", start date not given");
      if (listing.in_force.end) line += fmt::format(" until {}", listing.in_force.end->to_string());
      out << line << '\n';
    }
    if (hit.listings.empty()) out << "   no listing\n";
    if (!hit.birth_dates.empty()) {
      std::string born;
      for (auto date : hit.birth_dates) born += fmt::format("{}{}", born.empty() ? "" : ", ", date);
      out << "   born " << born << '\n';
    }
    if (!hit.countries.empty()) {
      std::string countries;
      for (const CountryFact& fact : hit.countries)
        countries += fmt::format("{}{} {} ({})", countries.empty() ? "" : ", ", fact.key, fact.value, fact.code);
      out << "   countries: " << countries << '\n';
    }
  }
  return kExitOk;
}

void screen_request(const Args& args, Date date, ScreenOptions& options, ScreenQuery& query) {
  options.limit = static_cast<std::size_t>(parse_count(args, "limit", 20, 1, 10000));
  options.min_score = parse_threshold(args, kDefaultScreenThreshold);
  options.listed_only = args.option("listed").has_value();
  options.as_of = date;
  auto list = [&](std::string_view name) {
    std::vector<std::string> out;
    if (const auto text = args.option(name)) {
      std::string_view rest = *text;
      while (true) {
        const auto comma = rest.find(',');
        std::string_view part = rest.substr(0, comma);
        while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
        while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
        if (!part.empty()) out.emplace_back(part);
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
      }
      if (out.empty()) throw UsageError(fmt::format("--{} needs a value", name));
    }
    return out;
  };
  options.filter.authorities = list("authority");
  options.filter.lists = list("list");
  options.filter.programs = list("program");
  if (const auto schema = args.option("schema")) {
    const auto kind = parse_node_kind(*schema);
    if (!kind || *kind == NodeKind::Action || *kind == NodeKind::Authority)
      throw UsageError(fmt::format(
          "--schema '{}' is not a kind of party: Person, Company, Organization, LegalEntity, "
          "Vessel or Aircraft", *schema));
    query.evidence.kind = *kind;
  }
  if (const auto dob = args.option("dob")) query.evidence.birth_date = std::string(*dob);
  if (const auto country = args.option("country")) {
    query.evidence.countries = split_countries(*country);
    if (query.evidence.countries.empty()) throw UsageError("--country needs a value");
  }
  if (const auto gender = args.option("gender")) query.evidence.gender = std::string(*gender);
  if (const auto id = args.option("id")) query.id = std::string(*id);
  if (const auto error = evidence_error(query.evidence)) throw UsageError(*error);
}

std::string screen_why(const ScreenHit& hit) {
  std::string why;
  auto add = [&](const std::string& part) {
    if (!why.empty()) why += ", ";
    why += part;
  };
  for (const IdentifierMatch& match : hit.identifiers)
    add(fmt::format("{} {} = {} '{}' (certain)", to_string(match.identifier.type),
                    match.identifier.number, match.attribute, match.value));
  for (const TokenMatch& match : hit.matched)
    add(match.how == TokenMatchKind::Exact
            ? match.query_token
            : fmt::format("{}~{} ({})", match.query_token, match.name_token, to_string(match.how)));
  for (const auto& token : hit.unmatched_query_tokens) add(fmt::format("-{}", token));
  for (const auto& token : hit.ignored_query_tokens) add(fmt::format("{} (title, ignored)", token));
  if (hit.evidence.strict && hit.identifiers.empty())
    why += fmt::format("; {} name: strong match only", hit.evidence.weak ? "weak" : "one-word");
  for (const EvidenceNote& note : hit.secondary)
    add(note.effect == EvidenceEffect::None
            ? fmt::format("{}: {} (no change)", note.fact, note.text)
            : fmt::format("{} {:+.2f}: {}", note.fact, note.delta, note.text));
  return why;
}

}  // namespace skg::shell
