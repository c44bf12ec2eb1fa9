# bench_smoke: runs every benchmark program once at tiny sizes, and the Havel benchmark scripts
# once, and checks that each ran and printed well-formed JSON results: an object per line with
# its "impl" and "workload" strings and an "ok" boolean. It measures nothing and judges no
# figure: at tiny sizes on a loaded machine a figure says nothing, and the old design's own
# flaws (it fires early) are not this test's business. It keeps the benchmarks building and
# running in CI. Invoked by CTest with -DHAVEL_BENCH=... -DHAVEL_BENCH_OLD=... -DNODE_PEER=...
# and, when the project has the havel host, -DHAVEL_APP=... -DHAVEL_SCRIPTS=...; the Node.js
# peer is skipped without node.

function(check_results program output minimum)
    string(REPLACE "\n" ";" lines "${output}")
    set(count 0)
    foreach(line IN LISTS lines)
        if(line STREQUAL "")
            continue()
        endif()
        string(JSON kind ERROR_VARIABLE error TYPE "${line}")
        if(error OR NOT kind STREQUAL "OBJECT")
            message(FATAL_ERROR "${program}: not a JSON object: ${line}")
        endif()
        foreach(key impl workload)
            string(JSON type ERROR_VARIABLE error TYPE "${line}" ${key})
            if(error OR NOT type STREQUAL "STRING")
                message(FATAL_ERROR "${program}: no \"${key}\" string in: ${line}")
            endif()
        endforeach()
        string(JSON type ERROR_VARIABLE error TYPE "${line}" ok)
        if(error OR NOT type STREQUAL "BOOLEAN")
            message(FATAL_ERROR "${program}: no \"ok\" boolean in: ${line}")
        endif()
        math(EXPR count "${count} + 1")
    endforeach()
    if(count LESS minimum)
        message(FATAL_ERROR "${program}: expected at least ${minimum} results, got ${count}:\n${output}")
    endif()
    message(STATUS "${program}: ${count} well-formed results")
endfunction()

# run_smoke(NAME MINIMUM COMMAND...): runs COMMAND and checks it printed MINIMUM well-formed results.
function(run_smoke program minimum)
    execute_process(COMMAND ${ARGN}
                    OUTPUT_VARIABLE output ERROR_VARIABLE errors RESULT_VARIABLE result
                    TIMEOUT 240)
    if(NOT result EQUAL 0)
        message(FATAL_ERROR "${program} failed (${result}):\n${output}\n${errors}")
    endif()
    check_results(${program} "${output}" ${minimum})
endfunction()

# Generous timeouts: the scripts run at full size, which under ASan beside other load took 45 s
# (0.5 s in a quiet release build); a smoke test checks that they run, not how fast.
run_smoke(havel-bench 9 ${HAVEL_BENCH} --smoke)
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
