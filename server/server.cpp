// server/server.cpp: the routes of `skg serve` (server/README.md), on cpp-httplib.
#include "server.h"

#include <httplib.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>

#include "skg/json.h"
#include "skg/loaders/screen_input.h"
#include "web_assets.h"

namespace skg::server {

namespace {

using Clock = std::chrono::steady_clock;

/// A request the server will not answer: its status (400, 404, 503) and a reason naming the
/// field at fault ("queries.q1.schema", "limit").
struct Refusal {
  int status;
  std::string field;
  std::string reason;
};

[[noreturn]] void refuse(int status, std::string field, std::string reason) {
  throw Refusal{status, std::move(field), std::move(reason)};
}

/// yente's error body is {"detail": "..."}; skg adds the field and the status.
std::string error_body(int status, std::string_view field, std::string_view reason) {
  return to_json([&](JsonOut& json) {
    json.begin_object();
    json.key("detail").string(reason);
    json.key("field").optional_string(field);
    json.key("status").integer(status);
    json.end_object();
  });
}

void send_json(httplib::Response& res, std::string body, int status = 200) {
  res.status = status;
  res.set_content(std::move(body), "application/json");
}

/// Whether a request's If-None-Match names `etag` (RFC 9110 section 13.1.2): "*", or a
/// comma-separated list of entity tags, in one header or several, compared weakly (W/"x"
/// matches "x", section 8.8.3.2), as a cache that holds several versions sends them.
bool none_match(const httplib::Request& req, std::string_view etag) {
  const auto bare = [](std::string_view tag) {
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    return tag;
  };
  for (std::size_t at = 0, count = req.get_header_value_count("If-None-Match"); at < count; ++at) {
    const std::string value = req.get_header_value("If-None-Match", at);
    std::string_view list = value;
    while (!list.empty()) {
      const std::size_t comma = list.find(',');
      std::string_view tag = list.substr(0, comma);
      while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
      while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
      if (tag == "*" || (!tag.empty() && bare(tag) == bare(etag))) return true;
      if (comma == std::string_view::npos) break;
      list.remove_prefix(comma + 1);
    }
  }
  return false;
}

/// A file of the page, with the headers a browser needs: its type, a strict Content Security
/// Policy (this origin's scripts and styles only: no inline script, no external font, script or
/// frame), and an ETag so that a reload revalidates (304) instead of fetching it again.
void send_asset(const WebAsset& asset, const httplib::Request& req, httplib::Response& res) {
  res.set_header("Content-Security-Policy",
                 "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                 "connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("Cache-Control", "no-cache");
  res.set_header("ETag", std::string(asset.etag));
  if (none_match(req, asset.etag)) {
    res.status = 304;
    return;
  }
  res.status = 200;
  res.set_content(asset.body.data(), asset.body.size(), std::string(asset.content_type).c_str());
}

// ---------------------------------------------------------------------------------------------
// Parameters

std::optional<std::string> param(const httplib::Request& req, const char* name) {
  if (!req.has_param(name)) return std::nullopt;
  return req.get_param_value(name);
}

std::size_t count_param(const httplib::Request& req, const char* name, std::size_t fallback,
                        std::size_t bound) {
  const auto text = param(req, name);
  if (!text) return fallback;
  std::size_t value = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (text->empty() || error != std::errc() || end != text->data() + text->size())
    refuse(400, name, std::string(name) + ": '" + *text + "' is not a whole number >= 0");
  if (value > bound)
    refuse(400, name,
           std::string(name) + ": " + *text + " is above this server's bound of " +
               std::to_string(bound));
  return value;
}

double score_param(const httplib::Request& req, const char* name, double fallback) {
  const auto text = param(req, name);
  if (!text) return fallback;
  char* end = nullptr;
  const double value = std::strtod(text->c_str(), &end);
  if (text->empty() || end != text->c_str() + text->size() || !std::isfinite(value) || value < 0 ||
      value > 1)
    refuse(400, name, std::string(name) + ": '" + *text + "' is not a number from 0 to 1");
  return value;
}

Rule rule_param(const httplib::Request& req) {
  const auto text = param(req, "rule");
  if (!text) return Rule::Ofac;
  const auto rule = parse_rule(*text);
  if (!rule) refuse(400, "rule", "rule: '" + *text + "' is not one of ofac, eu, uk, bis");
  return *rule;
}

// ---------------------------------------------------------------------------------------------
// Request bodies

/// Deepest nesting of arrays and objects in a JSON text (strings skipped), checked before the
/// parser sees it so that a body of 100,000 '[' is refused cheaply.
std::size_t nesting_depth(std::string_view text) {
  std::size_t depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

/// A property of an FtM-shaped example: a string or a list of strings.
std::vector<std::string> strings_of(const rapidjson::Value& value, const std::string& field) {
  std::vector<std::string> out;
  if (value.IsString()) {
    out.emplace_back(value.GetString(), value.GetStringLength());
  } else if (value.IsArray()) {
    for (const auto& item : value.GetArray()) {
      if (!item.IsString()) refuse(400, field, field + ": must be a string or a list of strings");
      out.emplace_back(item.GetString(), item.GetStringLength());
    }
  } else {
    refuse(400, field, field + ": must be a string or a list of strings");
  }
  // Blank values say nothing.
  std::erase_if(out, [](const std::string& text) {
    return std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c); });
  });
  return out;
}

// What the FtM properties of a query mean to skg's screening (server/README.md, "Matching").
// Names screened one by one, the best score per party kept.
constexpr std::string_view kNameProperties[] = {"name", "alias", "previousName", "weakAlias"};
// Identifiers: each searched exactly (skg's identifier index normalises case, spaces, dashes).
constexpr std::string_view kIdProperties[] = {
    "idNumber",    "registrationNumber", "passportNumber", "taxNumber", "innCode",
    "ogrnCode",    "leiCode",            "imoNumber",      "swiftBic",  "vatCode",
    "okpoCode",    "kppCode",            "dunsCode",       "mmsi",      "callSign",
    "ofacUid",     "unReference",        "euReference",    "ofsiGroupId",
    "ukSanctionsListId", "gbCompanyNumber"};
// Countries the party is tied to: compared with the record's countries.
constexpr std::string_view kCountryProperties[] = {"nationality", "citizenship", "country",
                                                   "jurisdiction", "mainCountry"};

bool is_one_of(std::string_view key, std::span<const std::string_view> keys) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

/// FtM schema names as skg's kinds. Thing and LegalEntity: any kind (kind unset).
struct SchemaKind {
  bool known = false;
  std::optional<NodeKind> kind;
};
SchemaKind kind_of_schema(std::string_view schema) {
  if (schema == "Thing" || schema == "LegalEntity") return {true, std::nullopt};
  const auto kind = parse_node_kind(schema);
  if (!kind || *kind == NodeKind::Action || *kind == NodeKind::Authority) return {};
  return {true, kind};
}

struct MatchQuery {
  std::string key;                 // the caller's name for it
  std::optional<std::string> id;   // the example's own id, echoed
  std::string schema;
  std::vector<std::string> names;  // each screened
  std::vector<std::string> ids;    // each searched exactly
  ScreenEvidence evidence;
  std::vector<std::pair<std::string, std::vector<std::string>>> properties;  // echoed, normalised
};

MatchQuery read_query(const std::string& key, const rapidjson::Value& value) {
  const std::string at = "queries." + key;
  if (!value.IsObject()) refuse(400, at, at + ": must be an object with schema and properties");
  MatchQuery query;
  query.key = key;
  if (const auto id = value.FindMember("id"); id != value.MemberEnd() && !id->value.IsNull()) {
    if (!id->value.IsString()) refuse(400, at + ".id", at + ".id: must be a string");
    query.id = id->value.GetString();
  }
  const auto schema = value.FindMember("schema");
  if (schema == value.MemberEnd() || !schema->value.IsString())
    refuse(400, at + ".schema", at + ".schema: required, a schema name such as Person or Company");
  query.schema = schema->value.GetString();
  const SchemaKind kind = kind_of_schema(query.schema);
  if (!kind.known)
    refuse(400, at + ".schema",
           at + ".schema: '" + query.schema +
               "' is not a schema skg screens (Thing, LegalEntity, Person, Company, Organization, "
               "Vessel, Aircraft)");
  query.evidence.kind = kind.kind;
  const auto properties = value.FindMember("properties");
  if (properties == value.MemberEnd() || !properties->value.IsObject())
    refuse(400, at + ".properties", at + ".properties: required, an object of property lists");
  std::string first, middle, last, father;
  for (const auto& member : properties->value.GetObject()) {
    const std::string name(member.name.GetString(), member.name.GetStringLength());
    const std::string field = at + ".properties." + name;
    std::vector<std::string> values = strings_of(member.value, field);
    if (is_one_of(name, kNameProperties)) {
      query.names.insert(query.names.end(), values.begin(), values.end());
    } else if (is_one_of(name, kIdProperties)) {
      query.ids.insert(query.ids.end(), values.begin(), values.end());
    } else if (is_one_of(name, kCountryProperties)) {
      for (std::string& text : values) {
        const auto code = country_code(text);
        if (!code) refuse(400, field, field + ": '" + text + "' names no country skg knows");
        query.evidence.countries.push_back(*code);
        text = *code;
        std::transform(text.begin(), text.end(), text.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      }
    } else if (name == "birthDate") {
      if (values.size() > 1)
        refuse(400, field, field + ": skg weighs one date of birth per query; give one");
      if (!values.empty()) query.evidence.birth_date = values.front();
    } else if (name == "gender") {
      if (!values.empty()) query.evidence.gender = values.front();
    } else if (name == "firstName" && !values.empty()) {
      first = values.front();
    } else if (name == "middleName" && !values.empty()) {
      middle = values.front();
    } else if (name == "lastName" && !values.empty()) {
      last = values.front();
    } else if (name == "fatherName" && !values.empty()) {
      father = values.front();
    }
    // Other properties (address, notes, ...) are echoed and play no part in the score.
    query.properties.emplace_back(name, std::move(values));
  }
  // yente builds names from the parts when none is given.
  std::string joined;
  for (const std::string* part : {&first, &middle, &father, &last})
    if (!part->empty()) joined += (joined.empty() ? "" : " ") + *part;
  if (!joined.empty() && query.names.empty()) query.names.push_back(joined);
  if (query.names.empty() && query.ids.empty())
    refuse(400, at + ".properties",
           at + ".properties: needs a name (name, alias, firstName/lastName) or an identifier "
                "(idNumber, registrationNumber, imoNumber, leiCode, ...)");
  if (const auto wrong = evidence_error(query.evidence)) {
    const std::string field =
        wrong->find("dob") != std::string::npos || wrong->find("birth") != std::string::npos
            ? at + ".properties.birthDate"
        : wrong->find("gender") != std::string::npos ? at + ".properties.gender"
                                                       : at + ".properties";
    refuse(400, field, field + ": " + *wrong);
  }
  return query;
}

rapidjson::Document parse_body(const httplib::Request& req, const ServerOptions& options) {
  if (req.body.empty()) refuse(400, "body", "body: empty; send a JSON object");
  if (nesting_depth(req.body) > options.max_depth)
    refuse(400, "body",
           "body: nested deeper than " + std::to_string(options.max_depth) + " levels");
  rapidjson::Document document;
  document.Parse<rapidjson::kParseIterativeFlag>(req.body.data(), req.body.size());
  if (document.HasParseError())
    refuse(400, "body",
           "body: not JSON at byte " + std::to_string(document.GetErrorOffset()) + ": " +
               rapidjson::GetParseError_En(document.GetParseError()));
  if (!document.IsObject()) refuse(400, "body", "body: must be a JSON object");
  return document;
}

// ---------------------------------------------------------------------------------------------
// Entities as yente writes them

std::string_view external_id(const Graph& graph, NodeId node) {
  const auto ids = graph.external_ids(node);
  return ids.empty() ? std::string_view() : graph.string(ids.front());
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

/// The authorities that list the party (any date), lower-case: its "datasets".
std::vector<std::string> datasets_of(const Graph& graph, NodeId node) {
  std::set<std::string> out;
  for (EdgeId edge : graph.out_edges(node)) {
    if (graph.edge_kind(edge) != EdgeKind::TargetOf) continue;
    if (const Action* action = graph.action(graph.target(edge)))
      if (action->authority != kNoString) out.insert(lower(graph.string(action->authority)));
  }
  return {out.begin(), out.end()};
}

/// The fields of yente's EntityResponse: id, caption, schema, properties, datasets, referents,
/// target (listed on the day), first_seen/last_seen/last_change (null: skg does not track them).
void write_entity_fields(JsonOut& json, const View& view, NodeId node) {
  const Graph& graph = view.graph();
  json.key("id").string(external_id(graph, node));
  json.key("caption").string(graph.name(node));
  json.key("schema").string(to_string(graph.kind(node)));
  json.key("properties").begin_object();
  std::map<std::string, std::vector<std::string_view>, std::less<>> properties;
  for (const Name& name : graph.names(node)) {
    const char* key = name.type == NameType::Primary        ? "name"
                      : name.strength == NameStrength::Weak ? "weakAlias"
                      : name.type == NameType::Aka          ? "alias"
                                                            : "previousName";
    properties[key].push_back(graph.string(name.text));
  }
  for (const Attribute& attribute : graph.attributes(node))
    properties[std::string(graph.string(attribute.key))].push_back(graph.string(attribute.value));
  for (const auto& [key, values] : properties) {
    json.key(key).begin_array();
    for (std::string_view value : values) json.string(value);
    json.end_array();
  }
  json.end_object();
  json.key("datasets").begin_array();
  for (const std::string& dataset : datasets_of(graph, node)) json.string(dataset);
  json.end_array();
  json.key("referents").begin_array();
  const auto ids = graph.external_ids(node);
  for (std::size_t at = 1; at < ids.size(); ++at) json.string(graph.string(ids[at]));
  json.end_array();
  json.key("target").boolean(view.is_listed(node));
  json.key("first_seen").null();
  json.key("last_seen").null();
  json.key("last_change").null();
}

/// The scores behind one hit, as yente's features: name, then each fact of the caller.
void write_features(JsonOut& json, const ScreenHit& hit) {
  json.begin_object();
  json.key("name").number(hit.identifiers.empty() ? hit.name_score : 0);
  if (!hit.identifiers.empty()) json.key("identifier").number(1);
  for (const EvidenceNote& note : hit.secondary) json.key(note.fact).number(note.delta);
  json.end_object();
}

// ---------------------------------------------------------------------------------------------
// The access log: one JSON line per request.

struct RequestClock {
  Clock::time_point start{};
  bool set = false;
};
thread_local RequestClock request_clock;

std::string utc_now() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[80];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms.count()));
  return text;
}

/// The deadline of the request this thread answers, for the writers' between-rows callback
/// (a plain function pointer).
thread_local Clock::time_point row_deadline = Clock::time_point::max();
thread_local std::chrono::milliseconds row_limit{0};
void check_row_time() {
  if (Clock::now() > row_deadline)
    refuse(503, "", "time limit of " + std::to_string(row_limit.count()) +
                        " ms reached while writing the rows; ask for a smaller page (limit)");
}

}  // namespace

// ---------------------------------------------------------------------------------------------

struct Server::Impl {
  ServerOptions options;
  Loader loader;
  httplib::Server http;
  std::thread thread;
  std::thread warmer;

  mutable std::mutex data_mutex;  // guards the pointer, not the Database
  std::shared_ptr<const Database> data;
  std::uint64_t generation = 1;
  std::atomic<bool> ready{false};
  std::mutex reload_mutex;  // one reload at a time
  std::mutex log_mutex;

  std::shared_ptr<const Database> current() const {
    std::lock_guard lock(data_mutex);
    return data;
  }

  /// What one request answers from: its own reference to the data, its day, its deadline.
  struct Request {
    std::shared_ptr<const Database> data;
    View view;
    Clock::time_point deadline;
    std::chrono::milliseconds limit;
    void check_time(std::string_view done) const {
      if (Clock::now() > deadline)
        refuse(503, "",
               "time limit of " + std::to_string(limit.count()) + " ms reached after " +
                   std::string(done));
    }
  };

  Request begin(const httplib::Request& req) const {
    auto held = current();
    Date day = options.as_of ? *options.as_of : held->today().day();
    if (const auto text = param(req, "as_of")) {
      const auto parsed = Date::parse(*text);
      if (!parsed || text->size() != 10)
        refuse(400, "as_of", "as_of: '" + *text + "' is not a date: write YYYY-MM-DD");
      day = *parsed;
    }
    const auto start = request_clock.set ? request_clock.start : Clock::now();
    const View view = held->as_of(day);
    row_deadline = start + options.time_limit;
    row_limit = options.time_limit;
    return Request{std::move(held), view, start + options.time_limit, options.time_limit};
  }

  NodeId entity(const Request& request, const std::string& id) const {
    const auto node = request.view.graph().find(id);
    if (!node || request.view.graph().kind(*node) == NodeKind::Action)
      refuse(404, "id", "no entity with id '" + id + "'");
    return *node;
  }

  /// The listing authorities a dataset name stands for: "default" (or "sanctions"): all; else
  /// the authorities of the data whose issuer (skg's Issuer names: "us_ofac" or "ofac", "un",
  /// "eu_council", "uk", "us_bis" or "bis", ...) or whose own name ("hm treasury (ofsi)") it is.
  ScreenFilter dataset_filter(const Request& request, const std::string& dataset) const {
    if (dataset == "default" || dataset == "sanctions") return {};
    const std::string wanted = lower(dataset);
    const Graph& graph = request.view.graph();
    std::set<std::string> authorities;
    for (NodeId action : graph.action_nodes()) {
      const Action* details = graph.action(action);
      if (details == nullptr || details->authority == kNoString) continue;
      const std::string_view issuer = to_string(details->issuer);
      if (lower(graph.string(details->authority)) == wanted || issuer == wanted ||
          (issuer.starts_with("us_") && issuer.substr(3) == wanted))
        authorities.insert(std::string(graph.string(details->authority)));
    }
    if (authorities.empty())
      refuse(404, "dataset",
             "no dataset '" + dataset + "': use default, an issuer (ofac, bis, un, eu_council, uk, ...) or an authority of the data");
    return ScreenFilter{.authorities = {authorities.begin(), authorities.end()}};
  }

  // -- the handlers ---------------------------------------------------------------------------

  void match(const httplib::Request& req, httplib::Response& res) const {
    const Request request = begin(req);
    const std::string dataset = req.matches[1];
    const ScreenFilter filter = dataset_filter(request, dataset);
    const std::size_t limit = count_param(req, "limit", 5, options.max_limit);
    const double threshold = score_param(req, "threshold", kDefaultScreenThreshold);
    const double cutoff = std::min(score_param(req, "cutoff", threshold), threshold);
    std::set<std::string, std::less<>> exclude_schema;
    for (std::size_t at = 0; at < req.get_param_value_count("exclude_schema"); ++at)
      exclude_schema.insert(req.get_param_value("exclude_schema", at));

    const rapidjson::Document body = parse_body(req, options);
    const auto queries_member = body.FindMember("queries");
    if (queries_member == body.MemberEnd() || !queries_member->value.IsObject())
      refuse(400, "queries", "queries: required, an object of examples keyed by your ids");
    const auto& queries_value = queries_member->value;
    if (queries_value.MemberCount() == 0) refuse(400, "queries", "queries: no queries given");
    if (queries_value.MemberCount() > options.max_batch)
      refuse(400, "queries",
             "queries: " + std::to_string(queries_value.MemberCount()) +
                 " in one batch; this server's bound is " + std::to_string(options.max_batch));
    for (const char* ignored : {"weights", "config"}) {
      const auto member = body.FindMember(ignored);
      if (member != body.MemberEnd() && !member->value.IsObject())
        refuse(400, ignored, std::string(ignored) + ": must be an object");
    }
    std::vector<MatchQuery> queries;
    for (const auto& member : queries_value.GetObject())
      queries.push_back(read_query(std::string(member.name.GetString(), member.name.GetStringLength()),
                                   member.value));

    const Graph& graph = request.view.graph();
    ScreenOptions screen;
    screen.limit = std::max<std::size_t>(limit, 1);
    screen.min_score = cutoff;
    screen.filter = filter;
    std::vector<std::vector<ScreenHit>> answers;
    answers.reserve(queries.size());
    for (const MatchQuery& query : queries) {
      request.check_time(std::to_string(answers.size()) + " of " + std::to_string(queries.size()) +
                         " queries");
      std::unordered_map<NodeId, ScreenHit> best;
      auto keep = [&](std::vector<ScreenHit> hits) {
        for (ScreenHit& hit : hits) {
          if (exclude_schema.count(to_string(graph.kind(hit.node)))) continue;
          auto [slot, fresh] = best.try_emplace(hit.node);
          if (fresh || hit.score > slot->second.score) slot->second = std::move(hit);
        }
      };
      for (const std::string& id : query.ids)
        keep(request.view.screen(ScreenQuery{.id = id, .evidence = query.evidence}, screen));
      for (const std::string& name : query.names)
        keep(request.view.screen(ScreenQuery{.name = name, .evidence = query.evidence}, screen));
      std::vector<ScreenHit> hits;
      hits.reserve(best.size());
      for (auto& entry : best) hits.push_back(std::move(entry.second));
      std::sort(hits.begin(), hits.end(), [&](const ScreenHit& a, const ScreenHit& b) {
        if (a.score != b.score) return a.score > b.score;
        return external_id(graph, a.node) < external_id(graph, b.node);
      });
      answers.push_back(std::move(hits));
    }

    send_json(res, to_json([&](JsonOut& json) {
      json.begin_object();
      json.key("responses").begin_object();
      for (std::size_t at = 0; at < queries.size(); ++at) {
        const MatchQuery& query = queries[at];
        const auto& hits = answers[at];
        json.key(query.key).begin_object();
        json.key("status").integer(200);
        json.key("results").begin_array();
        for (std::size_t row = 0; row < hits.size() && row < limit; ++row) {
          const ScreenHit& hit = hits[row];
          json.begin_object();
          write_entity_fields(json, request.view, hit.node);
          json.key("score").number(hit.score);
          json.key("match").boolean(hit.score >= threshold);
          json.key("features");
          write_features(json, hit);
          json.key("explanation");
          write_screen_hit_json(json, graph, hit, request.view.day(), request.view.is_listed(hit.node));
          json.end_object();
        }
        json.end_array();
        json.key("total").begin_object();
        json.key("value").integer(static_cast<std::int64_t>(hits.size()));
        json.key("relation").string("eq");
        json.end_object();
        json.key("query").begin_object();
        if (query.id) json.key("id").string(*query.id);
        else json.key("id").null();
        json.key("schema").string(query.schema);
        json.key("properties").begin_object();
        for (const auto& [name, values] : query.properties) {
          json.key(name).begin_array();
          for (const std::string& value : values) json.string(value);
          json.end_array();
        }
        json.end_object();
        json.end_object();
        json.end_object();
      }
      json.end_object();
      json.key("limit").integer(static_cast<std::int64_t>(limit));
      json.key("threshold").number(threshold);
      json.key("as_of").string(request.view.day().to_string());
      json.end_object();
    }));
  }

  void search(const httplib::Request& req, httplib::Response& res) const {
    const Request request = begin(req);
    const ScreenFilter filter = dataset_filter(request, req.matches[1]);
    const auto q = param(req, "q");
    if (!q || q->find_first_not_of(" \t") == std::string::npos)
      refuse(400, "q", "q: required, the name to search for");
    const std::size_t limit = count_param(req, "limit", 10, options.max_limit);
    const std::size_t offset = count_param(req, "offset", 0, 10000);
    ScreenOptions screen;
    screen.limit = offset + limit + 1;  // one more says whether there are more
    screen.min_score = score_param(req, "threshold", kDefaultScreenThreshold);
    screen.filter = filter;
    if (const auto schema = param(req, "schema")) {
      const SchemaKind kind = kind_of_schema(*schema);
      if (!kind.known) refuse(400, "schema", "schema: '" + *schema + "' is not a schema skg screens");
      if (kind.kind) screen.kinds = kinds_admitted_by(*kind.kind);
    }
    // The caller's facts (the page's optional date of birth and country): they move the scores
    // as in /match (ScreenEvidence).
    ScreenQuery query{.name = *q};
    if (const auto dob = param(req, "dob"); dob && !dob->empty()) query.evidence.birth_date = *dob;
    if (const auto country = param(req, "country"); country && !country->empty())
      query.evidence.countries = split_countries(*country);
    if (const auto wrong = evidence_error(query.evidence))
      refuse(400, query.evidence.birth_date.empty() || wrong->find("country") != std::string::npos
                      ? "country" : "dob",
             *wrong);
    const std::vector<ScreenHit> hits = request.view.screen(query, screen);
    const Graph& graph = request.view.graph();
    send_json(res, to_json([&](JsonOut& json) {
      json.begin_object();
      json.key("threshold").number(screen.min_score);
      json.key("limit").integer(static_cast<std::int64_t>(limit));
      json.key("offset").integer(static_cast<std::int64_t>(offset));
      json.key("total").begin_object();
      json.key("value").integer(static_cast<std::int64_t>(std::min(hits.size(), offset + limit)));
      json.key("relation").string(hits.size() > offset + limit ? "gte" : "eq");
      json.end_object();
      json.key("results").begin_array();
      for (std::size_t at = offset; at < hits.size() && at < offset + limit; ++at) {
        json.begin_object();
        write_entity_fields(json, request.view, hits[at].node);
        json.key("score").number(hits[at].score);
        json.key("matched_name").string(hits[at].name_text);
        json.key("explanation");
        write_screen_hit_json(json, graph, hits[at], request.view.day(),
                              request.view.is_listed(hits[at].node));
        json.end_object();
      }
      json.end_array();
      json.key("facets").begin_object().end_object();
      json.key("as_of").string(request.view.day().to_string());
      json.end_object();
    }));
  }

  void entity_page(const httplib::Request& req, httplib::Response& res) const {
    const Request request = begin(req);
    const NodeId node = entity(request, req.matches[1]);
    send_json(res, to_json([&](JsonOut& json) {
      json.begin_object();
      write_entity_fields(json, request.view, node);
      json.key("skg");
      write_show_json(json, request.view.graph(), node, request.view.day());
      json.end_object();
    }));
  }

  /// POST /batch: a counterparty file (CSV with a header, or FtM JSON lines: the shell's
  /// `screen-file` input, loaders/screen_input.h) in the body; one result per input row, in
  /// order, each with its status (match, no match, error) and hits, as `screen-file --json`.
  void batch(const httplib::Request& req, httplib::Response& res) const {
    const Request request = begin(req);
    const std::size_t limit = count_param(req, "limit", 5, options.max_limit);
    const double threshold = score_param(req, "threshold", kDefaultScreenThreshold);
    const std::string name = param(req, "name").value_or("upload");
    if (req.body.empty()) refuse(400, "body", "body: empty; send the CSV (or FtM JSON lines) to screen");
    std::optional<ScreenInputReader> reader;
    try {
      reader.emplace(name, req.body);
    } catch (const LoadError& error) {
      refuse(400, "body", error.what());
    }
    ScreenOptions screen;
    screen.limit = std::max<std::size_t>(limit, 1);
    screen.min_score = threshold;
    struct Row {
      ScreenInputRow input;
      std::string error;
      std::vector<ScreenHit> hits;
    };
    std::vector<Row> rows;
    std::size_t matched = 0, errors = 0;
    for (ScreenInputRow input; reader->next(input);) {
      request.check_time(std::to_string(rows.size()) + " rows");
      Row row{std::move(input), {}, {}};
      row.error = row.input.error;
      if (row.error.empty()) {
        try {
          const ScreenQuery query = screen_query_of(row.input);
          row.hits = request.view.screen(query, screen);
        } catch (const std::exception& failure) {
          row.error = name + ":" + std::to_string(row.input.line) + ": " + failure.what();
        }
      }
      matched += row.error.empty() && !row.hits.empty() ? 1 : 0;
      errors += row.error.empty() ? 0 : 1;
      rows.push_back(std::move(row));
    }
    const Graph& graph = request.view.graph();
    send_json(res, to_json([&](JsonOut& json) {
      json.begin_object();
      json.key("name").string(name);
      json.key("format").string(reader->format());
      json.key("as_of").string(request.view.day().to_string());
      json.key("threshold").number(threshold);
      json.key("limit").integer(static_cast<std::int64_t>(limit));
      json.key("rows").integer(static_cast<std::int64_t>(rows.size()));
      json.key("matched").integer(static_cast<std::int64_t>(matched));
      json.key("errors").integer(static_cast<std::int64_t>(errors));
      json.key("results").begin_array();
      for (const Row& row : rows) {
        check_row_time();
        json.begin_object();
        json.key("line").integer(static_cast<std::int64_t>(row.input.line));
        json.key("ref").optional_string(row.input.ref);
        json.key("input").begin_object();
        json.key("name").optional_string(row.input.name);
        json.key("dob").optional_string(row.input.birth_date);
        json.key("country").optional_string(row.input.country);
        json.key("schema").optional_string(row.input.schema);
        json.key("id").optional_string(row.input.id);
        json.end_object();
        json.key("status").string(!row.error.empty() ? "error" : row.hits.empty() ? "no match" : "match");
        json.key("error").optional_string(row.error);
        json.key("hits").begin_array();
        for (const ScreenHit& hit : row.hits)
          write_screen_hit_json(json, graph, hit, request.view.day(), request.view.is_listed(hit.node));
        json.end_array();
        json.end_object();
      }
      json.end_array();
      json.end_object();
    }));
  }

  void adjacent(const httplib::Request& req, httplib::Response& res) const {
    const Request request = begin(req);
    const NodeId node = entity(request, req.matches[1]);
    const Graph& graph = request.view.graph();
    std::optional<EdgeKind> only;
    std::string kind_text = req.matches.size() > 2 ? std::string(req.matches[2]) : std::string();
    if (kind_text.empty()) kind_text = param(req, "kind").value_or("");
    if (!kind_text.empty()) {
      only = parse_edge_kind(kind_text);
      if (!only) refuse(400, "kind", "kind: '" + kind_text + "' is not a link kind (owns, controls, director_of, ...)");
    }
    const std::size_t limit = count_param(req, "limit", 10, options.max_limit);
    const std::size_t offset = count_param(req, "offset", 0, std::size_t(1) << 40);
    // Every link but the listings (those are in /entities/{id}), grouped by kind, in edge order.
    std::map<std::string_view, std::vector<std::pair<EdgeId, bool>>> groups;
    for (EdgeId edge : graph.out_edges(node))
      if (graph.edge_kind(edge) != EdgeKind::TargetOf && (!only || graph.edge_kind(edge) == *only))
        groups[to_string(graph.edge_kind(edge))].emplace_back(edge, true);
    for (EdgeId edge : graph.in_edges(node))
      if (!only || graph.edge_kind(edge) == *only)
        groups[to_string(graph.edge_kind(edge))].emplace_back(edge, false);
    send_json(res, to_json([&](JsonOut& json) {
      json.begin_object();
      json.key("entity").begin_object();
      write_entity_fields(json, request.view, node);
      json.end_object();
      json.key("adjacent").begin_object();
      for (const auto& [kind, edges] : groups) {
        json.key(kind).begin_object();
        json.key("limit").integer(static_cast<std::int64_t>(limit));
        json.key("offset").integer(static_cast<std::int64_t>(offset));
        json.key("total").begin_object();
        json.key("value").integer(static_cast<std::int64_t>(edges.size()));
        json.key("relation").string("eq");
        json.end_object();
        json.key("results").begin_array();
        for (std::size_t at = offset; at < edges.size() && at < offset + limit; ++at)
          write_link_json(json, graph, edges[at].first, edges[at].second);
        json.end_array();
        json.end_object();
      }
      json.end_object();
      json.key("as_of").string(request.view.day().to_string());
      json.end_object();
    }));
  }

  void exposure(const httplib::Request& req, httplib::Response& res) const {
    const Request request = begin(req);
    const NodeId node = entity(request, req.matches[1]);
    const Rule rule = rule_param(req);
    const Exposure answer = request.view.exposure(node, rule);
    const Graph& graph = request.view.graph();
    std::string body = to_json([&](JsonOut& json) { write_exposure_json(json, graph, answer); });
    // Added to the shell's document: `parties`, the state under the rule on the day of the entity
    // and of every party of its chains (the page colours the picture by it): listed (designated
    // under the rule), blocked, possibly (possibly blocked), clear.
    const auto set = request.view.blocked(rule);
    std::vector<NodeId> parties{node};
    for (const auto* reasons : {&answer.reasons, &answer.cautions})
      for (const Reason& reason : *reasons)
        for (const ChainStep& step : reason.chain)
          for (NodeId party : {step.owner, step.asset})
            if (std::find(parties.begin(), parties.end(), party) == parties.end()) parties.push_back(party);
    const std::string extra = to_json([&](JsonOut& json) {
      json.begin_array();
      for (NodeId party : parties) {
        const Verdict verdict = set->verdict(party);
        json.begin_object();
        json.key("id").optional_string(external_id(graph, party));
        json.key("name").string(graph.name(party));
        json.key("state").string(set->listed(party)         ? "listed"
                                 : verdict == Verdict::Yes      ? "blocked"
                                 : verdict == Verdict::Possibly ? "possibly"
                                                                : "clear");
        json.end_object();
      }
      json.end_array();
    });
    if (body.empty() || body.back() != '}') throw Error("exposure: the answer is not a JSON object");
    body.pop_back();
    body += ",\"parties\":" + extra + "}";
    send_json(res, std::move(body));
  }

  /// POST /whatif {"designate": [ids], "delist": [ids], "rule": "ofac", "as_of": "YYYY-MM-DD"}:
  /// the shell's `whatif --json` (one result per rule; no rule: every rule).
  void whatif(const httplib::Request& req, httplib::Response& res) const {
    const rapidjson::Document body = parse_body(req, options);
    std::optional<std::string> as_of, rule_text;
    for (const auto* field : {"as_of", "rule"}) {
      const auto member = body.FindMember(field);
      if (member == body.MemberEnd() || member->value.IsNull()) continue;
      if (!member->value.IsString()) refuse(400, field, std::string(field) + ": must be a string");
      (std::string_view(field) == "as_of" ? as_of : rule_text) = member->value.GetString();
    }
    Request request = begin(req);
    if (as_of) {
      const auto parsed = Date::parse(*as_of);
      if (!parsed || as_of->size() != 10) refuse(400, "as_of", "as_of: '" + *as_of + "' is not a date: write YYYY-MM-DD");
      request.view = request.data->as_of(*parsed);
    }
    std::vector<Rule> rules;
    if (rule_text) {
      const auto rule = parse_rule(*rule_text);
      if (!rule) refuse(400, "rule", "rule: '" + *rule_text + "' is not one of ofac, eu, uk, bis");
      rules.push_back(*rule);
    } else {
      for (int at = 0; at < kRuleCount; ++at) rules.push_back(static_cast<Rule>(at));
    }
    WhatIfChanges changes;
    for (const auto* field : {"designate", "delist"}) {
      auto& nodes = std::string_view(field) == "designate" ? changes.designate : changes.delist;
      const auto member = body.FindMember(field);
      if (member == body.MemberEnd() || member->value.IsNull()) continue;
      for (const std::string& id : strings_of(member->value, field)) nodes.push_back(entity(request, id));
    }
    if (changes.designate.empty() && changes.delist.empty())
      refuse(400, "designate", "designate, delist: give at least one entity id in one of them");
    for (NodeId node : changes.designate)
      if (std::find(changes.delist.begin(), changes.delist.end(), node) != changes.delist.end())
        refuse(400, "delist", "delist: '" + std::string(external_id(request.view.graph(), node)) +
                                  "' is also in designate");
    std::vector<WhatIfResult> results;
    for (const Rule rule : rules) {
      results.push_back(request.view.whatif(rule, changes));
      request.check_time("the what-if");
    }
    send_json(res, to_json([&](JsonOut& json) {
      json.begin_object();
      json.key("as_of").string(request.view.day().to_string());
      json.key("results").begin_array();
      for (const WhatIfResult& result : results) write_whatif_json(json, request.view.graph(), result);
      json.end_array();
      json.end_object();
    }));
  }

  /// `limit` (default `fallback`, at most max_limit) and `offset` as a Page.
  Page page(const httplib::Request& req, std::size_t fallback) const {
    Page out;
    out.limit = count_param(req, "limit", fallback, options.max_limit);
    out.offset = count_param(req, "offset", 0, std::size_t(1) << 40);
    return out;
  }

  void blocked(const httplib::Request& req, httplib::Response& res) const {
    const Request request = begin(req);
    const Rule rule = rule_param(req);
    const Page rows = page(req, 100);
    const auto set = request.view.blocked(rule);
    const std::vector<NodeId> parties = request.view.blocked_parties(rule);
    request.check_time("building the blocked set");
    send_json(res, to_json([&](JsonOut& json) {
      write_blocked_json(json, request.view.graph(), *set, request.view.day(), parties, rows,
                         check_row_time);
    }));
  }

  void reach(const httplib::Request& req, httplib::Response& res) const {
    const Request request = begin(req);
    const NodeId node = entity(request, req.matches[1]);
    ReachOptions reach_options;
    reach_options.max_hops = static_cast<int>(count_param(req, "hops", 3, 6));
    reach_options.authority = param(req, "authority").value_or("");
    const Page rows = page(req, 100);
    const std::vector<ReachHit> hits = request.view.reach(node, reach_options);
    request.check_time("the reach walk");
    send_json(res, to_json([&](JsonOut& json) {
      write_reach_json(json, request.view.graph(), node, request.view.day(), reach_options, hits,
                       rows, check_row_time);
    }));
  }

  void ownership(const httplib::Request& req, httplib::Response& res, bool up) const {
    const Request request = begin(req);
    const NodeId node = entity(request, req.matches[1]);
    OwnershipOptions walk;
    walk.depth = static_cast<int>(count_param(req, "depth", 3, 20));
    const Page rows = page(req, 100);
    const std::vector<OwnershipStep> steps =
        up ? request.view.owners(node, walk) : request.view.subsidiaries(node, walk);
    request.check_time("the ownership walk");
    send_json(res, to_json([&](JsonOut& json) {
      if (up)
        write_owners_json(json, request.view.graph(), node, request.view.day(), walk.depth, steps,
                          rows, check_row_time);
      else
        write_subsidiaries_json(json, request.view.graph(), node, request.view.day(), walk.depth,
                                steps, rows, check_row_time);
    }));
  }

  // -- operations -----------------------------------------------------------------------------

  void readyz(httplib::Response& res, std::uint64_t gen) const {
    const auto held = current();
    const bool is_ready = ready.load();
    send_json(res,
              to_json([&](JsonOut& json) {
                json.begin_object();
                json.key("status").string(is_ready ? "ok" : "warming");
                // The day answers are about when a request gives no as_of (the page starts on it).
                json.key("as_of").string((options.as_of ? *options.as_of : held->today().day()).to_string());
                json.key("generation").integer(static_cast<std::int64_t>(gen));
                json.key("nodes").integer(static_cast<std::int64_t>(held->graph().node_count()));
                json.key("edges").integer(static_cast<std::int64_t>(held->graph().edge_count()));
                json.end_object();
              }),
              is_ready ? 200 : 503);
  }
};

// ---------------------------------------------------------------------------------------------

Server::Server(std::shared_ptr<const Database> database, ServerOptions options, Loader loader)
    : impl_(std::make_unique<Impl>()) {
  if (!database) throw Error("skg serve: no data to serve");
  impl_->options = options;
  impl_->loader = std::move(loader);
  impl_->data = std::move(database);
  Impl& impl = *impl_;
  httplib::Server& http = impl.http;

  // httplib gives a keep-alive connection its worker until the connection idles out: fewer
  // workers than open connections make the others wait. The default leaves room for 8.
  const int threads = options.threads > 0
                          ? options.threads
                          : std::max(8, 2 * static_cast<int>(std::thread::hardware_concurrency()));
  http.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
  // Small answers go out at once: with Nagle's algorithm a response written in two pieces
  // (headers, body) waits for the client's delayed ACK, 40 ms on Linux.
  http.set_tcp_nodelay(true);
  http.set_payload_max_length(options.max_body);
  http.set_read_timeout(options.io_timeout);
  http.set_write_timeout(options.io_timeout);
  http.set_keep_alive_timeout(std::max<time_t>(1, options.io_timeout.count()));

  http.set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
    request_clock = {Clock::now(), true};
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // Every refusal and failure answers JSON: the handlers' own, httplib's (404 no route, 413
  // body too large, 400 unreadable request) and exceptions.
  http.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request& req,
                                                                  httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    std::string reason;
    std::string field;
    switch (res.status) {
      case 404: reason = "no route " + req.method + " " + req.path + " (server/README.md lists them)"; break;
      case 413: reason = "body: larger than this server's limit"; field = "body"; break;
      case 414: reason = "the request line is too long"; break;
      default: reason = "the request could not be read (HTTP " + std::to_string(res.status) + ")"; break;
    }
    send_json(res, error_body(res.status, field, reason), res.status);
    return httplib::Server::HandlerResponse::Handled;
  }));
  http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr error) {
    std::string reason = "internal error";
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      reason = e.what();
    } catch (...) {
    }
    send_json(res, error_body(500, "", reason), 500);
  });
  if (options.access_log != nullptr) {
    http.set_logger([&impl](const httplib::Request& req, const httplib::Response& res) {
      const double ms = request_clock.set
                            ? std::chrono::duration<double, std::milli>(Clock::now() - request_clock.start).count()
                            : 0.0;
      request_clock.set = false;
      const std::string line = to_json([&](JsonOut& json) {
        json.begin_object();
        json.key("ts").string(utc_now());
        json.key("method").string(req.method);
        json.key("path").string(req.path);
        json.key("status").integer(res.status);
        json.key("bytes").integer(static_cast<std::int64_t>(res.body.size()));
        json.key("ms").number(ms);
        json.key("remote").string(req.remote_addr);
        json.end_object();
      });
      std::lock_guard lock(impl.log_mutex);
      *impl.options.access_log << line << '\n' << std::flush;
    });
  }

  // Each handler runs inside `guard`: a Refusal becomes its status and JSON reason.
  auto guard = [](auto handler) {
    return [handler](const httplib::Request& req, httplib::Response& res) {
      try {
        handler(req, res);
      } catch (const Refusal& refusal) {
        send_json(res, error_body(refusal.status, refusal.field, refusal.reason), refusal.status);
      } catch (const ResolveError& error) {
        send_json(res, error_body(404, "id", error.what()), 404);
      } catch (const Error& error) {
        send_json(res, error_body(400, "", error.what()), 400);
      }
    };
  };
  http.Post(R"(/match/([^/]+))", guard([&impl](const auto& req, auto& res) { impl.match(req, res); }));
  http.Get(R"(/search/([^/]+))", guard([&impl](const auto& req, auto& res) { impl.search(req, res); }));
  http.Get(R"(/entities/([^/]+))", guard([&impl](const auto& req, auto& res) { impl.entity_page(req, res); }));
  http.Get(R"(/entities/([^/]+)/adjacent)",
           guard([&impl](const auto& req, auto& res) { impl.adjacent(req, res); }));
  http.Get(R"(/entities/([^/]+)/adjacent/([^/]+))",
           guard([&impl](const auto& req, auto& res) { impl.adjacent(req, res); }));
  http.Get(R"(/exposure/([^/]+))", guard([&impl](const auto& req, auto& res) { impl.exposure(req, res); }));
  http.Get("/blocked", guard([&impl](const auto& req, auto& res) { impl.blocked(req, res); }));
  http.Post("/whatif", guard([&impl](const auto& req, auto& res) { impl.whatif(req, res); }));
  http.Get(R"(/reach/([^/]+))", guard([&impl](const auto& req, auto& res) { impl.reach(req, res); }));
  http.Get(R"(/owners/([^/]+))",
           guard([&impl](const auto& req, auto& res) { impl.ownership(req, res, true); }));
  http.Get(R"(/subsidiaries/([^/]+))",
           guard([&impl](const auto& req, auto& res) { impl.ownership(req, res, false); }));
  http.Post("/batch", guard([&impl](const auto& req, auto& res) { impl.batch(req, res); }));
  // The analysts' page (server/web/, compiled in): / is its index.
  for (const WebAsset& asset : web_assets()) {
    auto serve = [&asset](const httplib::Request& req, httplib::Response& res) { send_asset(asset, req, res); };
    http.Get(std::string(asset.path), serve);
    if (asset.path == "/index.html") http.Get("/", serve);
  }
  http.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    send_json(res, R"({"status":"ok"})");
  });
  http.Get("/readyz", [this, &impl](const httplib::Request&, httplib::Response& res) {
    impl.readyz(res, generation());
  });
  // Reload: from the machine itself only (an admin act, not a client's).
  http.Post("/admin/reload", [this, &impl](const httplib::Request& req, httplib::Response& res) {
    if (req.remote_addr != "127.0.0.1" && req.remote_addr != "::1") {
      send_json(res, error_body(403, "", "reload is allowed from this machine only"), 403);
      return;
    }
    if (!impl.loader) {
      send_json(res, error_body(409, "", "this server was given no way to read its data again"), 409);
      return;
    }
    if (const auto failure = reload()) {
      send_json(res, error_body(500, "", "reload failed, the old data stays: " + *failure), 500);
      return;
    }
    impl.readyz(res, generation());
  });
}

Server::~Server() { stop(); }

int Server::bind(const std::string& host, int port) {
  const int bound = port == 0 ? impl_->http.bind_to_any_port(host)
                              : (impl_->http.bind_to_port(host, port) ? port : -1);
  if (bound < 0)
    throw Error("skg serve: cannot listen on " + host + ":" + std::to_string(port) +
                " (in use, or not an address of this machine)");
  return bound;
}

void Server::run() {
  if (!impl_->ready.load() && !impl_->warmer.joinable())
    impl_->warmer = std::thread([this] { warm(); });
  impl_->http.listen_after_bind();
}

void Server::start() {
  impl_->thread = std::thread([this] { run(); });
  // Accepting once is_running() says so (httplib sets it before its accept loop).
  const auto give_up = Clock::now() + std::chrono::seconds(10);
  while (!impl_->http.is_running()) {
    if (Clock::now() > give_up) throw Error("skg serve: the server did not start (was bind() called?)");
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void Server::stop() {
  impl_->http.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
  if (impl_->warmer.joinable()) impl_->warmer.join();
}

void Server::warm() {
  const auto held = impl_->current();
  held->screen_index();
  held->identifier_index();
  held->today().listed();
  std::lock_guard lock(impl_->data_mutex);
  if (impl_->data == held) impl_->ready = true;
}

std::optional<std::string> Server::reload() {
  std::lock_guard reloading(impl_->reload_mutex);
  if (!impl_->loader) return "no loader";
  std::shared_ptr<const Database> fresh;
  try {
    fresh = impl_->loader();
    if (!fresh) return "the loader gave no data";
    // Built before the swap: the first requests after it find the indexes ready.
    fresh->screen_index();
    fresh->identifier_index();
  } catch (const std::exception& error) {
    return std::string(error.what());
  }
  std::lock_guard lock(impl_->data_mutex);
  impl_->data = std::move(fresh);
  ++impl_->generation;
  impl_->ready = true;
  return std::nullopt;
}

std::shared_ptr<const Database> Server::database() const { return impl_->current(); }

std::uint64_t Server::generation() const {
  std::lock_guard lock(impl_->data_mutex);
  return impl_->generation;
}

bool Server::ready() const { return impl_->ready.load(); }

}  // namespace skg::server
