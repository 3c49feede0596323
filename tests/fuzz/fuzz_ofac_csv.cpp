// tests/fuzz/fuzz_ofac_csv.cpp: the OFAC legacy CSV set. The first byte picks which of the four
// files (sdn.csv, add.csv, alt.csv, sdn_comments.csv) is the fuzzed input; the other three are
// the bundled Kaspersky case's OFAC rows (datasets/kaspersky/ofac; sdn_comments.csv from
// datasets/samples/ofac), so the joins between the files are exercised too. (The larger samples
// of datasets/samples/ofac are seeds: as fixed siblings they slowed every run tenfold.)
#include "fuzz_common.h"
#include "skg/loaders/ofac_csv.h"

namespace {
constexpr const char* kFiles[] = {"sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"};
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const std::string samples[4] = {
      skg::fuzz::read_file(skg::fuzz::datasets("kaspersky/ofac/sdn.csv")),
      skg::fuzz::read_file(skg::fuzz::datasets("kaspersky/ofac/add.csv")),
      skg::fuzz::read_file(skg::fuzz::datasets("kaspersky/ofac/alt.csv")),
      skg::fuzz::read_file(skg::fuzz::datasets("samples/ofac/sdn_comments.csv"))};
  const std::size_t fuzzed = data[0] % 4;
  std::string sdn;
  for (std::size_t file = 0; file < 4; ++file) {
    const std::string path =
        file == fuzzed ? skg::fuzz::write_file(kFiles[file], {reinterpret_cast<const char*>(data) + 1, size - 1})
                       : skg::fuzz::write_file(kFiles[file], samples[file]);
    if (file == 0) sdn = path;
  }
  skg::fuzz::load_strict_and_skip(&skg::load_ofac_csv, sdn);
  return 0;
}
