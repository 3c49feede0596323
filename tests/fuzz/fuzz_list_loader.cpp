// tests/fuzz/fuzz_list_loader.cpp: one libFuzzer target per single-file loader (CSL, UN XML, OFAC XML,
// EU FSF XML, BIS DPL, FCC Covered List, BODS, UK Sanctions List XML, OFSI CSV, GLEIF XML and JSON,
// UK PSC, skg-csv tables): the input is the file. Built once per loader, with
// SKG_FUZZ_LOADER naming the loader function and SKG_FUZZ_FILE the file name it is given.
#include "fuzz_common.h"
#include "graph_fingerprint.h"
#include "skg/loaders/bis_dpl.h"
#include "skg/loaders/bods.h"
#include "skg/loaders/csl.h"
#include "skg/loaders/csv_bulk.h"
#include "skg/loaders/eu_fsf.h"
#include "skg/loaders/fcc_covered.h"
#include "skg/loaders/ofac_xml.h"
#include "skg/loaders/ofsi_csv.h"
#include "skg/loaders/uk_sanctions_list.h"
#include "skg/loaders/gleif.h"
#include "skg/loaders/uk_psc.h"
#include "skg/loaders/un_xml.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path =
      skg::fuzz::write_file(SKG_FUZZ_FILE, {reinterpret_cast<const char*>(data), size});
  skg::fuzz::load_strict_and_skip(&skg::SKG_FUZZ_LOADER, path);
  return 0;
}
