# Installs skg from SKG_BUILD_DIR into PREFIX, extracts the README's C++ example, then builds and
# runs the consumer project (and the example) against the install tree, from SOURCE_DIR (the
# example opens "datasets/kaspersky").
file(READ ${SOURCE_DIR}/README.md readme)
string(FIND "${readme}" "<!-- example:cpp -->" at)
if(at EQUAL -1)
  message(FATAL_ERROR "README.md has no <!-- example:cpp --> block")
endif()
string(SUBSTRING "${readme}" ${at} -1 rest)
string(REGEX MATCH "```cpp\n(.*)" block "${rest}")
set(block "${CMAKE_MATCH_1}")
string(FIND "${block}" "```" end)
string(SUBSTRING "${block}" 0 ${end} example)
file(MAKE_DIRECTORY ${CONSUMER_BUILD})
file(WRITE ${CONSUMER_BUILD}/readme_example.cpp "${example}")
foreach(step
    "${CMAKE_COMMAND};--install;${SKG_BUILD_DIR};--prefix;${PREFIX}"
    "${CMAKE_COMMAND};-S;${CONSUMER_SOURCE};-B;${CONSUMER_BUILD};-DCMAKE_PREFIX_PATH=${PREFIX};-DREADME_EXAMPLE=${CONSUMER_BUILD}/readme_example.cpp"
    "${CMAKE_COMMAND};--build;${CONSUMER_BUILD}"
    "${CONSUMER_BUILD}/consumer;${SOURCE_DIR}/datasets"
    "${CONSUMER_BUILD}/readme_example"
    "${CONSUMER_BUILD}/consumer_bgl")
  execute_process(COMMAND ${step} RESULT_VARIABLE result WORKING_DIRECTORY ${SOURCE_DIR})
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "consumer step failed (${result}): ${step}")
  endif()
endforeach()
