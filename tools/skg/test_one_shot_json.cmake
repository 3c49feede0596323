# CTest: runs the real `skg` binary one-shot with --json from a folder outside the source tree,
# parses its JSON with string(JSON) and checks the Kaspersky answers (datasets/kaspersky/EXPECTED.md)
# and the exit codes of the shell's contract. -DSKG=<binary> -DWORK=<scratch folder>
# [-DPREFIX=<install tree>: also checks that an installed skg finds its installed dataset].
cmake_minimum_required(VERSION 3.21)
file(MAKE_DIRECTORY ${WORK})

function(skg_run out_var code_var)
  execute_process(COMMAND ${ARGN} WORKING_DIRECTORY ${WORK}
                  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE code)
  set(${out_var} "${out}" PARENT_SCOPE)
  set(${code_var} "${code}" PARENT_SCOPE)
  set(last_err "${err}" PARENT_SCOPE)
endfunction()

function(expect what actual expected)
  if(NOT "${actual}" STREQUAL "${expected}")
    message(FATAL_ERROR "${what}: expected '${expected}', got '${actual}'")
  endif()
endfunction()

# exposure: the contract's field names and the case's answer.
skg_run(out code ${SKG} --json --as-of 2024-08-01 exposure kaspersky-ao-kaspersky-lab --rule ofac)
expect("exposure exit code (stderr: ${last_err})" "${code}" 0)
string(JSON entity GET "${out}" entity id)
expect("exposure entity" "${entity}" "kaspersky-ao-kaspersky-lab")
string(JSON rule GET "${out}" rule)
expect("exposure rule" "${rule}" "ofac")
string(JSON as_of GET "${out}" as_of)
expect("exposure as_of" "${as_of}" "2024-08-01")
string(JSON listed GET "${out}" listed)
expect("exposure listed" "${listed}" "OFF")
string(JSON blocked GET "${out}" blocked)
expect("exposure blocked" "${blocked}" "OFF")
string(JSON aggregate_type TYPE "${out}" aggregate_percent)
if(NOT aggregate_type STREQUAL "NULL")  # no owner of AO Kaspersky Lab is on record: unknown
  message(FATAL_ERROR "aggregate_percent is ${aggregate_type}, not null")
endif()
string(JSON reasons_type TYPE "${out}" reasons)
expect("exposure reasons" "${reasons_type}" "ARRAY")
string(JSON cautions LENGTH "${out}" cautions)
expect("control-link cautions" "${cautions}" 12)
string(JSON kind GET "${out}" cautions 0 kind)
expect("first caution" "${kind}" "control_link")
string(JSON record GET "${out}" cautions 0 chain 0 records 0)
if(NOT record MATCHES "kaspersky\\.ftm\\.json:[0-9]+")
  message(FATAL_ERROR "a caution's chain does not cite its record: '${record}'")
endif()

# listings: ICTS new sales prohibited as of 2024-08-01, updates later.
skg_run(out code ${SKG} --json --as-of 2024-08-01 listings kaspersky-ao-kaspersky-lab)
expect("listings exit code" "${code}" 0)
string(JSON later LENGTH "${out}" later)
expect("listings starting later" "${later}" 1)
string(JSON measures GET "${out}" later 0 measures)
if(NOT measures MATCHES "^updates:")
  message(FATAL_ERROR "the listing that starts later is not the ICTS updates ban: '${measures}'")
endif()
string(JSON start GET "${out}" later 0 start)
expect("ICTS updates start" "${start}" "2024-09-29")

# Exit codes: 1 for an unknown entity or bad arguments, 2 for a bad input file.
skg_run(out code ${SKG} show no-such-party)
expect("unknown entity exit code" "${code}" 1)
skg_run(out code ${SKG} exposure kaspersky-ao-kaspersky-lab --rule mars)
expect("bad rule exit code" "${code}" 1)
file(WRITE ${WORK}/bad.json "{\"id\": \"x\", \"schema\": ")
skg_run(out code ${SKG} --data ftm:${WORK}/bad.json stats)
expect("bad input file exit code" "${code}" 2)
if(NOT last_err MATCHES "bad.json")
  message(FATAL_ERROR "the bad-file error does not name the file: '${last_err}'")
endif()

# One command per line from stdin when it is not a terminal.
file(WRITE ${WORK}/script.txt "as-of 2024-10-01\nlistings kaspersky-kaspersky-lab-inc --json\n")
execute_process(COMMAND ${SKG} INPUT_FILE ${WORK}/script.txt WORKING_DIRECTORY ${WORK}
                OUTPUT_VARIABLE out RESULT_VARIABLE code)
expect("stdin script exit code" "${code}" 0)
string(REGEX MATCH "{.*}" doc "${out}")
string(JSON later LENGTH "${doc}" later)
expect("Inc. listings starting after 2024-10-01" "${later}" 0)

# An installed skg finds the dataset installed beside it (share/skg/kaspersky).
if(PREFIX)
  skg_run(out code ${PREFIX}/bin/skg --json stats)
  expect("installed skg exit code (${last_err})" "${code}" 0)
  string(JSON spec GET "${out}" sources 0 spec)
  file(REAL_PATH "${PREFIX}/share/skg/kaspersky" installed)
  expect("installed skg loads the installed dataset" "${spec}" "${installed}")
endif()
message(STATUS "skg one-shot JSON checks passed")
