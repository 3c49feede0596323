// graph/batch_faults.h: a test hook in Batch that makes a load fail at a chosen point (internal:
// graph/builder.cpp and tests/loaders/all_or_nothing_test.cpp include it; not installed).
#pragma once
#include <cstdint>

namespace skg::inline v1::detail {

/// Thrown by the hook below; not an skg::Error (nor a std::exception), so no loader can mistake
/// it for bad input and skip it.
struct InjectedFault {};

/// While `armed`, every part of a record a Batch stages (entity, name, attribute, id, edge,
/// action, removal) counts one in `staged`, and the one that reaches `fail_at` throws
/// InjectedFault: a load made to fail at each point in turn must leave its builder exactly as it
/// was. Unarmed, it costs one flag test per staged part.
struct BatchFaults {
  bool armed = false;
  std::uint64_t staged = 0;
  std::uint64_t fail_at = 0;  // 0: never (count only)
  void step() {
    if (++staged == fail_at) throw InjectedFault{};
  }
};
inline thread_local BatchFaults batch_faults;

}  // namespace skg::detail
