// graph/file_type.h: what a path is, in words, for the errors that refuse what is not a regular
// file (internal: used by graph/snapshot.cpp and loaders/source.cpp, not installed).
#pragma once
#include <sys/stat.h>

namespace skg::inline v1::detail {

/// "a FIFO (named pipe)", "a folder", ...: what `mode` (from stat) says the path is.
inline const char* file_type(mode_t mode) noexcept {
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  return "not a regular file";
}

}  // namespace skg::detail
