// server/web_assets.h: the analysts' page (server/web/), compiled into the server by
// server/embed_web.cmake and served at / by `skg serve`.
#pragma once
#include <span>
#include <string_view>

namespace skg::server {

struct WebAsset {
  std::string_view path;          // "/index.html", "/app.js", ...
  std::string_view content_type;  // "text/html; charset=utf-8", ...
  std::string_view etag;          // a quoted SHA-256 prefix of the bytes
  std::string_view body;
};

/// Every file of server/web/, as built into this binary.
std::span<const WebAsset> web_assets();

}  // namespace skg::server
