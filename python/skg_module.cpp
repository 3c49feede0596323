// python/skg_module.cpp: the `skg` Python module over the embedding façade (skg/skg.h).
// Answers are plain dicts with the fields of the shell's --json: the same writers (skg/json.h)
// produce both, here into a JsonSink that builds the Python objects directly (no JSON text). The
// GIL is released while a query runs and taken back to build the answer; skg errors become
// skg.Error, skg.LoadError, skg.ResolveError.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "skg/json.h"
#include "skg/skg.h"

namespace py = pybind11;

namespace {

/// Builds the Python value of one answer from the JSON writers' calls: dicts, lists, str, int,
/// float, bool, None, as json.loads would make them from the shell's text. Needs the GIL.
class PySink final : public skg::JsonSink {
 public:
  PySink() = default;
  PySink(const PySink&) = delete;
  PySink& operator=(const PySink&) = delete;
  ~PySink() override {
    for (PyObject* open : stack_) Py_DECREF(open);
    for (PyObject* key : pending_keys_) Py_XDECREF(key);
    Py_XDECREF(key_);
    Py_XDECREF(result_);
  }

  /// The finished value (None when nothing was written).
  py::object result() {
    if (result_ == nullptr) return py::none();
    PyObject* out = result_;
    result_ = nullptr;
    return py::reinterpret_steal<py::object>(out);
  }

  void key(std::string_view name) override {
    Py_XDECREF(key_);
    key_ = interned(name);
  }
  void string(std::string_view text) override {
    put(PyUnicode_DecodeUTF8(text.data(), static_cast<Py_ssize_t>(text.size()), "replace"));
  }
  void integer(std::int64_t value) override { put(PyLong_FromLongLong(value)); }
  void real(double value) override { put(PyFloat_FromDouble(value)); }
  void boolean(bool value) override { put(PyBool_FromLong(value ? 1 : 0)); }
  void null() override {
    Py_INCREF(Py_None);
    put(Py_None);
  }
  void begin_object() override { open(PyDict_New()); }
  void end_object() override { close(); }
  void begin_array() override { open(PyList_New(0)); }
  void end_array() override { close(); }

 private:
  /// The field names are few and come back in every answer: each is made once, interned (its
  /// hash kept), and shared (a new reference each time). Guarded by the GIL.
  static PyObject* interned(std::string_view name) {
    static auto* made = new std::unordered_map<std::string, PyObject*>();
    const auto found = made->find(std::string(name));
    if (found != made->end()) {
      Py_INCREF(found->second);
      return found->second;
    }
    PyObject* text = check(PyUnicode_FromStringAndSize(name.data(), static_cast<Py_ssize_t>(name.size())));
    if (made->size() < 4096) {  // answers' own keys (load report counts) must not grow it forever
      PyUnicode_InternInPlace(&text);
      Py_INCREF(text);
      made->emplace(std::string(name), text);
    }
    return text;
  }
  static PyObject* check(PyObject* made) {
    if (made == nullptr) throw py::error_already_set();
    return made;
  }
  /// Adds a finished value (a new reference) where the writer stands.
  void put(PyObject* made) {
    check(made);
    if (stack_.empty()) {
      Py_XDECREF(result_);
      result_ = made;
      return;
    }
    PyObject* into = stack_.back();
    int failed;
    if (PyDict_Check(into)) {
      failed = key_ == nullptr ? -1 : PyDict_SetItem(into, key_, made);
      Py_XDECREF(key_);
      key_ = nullptr;
    } else {
      failed = PyList_Append(into, made);
    }
    Py_DECREF(made);
    if (failed != 0) {
      if (!PyErr_Occurred()) PyErr_SetString(PyExc_RuntimeError, "skg: a JSON value without its key");
      throw py::error_already_set();
    }
  }
  void open(PyObject* container) {
    check(container);
    if (!stack_.empty() && PyDict_Check(stack_.back()) && key_ == nullptr) {
      Py_DECREF(container);
      PyErr_SetString(PyExc_RuntimeError, "skg: a JSON value without its key");
      throw py::error_already_set();
    }
    // Kept open on the stack; put() into its parent when closed. The pending key waits with it.
    pending_keys_.push_back(key_);
    key_ = nullptr;
    stack_.push_back(container);
  }
  void close() {
    PyObject* done = stack_.back();
    stack_.pop_back();
    Py_XDECREF(key_);
    key_ = pending_keys_.back();
    pending_keys_.pop_back();
    put(done);
  }

  std::vector<PyObject*> stack_;         // the open dicts and lists (owned)
  std::vector<PyObject*> pending_keys_;  // the key each open one goes under in its parent (owned)
  PyObject* key_ = nullptr;              // the key of the next value (owned)
  PyObject* result_ = nullptr;
};

/// Runs `write` (JsonOut& -> void) into a PySink: the answer as Python objects. Needs the GIL.
template <class Write>
py::object build(Write&& write) {
  PySink sink;
  {
    skg::JsonOut json(sink);
    write(json);
  }
  return sink.result();
}

skg::Rule rule_of(const std::string& text) {
  const auto rule = skg::parse_rule(text);
  if (!rule) throw skg::Error("no rule '" + text + "': use ofac, eu, uk or bis");
  return *rule;
}

skg::Page page_of(std::size_t offset, std::optional<std::size_t> limit) {
  skg::Page page;
  page.offset = offset;
  page.limit = limit;
  return page;
}

/// A View that keeps its Database alive (the Python object holds a reference to it).
struct PyView {
  skg::View view;
  py::object owner;  // the Python Database

  py::object exposure(const std::string& entity, const std::string& rule) const {
    std::optional<skg::Exposure> answer;
    {
      py::gil_scoped_release release;
      answer = view.exposure(view.resolve(entity), rule_of(rule));
    }
    return build([&](skg::JsonOut& json) { skg::write_exposure_json(json, view.graph(), *answer); });
  }

  /// The shell's `whatif --json --rule R` result: parties by id or exact name (skg::find_party).
  py::object whatif(const std::vector<std::string>& designate, const std::vector<std::string>& delist,
                    const std::string& rule) const {
    std::optional<skg::WhatIfResult> answer;
    {
      py::gil_scoped_release release;
      skg::WhatIfChanges changes;
      for (const std::string& party : designate) changes.designate.push_back(skg::find_party(view.graph(), party));
      for (const std::string& party : delist) changes.delist.push_back(skg::find_party(view.graph(), party));
      answer = view.whatif(rule_of(rule), std::move(changes));
    }
    return build([&](skg::JsonOut& json) { skg::write_whatif_json(json, view.graph(), *answer); });
  }

  py::object screen(const std::string& name, std::size_t limit, std::optional<double> min_score,
                    bool listed_only) const {
    std::vector<skg::ScreenHit> hits;
    std::shared_ptr<const skg::ListedSet> listed;
    {
      py::gil_scoped_release release;
      skg::ScreenQuery query;
      query.name = name;
      skg::ScreenOptions options;
      options.limit = limit;
      if (min_score) options.min_score = *min_score;
      options.listed_only = listed_only;
      hits = view.screen(query, options);
      listed = view.listed();
    }
    return build([&](skg::JsonOut& json) {
      json.begin_array();
      for (const skg::ScreenHit& hit : hits)
        skg::write_screen_hit_json(json, view.graph(), hit, view.day(), listed->contains(hit.node));
      json.end_array();
    });
  }

  py::object show(const std::string& entity) const {
    skg::NodeId node;
    {
      py::gil_scoped_release release;
      node = view.resolve(entity);
    }
    return build([&](skg::JsonOut& json) { skg::write_show_json(json, view.graph(), node, view.day()); });
  }

  py::object listings(const std::string& entity) const {
    skg::NodeId node;
    std::optional<skg::Listings> split;
    {
      py::gil_scoped_release release;
      node = view.resolve(entity);
      split = view.listings(node);
    }
    return build([&](skg::JsonOut& json) {
      skg::write_listings_json(json, view.graph(), node, *split, view.day());
    });
  }

  bool is_listed(const std::string& entity) const {
    py::gil_scoped_release release;
    return view.is_listed(view.resolve(entity));
  }

  std::string resolve(const std::string& text) const {
    py::gil_scoped_release release;
    const skg::NodeId node = view.resolve(text);
    const auto ids = view.graph().external_ids(node);
    return ids.empty() ? std::string() : std::string(view.graph().string(ids.front()));
  }

  /// `reach --json`: {entity, as_of, max_hops, authority, count, offset, limit, shown, hits:
  /// [{party, hops, actions, path}]}, nearest first, `limit` hits from `offset`.
  py::object reach(const std::string& entity, int hops, std::optional<std::string> authority, std::size_t offset,
                   std::optional<std::size_t> limit) const {
    skg::NodeId node;
    std::vector<skg::ReachHit> hits;
    skg::ReachOptions options;
    options.max_hops = hops;
    if (authority) options.authority = *authority;
    {
      py::gil_scoped_release release;
      node = view.resolve(entity);
      hits = view.reach(node, options);
    }
    return build([&](skg::JsonOut& json) {
      skg::write_reach_json(json, view.graph(), node, view.day(), options, hits, page_of(offset, limit));
    });
  }

  /// The links of one shortest path from a to b (as in `path --json`), or None.
  py::object path(const std::string& a, const std::string& b, int hops) const {
    std::optional<skg::Path> found;
    {
      py::gil_scoped_release release;
      skg::PathOptions options;
      options.max_hops = hops;
      found = view.path(view.resolve(a), view.resolve(b), options);
    }
    if (!found) return py::none();
    return build([&](skg::JsonOut& json) { skg::write_path_json(json, view.graph(), *found); });
  }

  /// `owners --json` / `subsidiaries --json`: {entity, as_of, depth, count, ..., owners: [...]}.
  py::object chain(const std::string& entity, int depth, std::size_t offset,
                   std::optional<std::size_t> limit, bool up) const {
    skg::NodeId node;
    std::vector<skg::OwnershipStep> steps;
    {
      py::gil_scoped_release release;
      node = view.resolve(entity);
      skg::OwnershipOptions options;
      options.depth = depth;
      steps = up ? view.owners(node, options) : view.subsidiaries(node, options);
    }
    return build([&](skg::JsonOut& json) {
      (up ? skg::write_owners_json : skg::write_subsidiaries_json)(
          json, view.graph(), node, view.day(), depth, steps, page_of(offset, limit), nullptr);
    });
  }

  /// `blocked --json`: the parties blocked by ownership or control, `limit` rows from `offset`
  /// (count says how many there are in all).
  py::object blocked(const std::string& rule, std::size_t offset, std::optional<std::size_t> limit) const {
    std::shared_ptr<const skg::BlockedSet> set;
    std::vector<skg::NodeId> parties;
    {
      py::gil_scoped_release release;
      set = view.blocked(rule_of(rule));
      parties = skg::blocked_parties(view.graph(), *set);
    }
    return build([&](skg::JsonOut& json) {
      skg::write_blocked_json(json, view.graph(), *set, view.day(), parties, page_of(offset, limit));
    });
  }

  /// How many parties the rule blocks on the day: {"yes": n, "possibly": m}.
  py::dict blocked_count(const std::string& rule) const {
    std::size_t yes = 0, possibly = 0;
    {
      py::gil_scoped_release release;
      const auto blocked = view.blocked(rule_of(rule));
      yes = blocked->count(skg::Verdict::Yes);
      possibly = blocked->count(skg::Verdict::Possibly);
    }
    py::dict out;
    out["yes"] = yes;
    out["possibly"] = possibly;
    return out;
  }
};

/// The name a diff gives a database: its specs, as opened.
std::string source_name(const skg::Database& db) {
  std::string name;
  for (const auto& source : db.sources()) name += (name.empty() ? "" : " ") + source.spec;
  return name;
}

py::dict report_dict(const skg::LoadReport& report) {
  py::dict out;
  out["files"] = report.files;
  py::dict counts;
  for (const auto& [kind, count] : report.counts) counts[py::str(kind)] = count;
  out["counts"] = counts;
  auto issues = [](const std::vector<skg::LoadIssue>& list) {
    py::list items;
    for (const skg::LoadIssue& issue : list) {
      py::dict item;
      item["file"] = issue.file;
      item["line"] = issue.line;
      item["record"] = issue.record;
      item["reason"] = issue.reason;
      items.append(item);
    }
    return items;
  };
  out["skipped"] = issues(report.skipped);
  out["unresolved"] = issues(report.unresolved);
  out["warnings"] = issues(report.warnings);
  out["bytes"] = report.bytes;
  out["seconds"] = report.seconds;
  return out;
}

}  // namespace

PYBIND11_MODULE(skg, m) {
  m.doc() = "skg: sanctions and ownership knowledge graph (the C++ library's façade, skg/skg.h)";
  static py::exception<skg::Error> error(m, "Error");
  static py::exception<skg::LoadError> load_error(m, "LoadError", error.ptr());
  static py::exception<skg::ResolveError> resolve_error(m, "ResolveError", error.ptr());
  py::register_exception_translator([](std::exception_ptr thrown) {
    try {
      if (thrown) std::rethrow_exception(thrown);
    } catch (const skg::LoadError& e) {
      py::object instance = py::reinterpret_borrow<py::object>(load_error.ptr())(py::str(e.what()));
      instance.attr("file") = e.file();
      instance.attr("line") = e.line();
      instance.attr("record") = e.record();
      instance.attr("reason") = e.reason();
      PyErr_SetObject(load_error.ptr(), instance.ptr());
    } catch (const skg::ResolveError& e) {
      py::object instance = py::reinterpret_borrow<py::object>(resolve_error.ptr())(py::str(e.what()));
      instance.attr("ambiguous") = e.kind() == skg::ResolveError::Kind::Ambiguous;
      PyErr_SetObject(resolve_error.ptr(), instance.ptr());
    } catch (const skg::Error& e) {
      error(e.what());
    }
  });

  py::class_<skg::Database>(m, "Database")
      .def_static(
          "open",
          [](const std::vector<std::string>& paths, bool skip_bad_records, std::size_t cache_days) {
            py::gil_scoped_release release;
            return skg::Database::open(std::span<const std::string>(paths),
                                       {.on_bad_record = skip_bad_records ? skg::OnBadRecord::Skip
                                                                          : skg::OnBadRecord::Fail,
                                        .cache = {.days = cache_days}});
          },
          py::arg("paths"), py::arg("skip_bad_records") = false, py::arg("cache_days") = 16,
          "Loads files or folders ('PATH' or 'FORMAT:PATH') into one graph. The listed and "
          "blocked sets of at most `cache_days` days (per rule) are kept.")
      .def_static(
          "open",
          [](const std::string& path, bool skip_bad_records, std::size_t cache_days) {
            py::gil_scoped_release release;
            const std::vector<std::string> paths{path};
            return skg::Database::open(std::span<const std::string>(paths),
                                       {.on_bad_record = skip_bad_records ? skg::OnBadRecord::Skip
                                                                          : skg::OnBadRecord::Fail,
                                        .cache = {.days = cache_days}});
          },
          py::arg("path"), py::arg("skip_bad_records") = false, py::arg("cache_days") = 16)
      .def_static(
          "open_snapshot",
          [](const std::string& path, std::size_t cache_days) {
            py::gil_scoped_release release;
            return skg::Database::open_snapshot(path, {.days = cache_days});
          },
          py::arg("path"), py::arg("cache_days") = 16)
      .def_property_readonly("reports",
                             [](const skg::Database& db) {
                               py::list out;
                               for (const auto& report : db.reports()) out.append(report_dict(report));
                               return out;
                             })
      .def_property_readonly("node_count", [](const skg::Database& db) { return db.graph().node_count(); })
      .def_property_readonly("edge_count", [](const skg::Database& db) { return db.graph().edge_count(); })
      .def(
          "as_of",
          [](py::object self, const std::string& day) {
            const auto& db = self.cast<const skg::Database&>();
            return PyView{db.as_of(day), self};
          },
          py::arg("day"), "The graph as of one day, 'YYYY-MM-DD': every question of the view uses it.")
      .def("today",
           [](py::object self) {
             const auto& db = self.cast<const skg::Database&>();
             return PyView{db.today(), self};
           })
      .def(
          "stats",
          [](const skg::Database& db) {
            return build([&](skg::JsonOut& json) {
              skg::write_stats_json(json, db.graph(), db.sources(), std::nullopt);
            });
          },
          "The shell's `stats --json`: counts by kind, memory, and what was loaded.")
      .def(
          "diff",
          [](const skg::Database& db, const skg::Database& newer) {
            std::optional<skg::GraphDiff> changes;
            {
              py::gil_scoped_release release;
              changes = db.today().diff(newer.today());
            }
            return build([&](skg::JsonOut& json) {
              skg::write_diff_json(json, db.graph(), newer.graph(), *changes, source_name(db),
                                   source_name(newer));
            });
          },
          py::arg("newer"),
          "The shell's `diff OLD NEW --json` from this database (old) to `newer`: parties, "
          "listings and links added, removed and changed, matched by their ids.")
      .def_property_readonly("cached",
                             [](const skg::Database& db) {
                               const auto counts = db.cached();
                               py::dict out;
                               out["listed_sets"] = counts.listed_sets;
                               out["blocked_sets"] = counts.blocked_sets;
                               return out;
                             })
      .def_property_readonly("sources",
                             [](const skg::Database& db) {
                               py::list out;
                               for (const auto& source : db.sources()) out.append(source.spec);
                               return out;
                             })
      .def(
          "save",
          [](const skg::Database& db, const std::string& path) {
            py::gil_scoped_release release;
            db.save(path);
          },
          py::arg("path"));

  py::class_<PyView>(m, "View")
      .def_property_readonly("day", [](const PyView& v) { return v.view.day().to_string(); })
      .def("resolve", &PyView::resolve, py::arg("entity"), "The external id an id or name resolves to.")
      .def("exposure", &PyView::exposure, py::arg("entity"), py::arg("rule") = "ofac")
      .def("whatif", &PyView::whatif, py::arg("designate") = std::vector<std::string>{},
           py::arg("delist") = std::vector<std::string>{}, py::arg("rule") = "ofac",
           "Every party whose verdict changes if these were designated or delisted under the rule.")
      .def("screen", &PyView::screen, py::arg("name"), py::arg("limit") = 20,
           py::arg("min_score") = py::none(), py::arg("listed_only") = false)
      .def("show", &PyView::show, py::arg("entity"))
      .def("listings", &PyView::listings, py::arg("entity"))
      .def("is_listed", &PyView::is_listed, py::arg("entity"))
      .def("reach", &PyView::reach, py::arg("entity"), py::arg("hops") = 3, py::arg("authority") = py::none(),
           py::arg("offset") = 0, py::arg("limit") = py::none())
      .def("path", &PyView::path, py::arg("a"), py::arg("b"), py::arg("hops") = 6)
      .def("blocked_count", &PyView::blocked_count, py::arg("rule") = "ofac")
      .def("blocked", &PyView::blocked, py::arg("rule") = "ofac", py::arg("offset") = 0,
           py::arg("limit") = 100,
           "The parties the rule blocks by ownership or control, as `blocked --json`: `limit` rows "
           "from `offset` (None: all); 'count' is the total.")
      .def(
          "owners",
          [](const PyView& v, const std::string& entity, int depth, std::size_t offset,
             std::optional<std::size_t> limit) { return v.chain(entity, depth, offset, limit, true); },
          py::arg("entity"), py::arg("depth") = 3, py::arg("offset") = 0, py::arg("limit") = py::none(),
          "Who owns the party, as `owners --json`.")
      .def(
          "subsidiaries",
          [](const PyView& v, const std::string& entity, int depth, std::size_t offset,
             std::optional<std::size_t> limit) { return v.chain(entity, depth, offset, limit, false); },
          py::arg("entity"), py::arg("depth") = 3, py::arg("offset") = 0, py::arg("limit") = py::none(),
          "What the party owns, as `subsidiaries --json`.");
}
