// loaders/load_error.h: bad input, with the file, the line (or record) and the reason.
#pragma once
#include <cstdint>
#include <string>

#include "skg/graph/error.h"

namespace skg::inline v1 {

/// Thrown for input a loader cannot use. what() reads
/// "datasets/broken/sdn_bad_quote.csv:17: unterminated quoted field (record '45815')".
class LoadError : public Error {
 public:
  LoadError(std::string file, std::uint64_t line, std::string reason, std::string record = {});
  const std::string& file() const noexcept { return file_; }
  std::uint64_t line() const noexcept { return line_; }  // 0 when the format has no lines
  const std::string& record() const noexcept { return record_; }
  const std::string& reason() const noexcept { return reason_; }

 private:
  std::string file_;
  std::uint64_t line_;
  std::string reason_;
  std::string record_;
};

}  // namespace skg
