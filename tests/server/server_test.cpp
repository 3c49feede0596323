// skg serve over loopback: yente-shaped requests (from yente's documentation and its own tests),
// the ownership answers, refusals, reloads under load. Every client call has a timeout.
#include <doctest/doctest.h>
#include <httplib.h>
#include <rapidjson/document.h>

#include <atomic>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "generator.h"
#include "server.h"
#include "skg/skg.h"

namespace {

const std::string kKaspersky = SKG_DATASETS_DIR "/kaspersky";
// yente's own test fixture (tests/fixtures/dataset/zala), copied in datasets/samples.
const std::string kZala = SKG_DATASETS_DIR "/samples/opensanctions/zala/entities.ftm.json";

std::shared_ptr<const skg::Database> open_data(const std::string& path) {
  return std::make_shared<const skg::Database>(skg::Database::open({path}));
}

/// A server on a free loopback port, serving `path` as of a fixed day.
struct Running {
  std::ostringstream log;
  std::unique_ptr<skg::server::Server> server;
  int port = 0;
  explicit Running(const std::string& path, skg::server::ServerOptions options = {},
                   skg::server::Loader loader = {})
      : Running(open_data(path), options, std::move(loader)) {}
  Running(std::shared_ptr<const skg::Database> data, skg::server::ServerOptions options = {},
          skg::server::Loader loader = {}) {
    options.access_log = &log;
    if (!options.as_of) options.as_of = skg::Date::parse("2024-08-01");
    server = std::make_unique<skg::server::Server>(std::move(data), options, std::move(loader));
    port = server->bind("127.0.0.1", 0);
    server->start();
  }
  ~Running() { server->stop(); }
  httplib::Client client() const {
    httplib::Client client("127.0.0.1", port);
    client.set_connection_timeout(5);
    client.set_read_timeout(30);
    client.set_write_timeout(30);
    client.set_tcp_nodelay(true);
    return client;
  }
};

rapidjson::Document parse(const std::string& text) {
  rapidjson::Document document;
  document.Parse(text.c_str());
  REQUIRE_MESSAGE(!document.HasParseError(), text);
  return document;
}

/// The JSON of an answer that must have come back 200 OK (the body is shown when it did not).
rapidjson::Document ok_json(const httplib::Result& res) {
  REQUIRE(res);
  REQUIRE_MESSAGE(res->status == 200, res->body);
  return parse(res->body);
}

std::string str(const rapidjson::Value& value) {
  return value.IsString() ? std::string(value.GetString(), value.GetStringLength()) : std::string("<not a string>");
}

// yente's test_match.py QUERY_ZAKHAROV, as its documentation shapes a /match body.
constexpr const char* kZakharov = R"({
  "schema": "Person",
  "properties": {
    "name": ["Alexander Vyacheslavovich ZAKHAROV"],
    "birthDate": ["1965"],
    "country": "Russia"
  }
})";

}  // namespace

TEST_CASE("serve: yente's Zakharov match query finds NK-aU5ybkbRFJucf8YMwsJvDw first, answered per caller id") {
  Running running(kZala);
  auto client = running.client();
  const std::string body = std::string(R"({"queries": {"vv": )") + kZakharov + R"(, "xx": )" +
                           kZakharov + R"(, "zz": )" + kZakharov + "}}";
  auto res = client.Post("/match/default", body, "application/json");
  REQUIRE(res);
  REQUIRE_MESSAGE(res->status == 200, res->body);
  CHECK(res->get_header_value("Content-Type") == "application/json");
  const auto doc = parse(res->body);
  REQUIRE(doc["responses"].IsObject());
  CHECK(doc["responses"].MemberCount() == 3);
  const auto& vv = doc["responses"]["vv"];
  CHECK(vv["status"].GetInt() == 200);
  CHECK(str(vv["query"]["schema"]) == "Person");
  CHECK(str(vv["query"]["properties"]["country"][0]) == "ru");  // normalised, as yente does
  CHECK(vv["total"]["value"].GetInt() > 0);
  const auto& first = vv["results"][0];
  CHECK(str(first["id"]) == "NK-aU5ybkbRFJucf8YMwsJvDw");
  CHECK(str(first["schema"]) == "Person");
  CHECK(first["score"].GetDouble() >= skg::kDefaultScreenThreshold);
  CHECK(first["match"].GetBool());
  CHECK(first["properties"]["name"].IsArray());
  CHECK(first["datasets"].IsArray());
  CHECK(first["features"]["name"].GetDouble() > 0.5);
  CHECK(first["features"].HasMember("date of birth"));
  CHECK(first["explanation"]["tokens"].IsArray());  // skg's word-by-word reasons
  CHECK(doc["limit"].GetInt() == 5);
  // The same query three times: the same answer three times.
  CHECK(str(doc["responses"]["zz"]["results"][0]["id"]) == "NK-aU5ybkbRFJucf8YMwsJvDw");

  SUBCASE("a birth year that disagrees takes the match away") {
    const std::string other = R"({"queries": {"q": {"schema": "Person", "properties": {
        "name": ["Alexander Vyacheslavovich ZAKHAROV"], "birthDate": ["1930"]}}}})";
    auto res2 = client.Post("/match/default", other, "application/json");
    REQUIRE(res2);
    REQUIRE(res2->status == 200);
    const auto doc2 = parse(res2->body);
    for (const auto& hit : doc2["responses"]["q"]["results"].GetArray())
      CHECK_FALSE(hit["match"].GetBool());
  }
  SUBCASE("firstName and lastName make the name when none is given") {
    const std::string parts = R"({"queries": {"q": {"schema": "Person", "properties": {
        "firstName": ["Aleksandr"], "lastName": ["Zakharov"], "birthDate": ["1965"]}}}})";
    auto res2 = client.Post("/match/default", parts, "application/json");
    REQUIRE(res2);
    REQUIRE_MESSAGE(res2->status == 200, res2->body);
    const auto doc2 = parse(res2->body);
    REQUIRE(doc2["responses"]["q"]["results"].Size() > 0);
    CHECK(str(doc2["responses"]["q"]["results"][0]["id"]) == "NK-aU5ybkbRFJucf8YMwsJvDw");
  }
}

TEST_CASE("serve: a match query with no schema or an unknown one is a 400 naming the field") {
  Running running(kZala);
  auto client = running.client();
  // yente's test_match_no_schema bodies (yente answers 422 for the first: skg says 400).
  auto res = client.Post("/match/default", R"({"queries": {"fail": {"properties": {"name": "Banana"}}}})",
                         "application/json");
  REQUIRE(res);
  CHECK(res->status == 400);
  CHECK(str(parse(res->body)["field"]) == "queries.fail.schema");
  res = client.Post("/match/default", R"({"queries": {
      "fail": {"schema": "xxx", "properties": {"name": "Banana"}},
      "ok1": {"schema": "Person", "properties": {"name": ["Vladimir Putin"]}}}})",
                    "application/json");
  REQUIRE(res);
  CHECK(res->status == 400);
  CHECK(str(parse(res->body)["detail"]).find("'xxx'") != std::string::npos);
}

TEST_CASE("serve: search, entities and adjacent links answer in yente's shapes over the Kaspersky case") {
  Running running(kKaspersky);
  auto client = running.client();
  auto res = client.Get("/search/default?q=Kaspersky%20Lab&limit=3");
  auto doc = ok_json(res);
  CHECK(doc["limit"].GetInt() == 3);
  CHECK(doc["offset"].GetInt() == 0);
  CHECK(doc["results"].Size() <= 3);
  CHECK(doc["results"].Size() > 0);
  CHECK(doc["facets"].IsObject());

  // A dataset keeps the parties an issuer lists: AO Kaspersky Lab is on BIS's Entity List on
  // 2024-08-01, not on an OFAC list (EXPECTED.md).
  auto ids_of = [](const rapidjson::Document& found) {
    std::set<std::string> ids;
    for (const auto& hit : found["results"].GetArray()) ids.insert(str(hit["id"]));
    return ids;
  };
  res = client.Get("/search/bis?q=AO%20Kaspersky%20Lab");
  CHECK(ids_of(ok_json(res)).count("kaspersky-ao-kaspersky-lab") == 1);
  res = client.Get("/search/us_ofac?q=AO%20Kaspersky%20Lab");
  CHECK(ids_of(ok_json(res)).count("kaspersky-ao-kaspersky-lab") == 0);

  res = client.Get("/entities/kaspersky-ao-kaspersky-lab");
  REQUIRE(res);
  REQUIRE(res->status == 200);
  doc = parse(res->body);
  CHECK(str(doc["id"]) == "kaspersky-ao-kaspersky-lab");
  CHECK(str(doc["caption"]) == "AO Kaspersky Lab");
  CHECK(str(doc["schema"]) == "Company");
  CHECK(doc["target"].GetBool());  // FCC, DHS, BIS... in force on 2024-08-01
  CHECK(doc["skg"]["listings"].Size() > 0);

  res = client.Get("/entities/no-such-party");
  REQUIRE(res);
  CHECK(res->status == 404);
  CHECK(str(parse(res->body)["detail"]).find("no-such-party") != std::string::npos);

  // The 12 executives' directorships, a page of 5 at a time.
  std::size_t seen = 0, total = 0;
  for (std::size_t offset = 0; offset < 40; offset += 5) {
    res = client.Get(("/entities/kaspersky-ao-kaspersky-lab/adjacent?limit=5&offset=" + std::to_string(offset)).c_str());
    doc = ok_json(res);
    std::size_t page_total = 0;
    for (const auto& group : doc["adjacent"].GetObject()) {
      CHECK(group.value["results"].Size() <= 5);
      seen += group.value["results"].Size();
      page_total += static_cast<std::size_t>(group.value["total"]["value"].GetInt());
    }
    total = page_total;
  }
  CHECK(total >= 12);
  CHECK(seen == total);
  res = client.Get("/entities/kaspersky-ao-kaspersky-lab/adjacent/director_of");
  doc = ok_json(res);
  CHECK(doc["adjacent"].MemberCount() == 1);
  res = client.Get("/entities/kaspersky-ao-kaspersky-lab/adjacent?kind=nonsense");
  REQUIRE(res);
  CHECK(res->status == 400);
  CHECK(str(parse(res->body)["field"]) == "kind");
}

TEST_CASE("serve: exposure of AO Kaspersky Lab under OFAC's rule is not blocked, and says why") {
  Running running(kKaspersky);
  auto client = running.client();
  auto res = client.Get("/exposure/kaspersky-ao-kaspersky-lab?rule=ofac&as_of=2024-08-01");
  const auto doc = ok_json(res);
  CHECK(str(doc["rule"]) == "ofac");
  CHECK(str(doc["as_of"]) == "2024-08-01");
  CHECK_FALSE(doc["listed"].GetBool());
  CHECK(doc["aggregate_percent"].IsNull());
  res = client.Get("/exposure/ofac-sdn:45815?rule=ofac");
  REQUIRE(res);
  REQUIRE(res->status == 200);
  CHECK(parse(res->body)["listed"].GetBool());
  res = client.Get("/exposure/ofac-sdn:45815?rule=ofac&as_of=2024-06-20");  // before the designation
  REQUIRE(res);
  REQUIRE(res->status == 200);
  CHECK_FALSE(parse(res->body)["listed"].GetBool());
}

TEST_CASE("serve: POST /whatif designating Eugene Kaspersky changes only his own designation under OFAC") {
  Running running(kKaspersky);
  auto client = running.client();
  auto res = client.Post("/whatif", R"({"designate": ["kaspersky-eugene-kaspersky"], "rule": "ofac"})",
                         "application/json");
  const auto doc = ok_json(res);
  CHECK(str(doc["as_of"]) == "2024-08-01");
  REQUIRE(doc["results"].Size() == 1);
  const auto& result = doc["results"][0];
  CHECK(str(result["rule"]) == "ofac");
  // OFAC's rule reads ownership only (FAQ 398): his directorships block nothing.
  CHECK(result["totals"]["changed"].GetInt() == 1);
  CHECK(result["totals"]["newly_blocked"].GetInt() == 0);
  CHECK(result["totals"]["designated"].GetInt() == 1);
  const auto& changed = result["changed"][0];
  CHECK(changed["listed_before"].GetBool() == false);
  CHECK(changed["listed_after"].GetBool() == true);
  CHECK(str(changed["now"]["reasons"][0]["text"]).find("what-if") != std::string::npos);
  // Every rule when none is given; the parent's subsidiaries change when the parent is designated.
  res = client.Post("/whatif", R"({"designate": "kaspersky-kaspersky-labs-limited", "as_of": "2024-08-01"})",
                    "application/json");
  const auto all = ok_json(res);
  REQUIRE(all["results"].Size() == 4);
  CHECK(all["results"][0]["totals"]["changed"].GetInt() == 3);  // it and its two subsidiaries
  CHECK(all["results"][0]["totals"]["newly_possibly"].GetInt() == 2);
}

TEST_CASE("serve: POST /whatif refuses an unknown id, a party both designated and delisted, and an empty change") {
  Running running(kKaspersky);
  auto client = running.client();
  auto check = [&](const httplib::Result& res, int status, const std::string& field) {
    REQUIRE(res);
    CHECK_MESSAGE(res->status == status, res->body);
    CHECK(str(parse(res->body)["field"]) == field);
  };
  check(client.Post("/whatif", R"({"designate": ["nobody-at-all"]})", "application/json"), 404, "id");
  check(client.Post("/whatif", R"({"designate": ["kaspersky-eugene-kaspersky"], "delist": ["kaspersky-eugene-kaspersky"]})",
                    "application/json"),
        400, "delist");
  check(client.Post("/whatif", R"({"rule": "ofac"})", "application/json"), 400, "designate");
  check(client.Post("/whatif", R"({"designate": ["kaspersky-eugene-kaspersky"], "rule": "mars"})", "application/json"),
        400, "rule");
}

TEST_CASE("serve: bad requests get a 4xx with a JSON reason, and the server keeps serving") {
  skg::server::ServerOptions options;
  options.max_body = 64 * 1024;
  Running running(kKaspersky, options);
  auto client = running.client();
  struct Bad {
    const char* what;
    int status;
    const char* field;
  };
  auto post = [&](const std::string& body) { return client.Post("/match/default", body, "application/json"); };
  auto check = [&](const httplib::Result& res, int status, const std::string& field) {
    REQUIRE(res);
    CHECK(res->status == status);
    const auto doc = parse(res->body);
    CHECK(doc["detail"].IsString());
    if (!field.empty()) CHECK(str(doc["field"]) == field);
    auto alive = client.Get("/healthz");
    REQUIRE(alive);
    CHECK(alive->status == 200);
  };
  check(post("{\"queries\": {"), 400, "body");                        // malformed JSON
  check(post("[1, 2]"), 400, "body");                                 // not an object
  check(post(R"({"queries": []})"), 400, "queries");                  // wrong type
  check(post(R"({"queries": {}})"), 400, "queries");                  // nothing to do
  check(post(R"({"queries": {"q": {"schema": "Person", "properties": {"name": 7}}}})"), 400,
        "queries.q.properties.name");
  check(post(R"({"queries": {"q": {"schema": "Person", "properties": {"name": "A B", "country": "Narnia"}}}})"),
        400, "queries.q.properties.country");
  check(post(R"({"queries": {"q": {"schema": "Person", "properties": {"name": "A B", "birthDate": "1966-13"}}}})"),
        400, "queries.q.properties.birthDate");
  check(post(std::string(100000, '[') + std::string(100000, ']')), 413, "body");  // above max_body
  check(post(std::string(50, '[') + std::string(50, ']')), 400, "body");          // deep nesting
  check(post(std::string(70 * 1024, ' ') + "{}"), 413, "body");                    // huge body
  check(client.Post("/match/default?limit=100000", R"({"queries": {"q": {"schema": "Person", "properties": {"name": "x"}}}})",
                    "application/json"),
        400, "limit");
  check(client.Get("/search/default?q=x&limit=abc"), 400, "limit");
  check(client.Get("/search/default"), 400, "q");
  check(client.Get("/exposure/kaspersky-ao-kaspersky-lab?as_of=2024-02-30x"), 400, "as_of");
  check(client.Get("/exposure/kaspersky-ao-kaspersky-lab?rule=mars"), 400, "rule");
  check(client.Get("/exposure/nobody"), 404, "id");
  check(client.Get("/no/such/route"), 404, "");
  check(client.Get("/search/no-such-dataset?q=x"), 404, "dataset");
  // A batch above the bound.
  std::string many = R"({"queries": {)";
  for (int at = 0; at < 101; ++at)
    many += (at ? "," : "") + std::string("\"q") + std::to_string(at) +
            R"(": {"schema": "Person", "properties": {"name": "A"}})";
  check(post(many + "}}"), 400, "queries");
}

TEST_CASE("serve: a request over its time limit stops with 503 and says how far it got") {
  skg::server::ServerOptions options;
  options.time_limit = std::chrono::milliseconds(0);
  Running running(kKaspersky, options);
  auto client = running.client();
  auto res = client.Post("/match/default", R"({"queries": {"a": {"schema": "Person", "properties": {"name": "Anna Dudorina"}}}})",
                         "application/json");
  REQUIRE(res);
  CHECK(res->status == 503);
  CHECK(str(parse(res->body)["detail"]).find("0 of 1 queries") != std::string::npos);
}

TEST_CASE("serve: a reload under load loses no request, and a failed reload keeps the old data") {
  std::atomic<bool> fail_next{false};
  skg::server::Loader loader = [&]() -> std::shared_ptr<const skg::Database> {
    if (fail_next.load()) throw skg::Error("the data folder is gone");
    return open_data(kKaspersky);
  };
  skg::server::ServerOptions options;
  options.threads = 4;
  Running running(kKaspersky, options, loader);
  std::atomic<int> failures{0}, answered{0};
  std::vector<std::thread> clients;
  constexpr int kPerClient = 40;
  for (int c = 0; c < 3; ++c)
    clients.emplace_back([&, c] {
      auto client = running.client();
      for (int at = 0; at < kPerClient; ++at) {
        auto res = (at + c) % 2 == 0
                       ? client.Get("/exposure/kaspersky-ao-kaspersky-lab?rule=ofac")
                       : client.Post("/match/default",
                                     R"({"queries": {"q": {"schema": "Person", "properties": {"name": ["Anna Dudorina"]}}}})",
                                     "application/json");
        if (!res || res->status != 200) ++failures;
        else ++answered;
      }
    });
  auto admin = running.client();
  for (int at = 0; at < 3; ++at) {
    auto res = admin.Post("/admin/reload");
    REQUIRE(res);
    CHECK_MESSAGE(res->status == 200, res->body);
  }
  for (auto& thread : clients) thread.join();
  CHECK(failures.load() == 0);
  CHECK(answered.load() == 3 * kPerClient);
  CHECK(running.server->generation() == 4);

  fail_next = true;
  auto res = admin.Post("/admin/reload");
  REQUIRE(res);
  CHECK(res->status == 500);
  CHECK(str(parse(res->body)["detail"]).find("the data folder is gone") != std::string::npos);
  CHECK(running.server->generation() == 4);
  res = admin.Get("/exposure/kaspersky-ao-kaspersky-lab");
  REQUIRE(res);
  CHECK(res->status == 200);
}

TEST_CASE("serve: healthz, readyz and one JSON access-log line per request") {
  Running running(kKaspersky);
  running.server->warm();
  auto client = running.client();
  auto res = client.Get("/healthz");
  REQUIRE(res);
  CHECK(res->status == 200);
  res = client.Get("/readyz");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(parse(res->body)["nodes"].GetInt() > 0);
  res = client.Get("/nowhere");
  REQUIRE(res);
  running.server->stop();
  std::istringstream lines(running.log.str());
  std::vector<std::string> entries;
  for (std::string line; std::getline(lines, line);) entries.push_back(line);
  REQUIRE(entries.size() == 3);
  // Lines come in the order the workers finish, not always the order sent: find the 404.
  int found = 0;
  for (const std::string& entry : entries) {
    const auto line = parse(entry);
    CHECK(str(line["method"]) == "GET");
    CHECK(line["ms"].IsNumber());
    CHECK(line["remote"].IsString());
    if (str(line["path"]) != "/nowhere") continue;
    ++found;
    CHECK(line["status"].GetInt() == 404);
  }
  CHECK(found == 1);
}

TEST_CASE("serve: the real OFAC and UN samples answer a match by identifier and by name") {
  const std::string ofac = SKG_DATASETS_DIR "/samples/ofac";
  Running running(ofac);
  auto client = running.client();
  // The first SDN row of the sample, screened by its own name: it must come back first.
  const auto db = running.server->database();
  const skg::Graph& graph = db->graph();
  skg::NodeId some = skg::kNoNode;
  for (std::size_t node = 0; node < graph.node_count() && some == skg::kNoNode; ++node) {
    const skg::NodeId id{static_cast<std::uint32_t>(node)};
    if (graph.kind(id) == skg::NodeKind::Person) some = id;
  }
  REQUIRE(some != skg::kNoNode);
  const std::string name(graph.name(some));
  const std::string body = R"({"queries": {"q": {"schema": "Person", "properties": {"name": [")" + name + R"("]}}}})";
  auto res = client.Post("/match/default", body, "application/json");
  const auto doc = ok_json(res);
  REQUIRE(doc["responses"]["q"]["results"].Size() > 0);
  CHECK(doc["responses"]["q"]["results"][0]["score"].GetDouble() >= 0.99);
  CHECK(doc["responses"]["q"]["results"][0]["match"].GetBool());
}

TEST_CASE("serve: reach, owners and subsidiaries of the Kaspersky case, as the shell answers them") {
  Running running(kKaspersky);
  auto client = running.client();
  // EXPECTED.md: at one hop, the 12 designated executives, each through a directorship; with
  // them the company itself (listed, 0 hops) and Kaspersky Lab, Inc. (FCC, from 2024-07-23), as
  // the shell's `reach --hops 1` lists them.
  auto res = client.Get("/reach/kaspersky-ao-kaspersky-lab?hops=1&as_of=2024-08-01");
  auto doc = ok_json(res);
  CHECK(doc["count"].GetInt() == 14);
  std::set<std::string> parties;
  for (const auto& hit : doc["hits"].GetArray()) parties.insert(str(hit["party"]["id"]));
  for (const char* id : {"ofac-sdn:45815", "ofac-sdn:45817", "ofac-sdn:45821", "ofac-sdn:45849",
                         "ofac-sdn:45854", "ofac-sdn:45856", "ofac-sdn:45858", "ofac-sdn:45860",
                         "ofac-sdn:45862", "ofac-sdn:45863", "ofac-sdn:45864",
                         "kaspersky-astrakhan-kirill"})
    CHECK_MESSAGE(parties.count(id) == 1, id);
  res = client.Get("/reach/kaspersky-ao-kaspersky-lab?hops=1&limit=5&offset=10");
  REQUIRE(res);
  REQUIRE(res->status == 200);
  doc = parse(res->body);
  CHECK(doc["count"].GetInt() == 14);
  CHECK(doc["shown"].GetInt() == 4);
  res = client.Get("/reach/kaspersky-ao-kaspersky-lab?hops=9");
  REQUIRE(res);
  CHECK(res->status == 400);
  CHECK(str(parse(res->body)["field"]) == "hops");

  // EXPECTED.md: Kaspersky Lab, Inc. is owned by Kaspersky Labs Limited, share unknown (null).
  res = client.Get("/owners/kaspersky-kaspersky-lab-inc?depth=1");
  doc = ok_json(res);
  REQUIRE(doc["owners"].Size() >= 1);
  CHECK(str(doc["owners"][0]["party"]["id"]) == "kaspersky-kaspersky-labs-limited");
  CHECK(doc["owners"][0]["share"].IsNull());
  res = client.Get("/subsidiaries/kaspersky-kaspersky-labs-limited?depth=1");
  REQUIRE(res);
  REQUIRE(res->status == 200);
  bool found = false;
  const auto subsidiaries = parse(res->body);
  for (const auto& step : subsidiaries["subsidiaries"].GetArray())
    found = found || str(step["party"]["id"]) == "kaspersky-kaspersky-lab-inc";
  CHECK(found);
}

TEST_CASE("serve: blocked pages through every party blocked by ownership, each once") {
  // A generated graph with ownership chains under designated owners.
  auto data = std::make_shared<const skg::Database>(skg::generate({.entities = 3000, .seed = 7}));
  const std::size_t expected = data->as_of("2024-08-01").blocked_parties(skg::Rule::Ofac).size();
  REQUIRE(expected > 10);
  Running running(data);
  auto client = running.client();
  std::set<std::string> seen;
  std::size_t rows = 0;
  for (std::size_t offset = 0; offset < expected + 5; offset += 5) {
    auto res = client.Get(("/blocked?rule=ofac&limit=5&offset=" + std::to_string(offset)).c_str());
    const auto doc = ok_json(res);
    CHECK(doc["count"].GetUint64() == expected);
    CHECK(doc["blocked"].Size() <= 5);
    for (const auto& row : doc["blocked"].GetArray()) {
      seen.insert(str(row["entity"]["id"]));
      ++rows;
      CHECK(row["held_by"].IsArray());
    }
  }
  CHECK(rows == expected);
  CHECK(seen.size() == expected);
  auto res = client.Get("/blocked?limit=100000");
  REQUIRE(res);
  CHECK(res->status == 400);
}

TEST_CASE("serve: the page is at / with its type, a strict CSP and an ETag that revalidates") {
  Running running(kKaspersky);
  auto client = running.client();
  auto res = client.Get("/");
  REQUIRE(res);
  REQUIRE(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "text/html; charset=utf-8");
  CHECK(res->body.find("<script src=\"/app.js\"") != std::string::npos);
  const std::string csp = res->get_header_value("Content-Security-Policy");
  CHECK(csp.find("default-src 'none'") != std::string::npos);
  CHECK(csp.find("script-src 'self'") != std::string::npos);
  CHECK(csp.find("unsafe-inline") == std::string::npos);
  CHECK(res->get_header_value("X-Content-Type-Options") == "nosniff");
  CHECK(res->get_header_value("Cache-Control") == "no-cache");
  const std::string etag = res->get_header_value("ETag");
  REQUIRE_FALSE(etag.empty());
  // The page names no other origin: no external font, script or stylesheet.
  for (const char* path : {"/", "/app.js", "/style.css"}) {
    auto file = client.Get(path);
    REQUIRE(file);
    CHECK_MESSAGE(file->body.find("https://") == std::string::npos, path);
    CHECK_MESSAGE(file->body.find("@import") == std::string::npos, path);
  }
  CHECK(client.Get("/app.js")->get_header_value("Content-Type") == "text/javascript; charset=utf-8");
  CHECK(client.Get("/style.css")->get_header_value("Content-Type") == "text/css; charset=utf-8");
  // A reload of an unchanged page: 304, no body.
  auto again = client.Get("/", httplib::Headers{{"If-None-Match", etag}});
  REQUIRE(again);
  CHECK(again->status == 304);
  CHECK(again->body.empty());
  // A cache holding several versions lists them, weak or strong (RFC 9110 13.1.2): still 304.
  CHECK(client.Get("/", httplib::Headers{{"If-None-Match", "\"older\", W/" + etag}})->status == 304);
  CHECK(client.Get("/", httplib::Headers{{"If-None-Match", "*"}})->status == 304);
  // A tag of another version: the page itself.
  auto other = client.Get("/", httplib::Headers{{"If-None-Match", "\"older\", \"oldest\""}});
  REQUIRE(other);
  CHECK(other->status == 200);
  CHECK_FALSE(other->body.empty());
  // The API is where it was.
  CHECK(client.Get("/healthz")->status == 200);
}

TEST_CASE("serve: a batch upload of counterparties answers every row, in order, with its hits") {
  Running running(kKaspersky);
  auto client = running.client();
  const std::string csv =
      "ref,name,dob,country\n"
      "c1,Kasperski Lab,,RU\n"
      "c2,Marina Alekseeva,1978,\n"
      "c3,Jane Q Nobody,,GB\n"
      "c4,,,\n"
      "c5,Eugene Kaspersky,1965-13,\n";
  auto res = client.Post("/batch?name=clients.csv&as_of=2024-08-01", csv, "text/csv");
  const auto doc = ok_json(res);
  CHECK(str(doc["format"]) == "csv");
  CHECK(str(doc["as_of"]) == "2024-08-01");
  CHECK(doc["rows"].GetInt() == 5);
  const auto& rows = doc["results"];
  REQUIRE(rows.Size() == 5);
  CHECK(str(rows[0]["ref"]) == "c1");
  CHECK(str(rows[0]["status"]) == "match");
  REQUIRE(rows[0]["hits"].Size() > 0);
  // Kaspersky Lab, Inc. scores the same on the name; the country RU puts AO Kaspersky Lab first.
  CHECK(str(rows[0]["hits"][0]["entity"]["id"]) == "kaspersky-ao-kaspersky-lab");
  CHECK(str(rows[1]["status"]) == "match");
  REQUIRE(rows[1]["hits"].Size() > 0);
  CHECK(str(rows[1]["hits"][0]["entity"]["id"]) == "ofac-sdn:45854");  // EXPECTED.md
  CHECK(str(rows[2]["status"]) == "no match");
  CHECK(rows[2]["hits"].Size() == 0);
  // A row that cannot be screened says where and why; the others are still answered.
  CHECK(str(rows[3]["status"]) == "error");
  CHECK(str(rows[3]["error"]) == "clients.csv:5: no name and no id to screen");
  CHECK(str(rows[4]["status"]) == "error");
  CHECK(str(rows[4]["error"]).find("clients.csv:6:") == 0);
  CHECK(doc["matched"].GetInt() == 2);
  CHECK(doc["errors"].GetInt() == 2);

  SUBCASE("a file with no name column is a 400 naming the upload, line 1 and the columns wanted") {
    res = client.Post("/batch?name=bad.csv", "customer;birthday\nKaspersky Lab;1997\n", "text/csv");
    REQUIRE(res);
    CHECK(res->status == 400);
    const auto error = parse(res->body);
    CHECK(str(error["field"]) == "body");
    CHECK(str(error["detail"]).find("bad.csv:1:") == 0);
    CHECK(str(error["detail"]).find("no 'name'") != std::string::npos);
  }
  SUBCASE("an empty upload and a binary one are refused with a reason") {
    res = client.Post("/batch", "", "text/csv");
    REQUIRE(res);
    CHECK(res->status == 400);
    res = client.Post("/batch?name=x.csv", std::string("name\n\xff\xfe\x00zz\n", 10), "text/csv");
    REQUIRE(res);
    CHECK(res->status == 400);
    CHECK(str(parse(res->body)["detail"]).find("invalid UTF-8") != std::string::npos);
  }
  SUBCASE("FtM JSON lines are read too") {
    res = client.Post("/batch",
                      R"({"id":"x1","schema":"Person","properties":{"name":["Anna Dudorina"]}})" "\n",
                      "application/x-ndjson");
    const auto ftm = ok_json(res);
    CHECK(str(ftm["format"]) == "ftm");
    REQUIRE(ftm["results"].Size() == 1);
    REQUIRE(ftm["results"][0]["hits"].Size() > 0);
    CHECK(str(ftm["results"][0]["hits"][0]["entity"]["id"]) == "ofac-sdn:45860");
  }
}

TEST_CASE("serve: search weighs a date of birth and a country, explains each hit, and states its threshold") {
  Running running(kKaspersky);
  auto client = running.client();
  auto plain = ok_json(client.Get("/search/default?q=Marina%20Alekseeva"));
  REQUIRE(plain["results"].Size() > 0);
  CHECK(str(plain["results"][0]["id"]) == "ofac-sdn:45854");
  CHECK(plain["threshold"].GetDouble() > 0);
  CHECK(plain["results"][0]["explanation"]["tokens"].Size() > 0);
  CHECK(plain["results"][0]["explanation"]["listings"].Size() > 0);
  const double score = plain["results"][0]["score"].GetDouble();
  // Another birth year is strong evidence of another person (RULES.md, "Screening evidence").
  auto other = ok_json(client.Get("/search/default?q=Marina%20Alekseeva&dob=1990&threshold=0"));
  REQUIRE(other["results"].Size() > 0);
  CHECK(other["results"][0]["score"].GetDouble() < score);
  CHECK(other["results"][0]["explanation"]["secondary_evidence"].Size() == 1);
  auto res = client.Get("/search/default?q=Marina&country=Narnia");
  REQUIRE(res);
  CHECK(res->status == 400);
  CHECK(str(parse(res->body)["field"]) == "country");
}

TEST_CASE("serve: exposure names the state of every party of its chains, for the picture") {
  Running running(kKaspersky);
  auto client = running.client();
  const auto doc = ok_json(client.Get("/exposure/kaspersky-ao-kaspersky-lab?rule=ofac&as_of=2024-08-01"));
  REQUIRE(doc["parties"].IsArray());
  REQUIRE(doc["parties"].Size() > 0);
  CHECK(str(doc["parties"][0]["id"]) == "kaspersky-ao-kaspersky-lab");
  CHECK(str(doc["parties"][0]["state"]) == "clear");
  std::set<std::string> listed;
  for (const auto& party : doc["parties"].GetArray())
    if (str(party["state"]) == "listed") listed.insert(str(party["id"]));
  CHECK(listed.count("ofac-sdn:45815") == 1);  // a designated executive, on the day
}
