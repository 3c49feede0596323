// queries/picture_render.cpp: SVG and PNG from DOT text through Graphviz's C libraries (gvc,
// cgraph; Debian libgraphviz-dev). Built without them (SKG_HAVE_GRAPHVIZ unset), rendering says
// it is not available and DOT text still works.
#include <mutex>
#include <string>

#include "skg/graph/error.h"
#include "skg/queries/picture.h"

#ifdef SKG_HAVE_GRAPHVIZ
#include <cgraph.h>
#include <gvc.h>
#endif

namespace skg::inline v1 {

#ifdef SKG_HAVE_GRAPHVIZ

bool graphviz_available() noexcept { return true; }

namespace {

// Graphviz keeps global state (its error buffer, the parser's): one rendering at a time.
std::mutex& graphviz_mutex() {
  static std::mutex mutex;
  return mutex;
}

// One Graphviz context for the life of the process, never freed. Graphviz 2.43 (Debian 12)
// frees a context's font-name table in gvFreeContext while its pango plugin keeps a static
// pointer to the last name it laid out: the next context's first text measurement then reads
// freed memory (AddressSanitizer: heap-use-after-free in strcmp under textspan_size). A context
// that lives on keeps that table alive; each picture's graph, layout and bytes are still freed.
GVC_t* graphviz_context() {
  static GVC_t* const context = gvContext();
  return context;
}

std::string last_error() {
  const char* text = aglasterr();
  std::string out = text != nullptr ? text : "";
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out.empty() ? "no reason given" : out;
}

}  // namespace

std::string render_picture(std::string_view dot, ImageFormat format) {
  const std::lock_guard lock(graphviz_mutex());
  agseterr(AGMAX);  // collect errors and warnings for aglasterr() instead of printing them
  const std::string text(dot);
  GVC_t* context = graphviz_context();
  if (context == nullptr) throw Error("Graphviz: cannot create a context");
  struct Cleanup {
    GVC_t* context;
    Agraph_t* graph = nullptr;
    bool laid_out = false;
    ~Cleanup() {
      if (graph != nullptr && laid_out) gvFreeLayout(context, graph);
      if (graph != nullptr) agclose(graph);
    }
  } cleanup{context};
  cleanup.graph = agmemread(text.c_str());
  if (cleanup.graph == nullptr) throw Error("Graphviz refused the DOT text: " + last_error());
  if (gvLayout(context, cleanup.graph, "dot") != 0)
    throw Error("Graphviz could not lay out the picture: " + last_error());
  cleanup.laid_out = true;
  const char* engine = format == ImageFormat::Svg ? "svg" : "png";
  char* data = nullptr;
  unsigned int size = 0;
  if (gvRenderData(context, cleanup.graph, engine, &data, &size) != 0 || data == nullptr)
    throw Error(std::string("Graphviz could not render ") + engine +
                " (is its plugin installed? Debian: libgvc6): " + last_error());
  std::string out(data, size);
  gvFreeRenderData(data);
  return out;
}

#else

bool graphviz_available() noexcept { return false; }

std::string render_picture(std::string_view, ImageFormat format) {
  throw Error(std::string(format == ImageFormat::Svg ? "SVG" : "PNG") +
              " pictures are not available: this skg was built without Graphviz's libraries "
              "(Debian: apt-get install libgraphviz-dev, then configure again); --dot writes the "
              "DOT text, which `dot -Tsvg` renders");
}

#endif

}  // namespace skg
