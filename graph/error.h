// graph/error.h: the one exception type skg throws for input it cannot use.
#pragma once
#include <stdexcept>
#include <string>

namespace skg::inline v1 {

/// Input skg cannot use (a corrupt snapshot, a record that contradicts the graph, ...).
/// Loaders throw the more specific LoadError, which derives from it.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace skg

/// Catches our own bugs; no input may be able to trip it.
#define SKG_ASSERT(cond)                                                                       \
  do {                                                                                          \
    if (!(cond)) ::skg::detail::assert_failed(#cond, __FILE__, __LINE__);                      \
  } while (false)

namespace skg::inline v1::detail {
[[noreturn]] void assert_failed(const char* cond, const char* file, int line);
}
