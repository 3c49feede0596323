// python/skg_module.cpp: the `skg` Python module over the embedding façade (skg/skg.h).
// Answers are plain dicts with the fields of the shell's --json (skg/json.h writes both); the GIL
// is released while a query runs; skg errors become skg.Error, skg.LoadError, skg.ResolveError.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>
#include <string>
#include <vector>

#include "skg/json.h"
#include "skg/skg.h"

namespace py = pybind11;

namespace {

/// json.loads, kept for the life of the process (never destroyed after the interpreter is gone).
py::object loads(const std::string& text) {
  static py::object* json_loads = new py::object(py::module_::import("json").attr("loads"));
  return (*json_loads)(py::str(text));
}

skg::Rule rule_of(const std::string& text) {
  const auto rule = skg::parse_rule(text);
  if (!rule) throw skg::Error("no rule '" + text + "': use ofac, eu, uk or bis");
  return *rule;
}

/// A View that keeps its Database alive (the Python object holds a reference to it).
struct PyView {
  skg::View view;
  py::object owner;  // the Python Database

  /// An id ("ofac-sdn:45815") or a name the view resolves.
  skg::NodeId entity(const std::string& text) const { return view.resolve(text); }

  py::object exposure(const std::string& entity, const std::string& rule) const {
    std::string text;
    {
      py::gil_scoped_release release;
      const skg::Exposure answer = view.exposure(view.resolve(entity), rule_of(rule));
      text = skg::to_json([&](skg::JsonOut& json) { skg::write_exposure_json(json, view.graph(), answer); });
    }
    return loads(text);
  }

  py::object screen(const std::string& name, std::size_t limit, std::optional<double> min_score,
                    bool listed_only) const {
    std::string text;
    {
      py::gil_scoped_release release;
      skg::ScreenQuery query;
      query.name = name;
      skg::ScreenOptions options;
      options.limit = limit;
      if (min_score) options.min_score = *min_score;
      options.listed_only = listed_only;
      const auto hits = view.screen(query, options);
      const skg::ListedSet& listed = view.listed();
      text = skg::to_json([&](skg::JsonOut& json) {
        json.begin_array();
        for (const skg::ScreenHit& hit : hits)
          skg::write_screen_hit_json(json, view.graph(), hit, view.day(), listed.contains(hit.node));
        json.end_array();
      });
    }
    return loads(text);
  }

  py::object show(const std::string& entity) const {
    std::string text;
    {
      py::gil_scoped_release release;
      const skg::NodeId node = view.resolve(entity);
      text = skg::to_json([&](skg::JsonOut& json) { skg::write_show_json(json, view.graph(), node, view.day()); });
    }
    return loads(text);
  }

  py::object listings(const std::string& entity) const {
    std::string text;
    {
      py::gil_scoped_release release;
      const skg::NodeId node = view.resolve(entity);
      const skg::Listings split = view.listings(node);
      text = skg::to_json([&](skg::JsonOut& json) {
        skg::write_listings_json(json, view.graph(), node, split, view.day());
      });
    }
    return loads(text);
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

  /// [{"party": {id, name, kind}, "hops": n, "path": [...links as in `path`]}], nearest first.
  py::object reach(const std::string& entity, int hops) const {
    std::string text;
    {
      py::gil_scoped_release release;
      skg::ReachOptions options;
      options.max_hops = hops;
      const auto hits = view.reach(view.resolve(entity), options);
      text = skg::to_json([&](skg::JsonOut& json) {
        json.begin_array();
        for (const skg::ReachHit& hit : hits) {
          json.begin_object();
          json.key("party");
          skg::write_node_json(json, view.graph(), hit.party);
          json.key("hops").integer(static_cast<std::int64_t>(hit.path.hops()));
          json.key("path");
          skg::write_path_json(json, view.graph(), hit.path);
          json.end_object();
        }
        json.end_array();
      });
    }
    return loads(text);
  }

  /// The links of one shortest path from a to b (as in `path --json`), or None.
  py::object path(const std::string& a, const std::string& b, int hops) const {
    std::string text;
    {
      py::gil_scoped_release release;
      skg::PathOptions options;
      options.max_hops = hops;
      const auto found = view.path(view.resolve(a), view.resolve(b), options);
      if (found)
        text = skg::to_json([&](skg::JsonOut& json) { skg::write_path_json(json, view.graph(), *found); });
    }
    if (text.empty()) return py::none();
    return loads(text);
  }

  /// How many parties the rule blocks on the day: {"yes": n, "possibly": m}.
  py::dict blocked_count(const std::string& rule) const {
    std::size_t yes = 0, possibly = 0;
    {
      py::gil_scoped_release release;
      const skg::BlockedSet& blocked = view.blocked(rule_of(rule));
      yes = blocked.count(skg::Verdict::Yes);
      possibly = blocked.count(skg::Verdict::Possibly);
    }
    py::dict out;
    out["yes"] = yes;
    out["possibly"] = possibly;
    return out;
  }
};

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
          [](const std::vector<std::string>& paths, bool skip_bad_records) {
            py::gil_scoped_release release;
            return skg::Database::open(std::span<const std::string>(paths),
                                       {.on_bad_record = skip_bad_records ? skg::OnBadRecord::Skip
                                                                          : skg::OnBadRecord::Fail});
          },
          py::arg("paths"), py::arg("skip_bad_records") = false,
          "Loads files or folders ('PATH' or 'FORMAT:PATH') into one graph.")
      .def_static(
          "open",
          [](const std::string& path, bool skip_bad_records) {
            py::gil_scoped_release release;
            const std::vector<std::string> paths{path};
            return skg::Database::open(std::span<const std::string>(paths),
                                       {.on_bad_record = skip_bad_records ? skg::OnBadRecord::Skip
                                                                          : skg::OnBadRecord::Fail});
          },
          py::arg("path"), py::arg("skip_bad_records") = false)
      .def_static(
          "open_snapshot",
          [](const std::string& path) {
            py::gil_scoped_release release;
            return skg::Database::open_snapshot(path);
          },
          py::arg("path"))
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
      .def("screen", &PyView::screen, py::arg("name"), py::arg("limit") = 20,
           py::arg("min_score") = py::none(), py::arg("listed_only") = false)
      .def("show", &PyView::show, py::arg("entity"))
      .def("listings", &PyView::listings, py::arg("entity"))
      .def("is_listed", &PyView::is_listed, py::arg("entity"))
      .def("reach", &PyView::reach, py::arg("entity"), py::arg("hops") = 3)
      .def("path", &PyView::path, py::arg("a"), py::arg("b"), py::arg("hops") = 6)
      .def("blocked_count", &PyView::blocked_count, py::arg("rule") = "ofac");
}
