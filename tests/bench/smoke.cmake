# bench_smoke: runs every benchmark program once at tiny sizes, and the Havel benchmark scripts
# once, and checks that each printed well-formed JSON results that all say "ok". It measures
# nothing; it keeps the benchmarks building and running in CI. Invoked by CTest with
# -DHAVEL_BENCH=... -DHAVEL_BENCH_OLD=... -DNODE_PEER=... and, when the project has the havel
# host, -DHAVEL_APP=... -DHAVEL_SCRIPTS=...; the Node.js peer is skipped without node.

function(check_results program output minimum)
    string(REPLACE "\n" ";" lines "${output}")
    set(count 0)
    foreach(line IN LISTS lines)
        if(line STREQUAL "")
            continue()
        endif()
        string(JSON ok ERROR_VARIABLE error GET "${line}" ok)
        if(error)
            message(FATAL_ERROR "${program}: not a JSON result: ${line}")
        endif()
        if(NOT ok)
            message(FATAL_ERROR "${program}: a result is not ok: ${line}")
        endif()
        math(EXPR count "${count} + 1")
    endforeach()
    if(count LESS minimum)
        message(FATAL_ERROR "${program}: expected at least ${minimum} results, got ${count}:\n${output}")
    endif()
    message(STATUS "${program}: ${count} results ok")
endfunction()

# run_smoke(NAME MINIMUM COMMAND...): runs COMMAND and checks it printed MINIMUM ok results.
function(run_smoke program minimum)
    execute_process(COMMAND ${ARGN}
                    OUTPUT_VARIABLE output ERROR_VARIABLE errors RESULT_VARIABLE result
                    TIMEOUT 30)
    if(NOT result EQUAL 0)
        message(FATAL_ERROR "${program} failed (${result}):\n${output}\n${errors}")
    endif()
    check_results(${program} "${output}" ${minimum})
endfunction()

run_smoke(havel-bench 8 ${HAVEL_BENCH} --smoke)
run_smoke(havel-bench-old 8 ${HAVEL_BENCH_OLD} --smoke)
find_program(NODE_EXECUTABLE node)
if(NODE_EXECUTABLE)
    run_smoke(node-peer 8 ${NODE_EXECUTABLE} --expose-gc ${NODE_PEER} --smoke)
else()
    message(STATUS "node-peer: skipped, node is not installed")
endif()
# The scripts have no size option: they run at full size, about half a second each.
if(HAVEL_APP)
    foreach(script create-clear.hv fire-zero.hv interval-alloc.hv busy-interval.hv compute-loop.hv
                   small-objects.hv string-append.hv)
        run_smoke(${script} 1 ${HAVEL_APP} ${HAVEL_SCRIPTS}/${script})
    endforeach()
endif()
