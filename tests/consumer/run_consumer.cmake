# Installs skg from SKG_BUILD_DIR into PREFIX, then builds and runs the consumer project.
foreach(step
    "${CMAKE_COMMAND};--install;${SKG_BUILD_DIR};--prefix;${PREFIX}"
    "${CMAKE_COMMAND};-S;${CONSUMER_SOURCE};-B;${CONSUMER_BUILD};-DCMAKE_PREFIX_PATH=${PREFIX}"
    "${CMAKE_COMMAND};--build;${CONSUMER_BUILD}"
    "${CONSUMER_BUILD}/consumer")
  execute_process(COMMAND ${step} RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "consumer step failed (${result}): ${step}")
  endif()
endforeach()
