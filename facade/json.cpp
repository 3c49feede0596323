#include "skg/json.h"

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "skg/graph/error.h"
#include "skg/queries/watch.h"

namespace skg::inline v1 {

namespace {
/// The id a user types for a node: its first external id.
std::string_view external_id(const Graph& graph, NodeId node) {
  const auto ids = graph.external_ids(node);
  return ids.empty() ? std::string_view() : graph.string(ids.front());
}
}  // namespace

// The writer fills a buffer that goes to the stream in blocks: a character at a time through
// the stream (rapidjson::OStreamWrapper) cost more than the answer itself. Blocks of 64 KiB keep
// a long answer streaming (the shell's CommandOutput passes it on as it comes).
struct JsonOut::Text final : JsonSink {
  explicit Text(std::ostream& out) : out(&out), writer(buffer) {}
  std::ostream* out;
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer;
  void flush() {
    out->write(buffer.GetString(), static_cast<std::streamsize>(buffer.GetSize()));
    buffer.Clear();
  }
  void maybe_flush() {
    if (buffer.GetSize() >= (std::size_t(1) << 16)) flush();
  }
  void key(std::string_view name) override {
    writer.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
  }
  void string(std::string_view text) override {
    writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
    maybe_flush();
  }
  void integer(std::int64_t value) override { writer.Int64(value); }
  void real(double value) override { writer.Double(value); }
  void boolean(bool value) override { writer.Bool(value); }
  void null() override { writer.Null(); }
  void begin_object() override { writer.StartObject(); }
  void end_object() override {
    writer.EndObject();
    maybe_flush();
  }
  void begin_array() override { writer.StartArray(); }
  void end_array() override {
    writer.EndArray();
    maybe_flush();
  }
};

JsonOut::JsonOut(std::ostream& out) : text_(std::make_unique<Text>(out)), sink_(text_.get()) {}
JsonOut::JsonOut(JsonSink& sink) : sink_(&sink) {}
JsonOut::~JsonOut() {
  if (!text_) return;
  text_->flush();
  *text_->out << '\n';
}

JsonOut& JsonOut::key(std::string_view name) {
  sink_->key(name);
  return *this;
}
JsonOut& JsonOut::string(std::string_view text) {
  sink_->string(text);
  return *this;
}
JsonOut& JsonOut::number(double value) {
  if (!std::isfinite(value)) return null();
  // Shares and scores are read by people: round to 4 decimals so 33.333333 prints short.
  const double rounded = std::round(value * 10000.0) / 10000.0;
  if (rounded == std::floor(rounded) && std::fabs(rounded) < 1e15)
    sink_->integer(static_cast<std::int64_t>(rounded));
  else
    sink_->real(rounded);
  return *this;
}
JsonOut& JsonOut::integer(std::int64_t value) {
  sink_->integer(value);
  return *this;
}
JsonOut& JsonOut::boolean(bool value) {
  sink_->boolean(value);
  return *this;
}
JsonOut& JsonOut::null() {
  sink_->null();
  return *this;
}
JsonOut& JsonOut::begin_object() {
  sink_->begin_object();
  return *this;
}
JsonOut& JsonOut::end_object() {
  sink_->end_object();
  return *this;
}
JsonOut& JsonOut::begin_array() {
  sink_->begin_array();
  return *this;
}
JsonOut& JsonOut::end_array() {
  sink_->end_array();
  return *this;
}
JsonOut& JsonOut::date(std::optional<Date> day) { return day ? string(day->to_string()) : null(); }
JsonOut& JsonOut::percent(Percent share) {
  if (!share.known()) return null();
  if (share.is_exact()) return number(*share.value());
  begin_object();
  key("min").number(*share.min());
  key("max").number(*share.max());
  // Which bounds are excluded: ">50%" is {"min": 50, "max": 100, "min_open": true}.
  if (share.low().open) key("min_open").boolean(true);
  if (share.high().open) key("max_open").boolean(true);
  key("text").string(share.to_string());
  return end_object();
}
JsonOut& JsonOut::optional_string(std::string_view text) {
  return text.empty() ? null() : string(text);
}

std::string detail::json_string(void (*write)(JsonOut&, const void*), const void* context) {
  std::ostringstream out;
  {
    JsonOut json(out);
    write(json, context);
  }
  std::string text = std::move(out).str();
  if (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

std::optional<Date> last_day(std::optional<Date> end) {
  if (!end) return std::nullopt;
  return Date{end->days - 1};
}

std::string_view listing_status(const Listing& listing, Date day) {
  if (listing.in_force.contains(day)) return "in_force";
  if (listing.in_force.start && day < *listing.in_force.start) return "later";
  return "ended";
}

void write_node_json(JsonOut& json, const Graph& graph, NodeId node) {
  json.begin_object();
  json.key("id").optional_string(external_id(graph, node));
  json.key("name").string(graph.name(node));
  json.key("kind").string(to_string(graph.kind(node)));
  json.end_object();
}

void write_records_json(JsonOut& json, const Graph& graph, std::span<const ProvId> provs) {
  json.begin_array();
  for (ProvId prov : provs) json.string(graph.describe(prov));
  json.end_array();
}

void write_measure_fields_json(JsonOut& json, const Action& action, bool date_unknown) {
  json.key("list_type").string(to_string(action.list_id));
  json.key("issuer").string(to_string(action.issuer));
  json.key("measure_types").begin_array();
  for (int at = 0; at < kMeasureCount; ++at)
    if (action.measure_set.contains(static_cast<Measure>(at))) json.string(to_string(static_cast<Measure>(at)));
  json.end_array();
  json.key("measure_known").boolean(!action.measure_set.unknown());
  json.key("date_unknown").boolean(date_unknown);
  json.key("from_dataset_membership").boolean(action.origin == ActionOrigin::DatasetMembership);
}

void write_listing_json(JsonOut& json, const Graph& graph, const Listing& listing, Date day) {
  const Action& action = *listing.details;
  json.begin_object();
  json.key("action").optional_string(external_id(graph, listing.action));
  json.key("status").string(listing_status(listing, day));
  json.key("authority").optional_string(graph.string(action.authority));
  json.key("list").optional_string(graph.string(action.list));
  json.key("program").optional_string(graph.string(action.program));
  json.key("legal_basis").optional_string(graph.string(action.legal_basis));
  json.key("measures").optional_string(graph.string(action.measures));
  write_measure_fields_json(json, action, listing.date_unknown);
  json.key("citation").optional_string(graph.string(action.citation));
  json.key("listed").date(action.listed);
  json.key("start").date(listing.in_force.start);
  json.key("end").date(last_day(listing.in_force.end));
  json.key("same_designation").begin_array();
  for (EdgeId other : listing.same_designation) json.optional_string(external_id(graph, graph.target(other)));
  json.end_array();
  json.key("records");
  std::vector<ProvId> provs(graph.edge_provenance(listing.edge).begin(),
                            graph.edge_provenance(listing.edge).end());
  for (ProvId prov : graph.provenance(listing.action))
    if (std::find(provs.begin(), provs.end(), prov) == provs.end()) provs.push_back(prov);
  // One designation, every record: the undated records it stands for.
  for (EdgeId other : listing.same_designation)
    for (ProvId prov : graph.provenance(graph.target(other)))
      if (std::find(provs.begin(), provs.end(), prov) == provs.end()) provs.push_back(prov);
  write_records_json(json, graph, provs);
  json.end_object();
}

void write_screen_hit_json(JsonOut& json, const Graph& graph, const ScreenHit& hit, Date day, bool listed) {
  json.begin_object();
  json.key("entity");
  write_node_json(json, graph, hit.node);
  json.key("score").number(hit.score);
  json.key("name_score").number(hit.name_score);
  json.key("certain").boolean(!hit.identifiers.empty());
  json.key("exact").boolean(hit.exact);
  json.key("matched_name").string(hit.name_text);
  json.key("name_type").string(to_string(hit.name.type));
  json.key("name_strength").string(to_string(hit.name.strength));
  json.key("listed").boolean(listed);
  json.key("tokens").begin_array();
  for (const TokenMatch& match : hit.matched) {
    json.begin_object();
    json.key("query").string(match.query_token);
    json.key("name").string(match.name_token);
    json.key("how").string(to_string(match.how));
    json.key("edits").integer(match.edits);
    json.key("similarity").number(match.similarity);
    json.key("legal_form").boolean(match.legal_form);
    json.key("weight").number(match.weight);
    json.end_object();
  }
  json.end_array();
  json.key("ignored_query_tokens").begin_array();
  for (const auto& token : hit.ignored_query_tokens) json.string(token);
  json.end_array();
  json.key("evidence").begin_object();
  json.key("query_share").number(hit.evidence.query_share);
  json.key("name_share").number(hit.evidence.name_share);
  json.key("min_similarity").number(hit.evidence.min_similarity);
  json.key("matched_weight").number(hit.evidence.matched_weight);
  json.key("one_word").boolean(hit.evidence.one_word);
  json.key("weak").boolean(hit.evidence.weak);
  json.key("strict").boolean(hit.evidence.strict);
  json.key("typo_only").boolean(hit.evidence.typo_only);
  json.key("distinctive_cover").boolean(hit.evidence.distinctive_cover);
  json.key("distinctive_exact").boolean(hit.evidence.distinctive_exact);
  json.end_object();
  json.key("unmatched_query_tokens").begin_array();
  for (const auto& token : hit.unmatched_query_tokens) json.string(token);
  json.end_array();
  json.key("unmatched_name_tokens").begin_array();
  for (const auto& token : hit.unmatched_name_tokens) json.string(token);
  json.end_array();
  json.key("identifiers").begin_array();
  for (const IdentifierMatch& match : hit.identifiers) {
    json.begin_object();
    json.key("type").string(to_string(match.identifier.type));
    json.key("label").string(match.identifier.label);
    json.key("number").string(match.identifier.number);
    json.key("attribute").string(match.attribute);
    json.key("value").string(match.value);
    json.key("record").string(graph.describe(match.source));
    json.end_object();
  }
  json.end_array();
  json.key("secondary_evidence").begin_array();
  for (const EvidenceNote& note : hit.secondary) {
    json.begin_object();
    json.key("fact").string(note.fact);
    json.key("effect").string(to_string(note.effect));
    json.key("delta").number(note.delta);
    json.key("text").string(note.text);
    json.end_object();
  }
  json.end_array();
  json.key("listings").begin_array();
  for (const Listing& listing : hit.listings) write_listing_json(json, graph, listing, day);
  json.end_array();
  json.key("birth_dates").begin_array();
  for (auto date : hit.birth_dates) json.string(date);
  json.end_array();
  json.key("countries").begin_array();
  for (const CountryFact& fact : hit.countries) {
    json.begin_object();
    json.key("code").string(fact.code);
    json.key("key").string(fact.key);
    json.key("value").string(fact.value);
    json.end_object();
  }
  json.end_array();
  json.end_object();
}

void write_reason_json(JsonOut& json, const Graph& graph, const Reason& reason) {
  json.begin_object();
  json.key("kind").string(to_string(reason.kind));
  json.key("text").string(reason.text);
  json.key("min_percent").number(reason.min_percent);
  json.key("max_percent").number(reason.max_percent);
  json.key("actions").begin_array();
  for (NodeId action : reason.actions) {
    json.begin_object();
    json.key("id").optional_string(external_id(graph, action));
    if (const Action* details = graph.action(action)) {
      json.key("authority").optional_string(graph.string(details->authority));
      json.key("list").optional_string(graph.string(details->list));
      json.key("program").optional_string(graph.string(details->program));
      json.key("start").date(details->in_force.start);
      json.key("end").date(last_day(details->in_force.end));
      write_measure_fields_json(json, *details, details->undated());
    }
    json.key("records");
    write_records_json(json, graph, graph.provenance(action));
    json.end_object();
  }
  json.end_array();
  json.key("chain").begin_array();
  for (const ChainStep& step : reason.chain) {
    json.begin_object();
    json.key("from");
    write_node_json(json, graph, step.owner);
    json.key("to");
    write_node_json(json, graph, step.asset);
    json.key("kind").string(to_string(step.kind));
    json.key("interest").string(to_string(step.edge == kNoEdge ? Interest::Unspecified : graph.interest(step.edge)));
    json.key("share").percent(step.share);
    json.key("start").date(step.valid.start);
    json.key("end").date(last_day(step.valid.end));
    json.key("records");
    if (step.edge != kNoEdge)
      write_records_json(json, graph, graph.edge_provenance(step.edge));
    else
      json.begin_array().end_array();
    json.end_object();
  }
  json.end_array();
  if (!reason.records.empty()) {
    // One holding reconciled from several records of the same stake: every record, with its share.
    json.key("stake_records").begin_array();
    for (EdgeId edge : reason.records) {
      json.begin_object();
      json.key("share").percent(graph.share(edge));
      json.key("records");
      write_records_json(json, graph, graph.edge_provenance(edge));
      json.end_object();
    }
    json.end_array();
  }
  json.end_object();
}

void write_exposure_json(JsonOut& json, const Graph& graph, const Exposure& answer) {
  const RuleInfo& info = rule_info(answer.rule);
  json.begin_object();
  json.key("entity");
  write_node_json(json, graph, answer.entity);
  json.key("rule").string(to_string(answer.rule));
  json.key("rule_id").string(info.id);
  json.key("rule_name").string(info.name);
  json.key("rule_citation").string(info.citation);
  json.key("as_of").date(answer.as_of);
  json.key("listed").boolean(answer.listed);
  json.key("blocked").boolean(answer.blocked == Verdict::Yes);
  json.key("verdict").string(to_string(answer.blocked));
  json.key("consequence").string(answer.consequence);
  json.key("aggregate_percent");
  if (answer.aggregate_percent)
    json.number(*answer.aggregate_percent);
  else
    json.null();
  json.key("aggregate_min").number(answer.aggregate_min);
  json.key("aggregate_max").number(answer.aggregate_max);
  json.key("reasons").begin_array();
  for (const Reason& reason : answer.reasons) write_reason_json(json, graph, reason);
  json.end_array();
  json.key("cautions").begin_array();
  for (const Reason& reason : answer.cautions) write_reason_json(json, graph, reason);
  json.end_array();
  json.end_object();
}

void write_whatif_json(JsonOut& json, const Graph& graph, const WhatIfResult& result) {
  const RuleInfo& info = rule_info(result.rule);
  json.begin_object();
  json.key("rule").string(to_string(result.rule));
  json.key("rule_id").string(info.id);
  json.key("rule_name").string(info.name);
  json.key("as_of").date(result.as_of);
  for (const auto& [name, nodes] : {std::pair{"designate", &result.changes.designate},
                                    std::pair{"delist", &result.changes.delist}}) {
    json.key(name).begin_array();
    for (NodeId node : *nodes) write_node_json(json, graph, node);
    json.end_array();
  }
  json.key("recomputed").integer(static_cast<std::int64_t>(result.recomputed));
  json.key("full_recompute").boolean(result.full_recompute);
  const WhatIfTotals totals = result.totals();
  json.key("totals").begin_object();
  json.key("changed").integer(static_cast<std::int64_t>(result.changed.size()));
  json.key("designated").integer(static_cast<std::int64_t>(totals.designated));
  json.key("delisted").integer(static_cast<std::int64_t>(totals.delisted));
  json.key("newly_blocked").integer(static_cast<std::int64_t>(totals.blocked));
  json.key("newly_possibly").integer(static_cast<std::int64_t>(totals.possibly));
  json.key("no_longer_blocked").integer(static_cast<std::int64_t>(totals.cleared));
  json.end_object();
  json.key("changed").begin_array();
  for (const VerdictChange& change : result.changed) {
    json.begin_object();
    json.key("entity");
    write_node_json(json, graph, change.party);
    json.key("listed_before").boolean(change.listed_before);
    json.key("listed_after").boolean(change.listed_after);
    json.key("before").string(to_string(change.before));
    json.key("after").string(to_string(change.after));
    if (change.now.entity != kNoNode) {
      json.key("was");
      write_exposure_json(json, graph, change.was);
      json.key("now");
      write_exposure_json(json, graph, change.now);
    }
    json.end_object();
  }
  json.end_array();
  json.end_object();
}

void write_path_json(JsonOut& json, const Graph& graph, const Path& path) {
  json.begin_array();
  for (std::size_t step = 0; step < path.edges.size(); ++step) {
    const EdgeId edge = path.edges[step];
    json.begin_object();
    json.key("from");
    write_node_json(json, graph, graph.source(edge));
    json.key("to");
    write_node_json(json, graph, graph.target(edge));
    json.key("kind").string(to_string(graph.edge_kind(edge)));
    json.key("walked").string(graph.source(edge) == path.nodes[step] ? "forward" : "backward");
    json.key("share").percent(graph.share(edge));
    json.key("role").optional_string(graph.role(edge));
    json.key("start").date(graph.edge_valid(edge).start);
    json.key("end").date(last_day(graph.edge_valid(edge).end));
    json.key("records");
    write_records_json(json, graph, graph.edge_provenance(edge));
    json.end_object();
  }
  json.end_array();
}

void write_listings_json(JsonOut& json, const Graph& graph, NodeId node, const Listings& split,
                         Date day) {
  json.begin_object();
  json.key("entity");
  write_node_json(json, graph, node);
  json.key("as_of").string(day.to_string());
  json.key("listed").boolean(!split.in_force.empty());
  auto group = [&](std::string_view name, const std::vector<Listing>& list) {
    json.key(name).begin_array();
    for (const Listing& listing : list) write_listing_json(json, graph, listing, day);
    json.end_array();
  };
  group("in_force", split.in_force);
  group("later", split.later);
  group("ended", split.ended);
  json.end_object();
}

void write_link_json(JsonOut& json, const Graph& graph, EdgeId edge, bool outgoing) {
  json.begin_object();
  json.key("direction").string(outgoing ? "out" : "in");
  json.key("kind").string(to_string(graph.edge_kind(edge)));
  json.key("other");
  write_node_json(json, graph, outgoing ? graph.target(edge) : graph.source(edge));
  json.key("share").percent(graph.share(edge));
  json.key("start").date(graph.edge_valid(edge).start);
  json.key("end").date(last_day(graph.edge_valid(edge).end));
  json.key("role").optional_string(graph.role(edge));
  json.key("records");
  write_records_json(json, graph, graph.edge_provenance(edge));
  json.end_object();
}

void write_show_json(JsonOut& json, const Graph& graph, NodeId node, Date day) {
  Listings split = listings(graph, node, day);
  std::vector<Listing> listing_list = std::move(split.in_force);
  listing_list.insert(listing_list.end(), split.later.begin(), split.later.end());
  listing_list.insert(listing_list.end(), split.ended.begin(), split.ended.end());
  json.begin_object();
  json.key("entity");
  write_node_json(json, graph, node);
  json.key("as_of").string(day.to_string());
  json.key("ids").begin_array();
  for (StringId id : graph.external_ids(node)) json.string(graph.string(id));
  json.end_array();
  // Each id with the record(s) that state it (RULES.md §9.4), in the order of "ids".
  json.key("id_records").begin_array();
  const auto ids = graph.external_ids(node);
  for (std::size_t which = 0; which < ids.size(); ++which) {
    json.begin_object();
    json.key("id").string(graph.string(ids[which]));
    json.key("records");
    write_records_json(json, graph, graph.external_id_provenance(node, which));
    json.end_object();
  }
  json.end_array();
  json.key("names").begin_array();
  const auto names = graph.names(node);
  for (std::size_t which = 0; which < names.size(); ++which) {
    json.begin_object();
    json.key("name").string(graph.string(names[which].text));
    json.key("type").string(to_string(names[which].type));
    json.key("strength").string(to_string(names[which].strength));
    json.key("records");  // the record(s) that state this name (RULES.md §9.4)
    write_records_json(json, graph, graph.name_provenance(node, which));
    json.end_object();
  }
  json.end_array();
  json.key("attributes").begin_array();
  for (const Attribute& attribute : graph.attributes(node)) {
    json.begin_object();
    json.key("key").string(graph.string(attribute.key));
    json.key("value").string(graph.string(attribute.value));
    json.key("record").string(graph.describe(attribute.source));
    json.end_object();
  }
  json.end_array();
  json.key("valid_from").date(graph.valid(node).start);
  json.key("valid_to").date(last_day(graph.valid(node).end));
  json.key("records");
  write_records_json(json, graph, graph.provenance(node));
  json.key("listed").boolean(is_listed(graph, node, day));
  json.key("listings").begin_array();
  for (const Listing& listing : listing_list) write_listing_json(json, graph, listing, day);
  json.end_array();
  json.key("links").begin_array();
  for (EdgeId edge : graph.out_edges(node))
    if (graph.edge_kind(edge) != EdgeKind::TargetOf) write_link_json(json, graph, edge, true);
  for (EdgeId edge : graph.in_edges(node)) write_link_json(json, graph, edge, false);
  json.end_array();
  json.end_object();
}

// ---------------------------------------------------------------------------------------------
// The list answers: reach, owners and subsidiaries, blocked; diff and stats.

void write_page_json(JsonOut& json, const Page& page, std::size_t total) {
  json.key("count").integer(static_cast<std::int64_t>(total));
  json.key("offset").integer(static_cast<std::int64_t>(page.begin(total)));
  json.key("limit");
  if (page.limit)
    json.integer(static_cast<std::int64_t>(*page.limit));
  else
    json.null();
  json.key("shown").integer(static_cast<std::int64_t>(page.end(total) - page.begin(total)));
}

namespace {
/// Opens the answer about one party: `{"entity": {...}, "as_of": "YYYY-MM-DD"`.
void begin_entity(JsonOut& json, const Graph& graph, NodeId node, Date day) {
  json.begin_object();
  json.key("entity");
  write_node_json(json, graph, node);
  json.key("as_of").string(day.to_string());
}
}  // namespace

void write_reach_hit_json(JsonOut& json, const Graph& graph, const ReachHit& hit) {
  json.begin_object();
  json.key("party");
  write_node_json(json, graph, hit.party);
  json.key("hops").integer(static_cast<std::int64_t>(hit.path.hops()));
  json.key("actions").begin_array();
  for (NodeId action : hit.actions) {
    const Action* details = graph.action(action);
    json.begin_object();
    json.key("id").optional_string(external_id(graph, action));
    json.key("authority").optional_string(details ? graph.string(details->authority) : "");
    json.key("list").optional_string(details ? graph.string(details->list) : "");
    json.key("program").optional_string(details ? graph.string(details->program) : "");
    json.key("start").date(details ? details->in_force.start : std::nullopt);
    if (details != nullptr) write_measure_fields_json(json, *details, details->undated());
    json.end_object();
  }
  json.end_array();
  json.key("path");
  write_path_json(json, graph, hit.path);
  json.end_object();
}

void write_reach_json(JsonOut& json, const Graph& graph, NodeId from, Date day,
                      const ReachOptions& options, std::span<const ReachHit> hits, const Page& page,
                      BetweenRows between_rows) {
  begin_entity(json, graph, from, day);
  json.key("max_hops").integer(options.max_hops);
  json.key("authority").optional_string(options.authority);
  write_page_json(json, page, hits.size());
  json.key("hits").begin_array();
  for (std::size_t at = page.begin(hits.size()); at < page.end(hits.size()); ++at) {
    if (between_rows) between_rows();
    write_reach_hit_json(json, graph, hits[at]);
  }
  json.end_array();
  json.end_object();
}

void write_ownership_step_json(JsonOut& json, const Graph& graph, const OwnershipStep& step) {
  json.begin_object();
  json.key("party");
  write_node_json(json, graph, step.party);
  json.key("of");
  write_node_json(json, graph, step.of);
  json.key("depth").integer(step.depth);
  json.key("kind").string(to_string(graph.edge_kind(step.edge)));
  json.key("share").percent(step.share);
  json.key("through").percent(step.through);
  json.key("start").date(step.valid.start);
  json.key("end").date(last_day(step.valid.end));
  json.key("repeated").boolean(step.repeated);
  json.key("records");
  write_records_json(json, graph, graph.edge_provenance(step.edge));
  json.end_object();
}

namespace {
void write_chain_json(JsonOut& json, const Graph& graph, NodeId node, Date day, int depth,
                      std::span<const OwnershipStep> steps, const Page& page,
                      BetweenRows between_rows, std::string_view list_name) {
  begin_entity(json, graph, node, day);
  json.key("depth").integer(depth);
  write_page_json(json, page, steps.size());
  json.key(list_name).begin_array();
  for (std::size_t at = page.begin(steps.size()); at < page.end(steps.size()); ++at) {
    if (between_rows) between_rows();
    write_ownership_step_json(json, graph, steps[at]);
  }
  json.end_array();
  json.end_object();
}
}  // namespace

void write_owners_json(JsonOut& json, const Graph& graph, NodeId node, Date day, int depth,
                       std::span<const OwnershipStep> steps, const Page& page,
                       BetweenRows between_rows) {
  write_chain_json(json, graph, node, day, depth, steps, page, between_rows, "owners");
}

void write_subsidiaries_json(JsonOut& json, const Graph& graph, NodeId node, Date day, int depth,
                             std::span<const OwnershipStep> steps, const Page& page,
                             BetweenRows between_rows) {
  write_chain_json(json, graph, node, day, depth, steps, page, between_rows, "subsidiaries");
}

std::vector<BlockedHolder> blocked_holders(const Graph& graph, const BlockedSet& blocked, NodeId node,
                                           Date day) {
  std::vector<BlockedHolder> holders;
  for (EdgeId edge : graph.in_edges(node)) {
    const EdgeKind kind = graph.edge_kind(edge);
    if (kind != EdgeKind::Owns && kind != EdgeKind::Controls) continue;
    if (!graph.edge_valid(edge).contains(day)) continue;
    const NodeId holder = graph.source(edge);
    const Verdict verdict = blocked.verdict(holder);
    if (verdict == Verdict::No) continue;
    holders.push_back({edge, holder,
                       blocked.listed(holder)    ? "designated"
                       : verdict == Verdict::Yes ? "blocked"
                                                 : "possibly blocked"});
  }
  return holders;
}

void write_blocked_party_json(JsonOut& json, const Graph& graph, const BlockedSet& blocked,
                              NodeId node, Date day) {
  json.begin_object();
  json.key("entity");
  write_node_json(json, graph, node);
  json.key("verdict").string(to_string(blocked.verdict(node)));
  json.key("aggregate_min").number(blocked.min_bp(node) / 100.0);
  json.key("aggregate_max").number(blocked.max_bp(node) / 100.0);
  json.key("held_by").begin_array();  // the direct links; `exposure` gives whole chains
  for (const BlockedHolder& holder : blocked_holders(graph, blocked, node, day)) {
    json.begin_object();
    json.key("party");
    write_node_json(json, graph, holder.party);
    json.key("state").string(holder.state);
    json.key("kind").string(to_string(graph.edge_kind(holder.edge)));
    json.key("share").percent(graph.share(holder.edge));
    json.key("records");
    write_records_json(json, graph, graph.edge_provenance(holder.edge));
    json.end_object();
  }
  json.end_array();
  json.key("explain").string(
      fmt::format("exposure {} --rule {}", external_id(graph, node), to_string(blocked.rule())));
  json.end_object();
}

void write_blocked_json(JsonOut& json, const Graph& graph, const BlockedSet& blocked, Date day,
                        std::span<const NodeId> parties, const Page& page, BetweenRows between_rows) {
  if (!blocked.built_for(graph)) throw Error("write_blocked_json: the blocked set was built for another graph");
  const RuleInfo& info = rule_info(blocked.rule());
  json.begin_object();
  json.key("rule").string(to_string(blocked.rule()));
  json.key("rule_id").string(info.id);
  json.key("rule_citation").string(info.citation);
  json.key("as_of").string(day.to_string());
  json.key("rule_in_force").boolean(blocked.rule_in_force());
  const auto yes = blocked.nodes(Verdict::Yes);
  json.key("designated")
      .integer(static_cast<std::int64_t>(
          std::count_if(yes.begin(), yes.end(), [&](NodeId node) { return blocked.listed(node); })));
  write_page_json(json, page, parties.size());
  json.key("blocked").begin_array();
  for (std::size_t at = page.begin(parties.size()); at < page.end(parties.size()); ++at) {
    if (between_rows) between_rows();
    write_blocked_party_json(json, graph, blocked, parties[at], day);
  }
  json.end_array();
  json.end_object();
}

void write_diff_json(JsonOut& json, const Graph& before, const Graph& after, const GraphDiff& changes,
                     std::string_view old_name, std::string_view new_name) {
  auto write_changes = [&](const std::vector<FieldChange>& list) {
    json.key("changes").begin_array();
    for (const FieldChange& change : list) {
      json.begin_object();
      json.key("field").string(change.field);
      json.key("before").optional_string(change.before);
      json.key("after").optional_string(change.after);
      json.end_object();
    }
    json.end_array();
  };
  json.begin_object();
  json.key("old").string(old_name);
  json.key("new").string(new_name);
  json.key("empty").boolean(changes.empty());
  auto parties = [&](std::string_view key, const std::vector<EntityDiff>& list) {
    json.key(key).begin_array();
    for (const EntityDiff& entity : list) {
      json.begin_object();
      json.key("id").string(entity.id);
      json.key("name").string(entity.new_node != kNoNode ? after.name(entity.new_node)
                                                         : before.name(entity.old_node));
      json.key("listings").optional_string(entity.listings);
      json.key("op").optional_string(entity.op);
      write_changes(entity.changes);
      json.end_object();
    }
    json.end_array();
  };
  parties("parties_added", changes.added);
  parties("parties_removed", changes.removed);
  parties("parties_changed", changes.changed);
  auto listing_list = [&](std::string_view key, const std::vector<ListingDiff>& list) {
    json.key(key).begin_array();
    for (const ListingDiff& listing : list) {
      json.begin_object();
      json.key("party").string(listing.party);
      json.key("action").string(listing.action);
      json.key("authority").optional_string(listing.authority);
      json.key("list").optional_string(listing.list);
      json.key("program").optional_string(listing.program);
      write_changes(listing.changes);
      json.end_object();
    }
    json.end_array();
  };
  listing_list("listings_added", changes.listings_added);
  listing_list("listings_removed", changes.listings_removed);
  listing_list("listings_changed", changes.listings_changed);
  auto links = [&](std::string_view key, const std::vector<EdgeDiff>& list) {
    json.key(key).begin_array();
    for (const EdgeDiff& edge : list) {
      json.begin_object();
      json.key("kind").string(to_string(edge.kind));
      json.key("from").string(edge.from);
      json.key("to").string(edge.to);
      json.key("id").optional_string(edge.id);
      write_changes(edge.changes);
      json.end_object();
    }
    json.end_array();
  };
  links("links_added", changes.edges_added);
  links("links_removed", changes.edges_removed);
  links("links_changed", changes.edges_changed);
  json.key("mass_changes").begin_array();
  for (const MassChange& mass : changes.mass) {
    json.begin_object();
    json.key("what").string(mass.what);
    json.key("removal").boolean(mass.removal);
    json.key("reason").string(mass.reason);
    json.key("before").integer(static_cast<std::int64_t>(mass.before));
    json.key("after").integer(static_cast<std::int64_t>(mass.after));
    json.key("changed").integer(static_cast<std::int64_t>(mass.changed));
    json.key("parties_held").integer(static_cast<std::int64_t>(mass.parties.size()));
    json.key("listings_held").integer(static_cast<std::int64_t>(mass.listings.size()));
    json.end_object();
  }
  json.end_array();
  json.end_object();
}

void write_watch_party_json(JsonOut& json, const Graph& before, const Graph& after,
                            const WatchPartyResult& party) {
  json.begin_object();
  json.key("line").integer(static_cast<std::int64_t>(party.input.line));
  json.key("ref").optional_string(party.input.ref);
  json.key("input").begin_object();
  json.key("name").optional_string(party.input.name);
  json.key("id").optional_string(party.input.id);
  json.end_object();
  json.key("status").string(party.error.empty() ? "changed" : "error");
  json.key("error");
  if (party.error.empty()) json.null(); else json.string(party.error);
  json.key("old_matches").integer(static_cast<std::int64_t>(party.old_matches));
  json.key("new_matches").integer(static_cast<std::int64_t>(party.new_matches));
  json.key("changes").begin_array();
  for (const WatchChange& change : party.changes) {
    json.begin_object();
    json.key("change").string(to_string(change.kind));
    json.key("record").string(change.record);
    json.key("record_name").optional_string(change.record_name);
    json.key("old_score").number(change.old_score);
    json.key("new_score").number(change.new_score);
    json.key("matched_name").optional_string(change.matched_name);
    json.key("why").string(change.why);
    if (change.kind == WatchChangeKind::ListingAdded || change.kind == WatchChangeKind::ListingEnded ||
        change.kind == WatchChangeKind::ListingChanged) {
      const Graph& graph = change.kind == WatchChangeKind::ListingEnded ? before : after;
      if (change.kind == WatchChangeKind::ListingChanged) json.key("before").string(change.before_text);
      json.key("action").string(change.action);
      json.key("authority").optional_string(change.authority);
      json.key("list").optional_string(change.list);
      json.key("program").optional_string(change.program);
      json.key("start").date(change.dates.start);
      json.key("end").date(last_day(change.dates.end));
      json.key("records");
      if (change.edge != kNoEdge)
        write_records_json(json, graph, graph.edge_provenance(change.edge));
      else
        json.begin_array().end_array();
    } else if (change.kind == WatchChangeKind::VerdictChanged) {
      const Graph& graph = change.reasons_from_new ? after : before;
      json.key("rule").string(rule_info(change.rule).id);
      json.key("before").string(to_string(change.before));
      json.key("after").string(to_string(change.after));
      json.key("reasons_from").string(change.reasons_from_new ? "new" : "old");
      json.key("reasons").begin_array();
      for (const Reason& reason : change.reasons) write_reason_json(json, graph, reason);
      json.end_array();
    }
    json.end_object();
  }
  json.end_array();
  json.end_object();
}

void write_stats_json(JsonOut& json, const Graph& graph, std::span<const LoadedSource> sources,
                      std::optional<Date> as_of) {
  const GraphStats stats = graph.stats();
  auto count = [](std::size_t value) { return static_cast<std::int64_t>(value); };
  json.begin_object();
  json.key("nodes").integer(count(stats.nodes));
  json.key("edges").integer(count(stats.edges));
  json.key("actions").integer(count(stats.actions));
  json.key("names").integer(count(stats.names));
  json.key("attributes").integer(count(stats.attributes));
  json.key("strings").integer(count(stats.strings));
  json.key("provenance_records").integer(count(stats.provenance));
  json.key("bytes").integer(count(stats.bytes));
  json.key("nodes_by_kind").begin_object();
  for (int kind = 0; kind < kNodeKindCount; ++kind)
    if (stats.nodes_by_kind[kind] != 0)
      json.key(to_string(static_cast<NodeKind>(kind))).integer(count(stats.nodes_by_kind[kind]));
  json.end_object();
  json.key("edges_by_kind").begin_object();
  for (int kind = 0; kind < kEdgeKindCount; ++kind)
    if (stats.edges_by_kind[kind] != 0)
      json.key(to_string(static_cast<EdgeKind>(kind))).integer(count(stats.edges_by_kind[kind]));
  json.end_object();
  json.key("sources").begin_array();
  for (const LoadedSource& source : sources) {
    json.begin_object();
    json.key("spec").string(source.spec);
    json.key("kind").string(source.kind);
    json.key("files").integer(count(source.report.files.size()));
    json.key("bytes").integer(count(source.report.bytes));
    json.key("seconds").number(source.report.seconds);
    json.end_object();
  }
  json.end_array();
  json.key("as_of").date(as_of);
  json.end_object();
}

}  // namespace skg
