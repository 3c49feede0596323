// skg/version.h: the library's version and the inline namespace its ABI is versioned by.
#pragma once

#define SKG_VERSION_MAJOR 0
#define SKG_VERSION_MINOR 1
#define SKG_VERSION_PATCH 0
