# bench_smoke: runs every benchmark program once at tiny sizes and checks that each printed
# well-formed JSON results that all say "ok". It measures nothing; it keeps the benchmarks
# building and running in CI. Invoked by CTest with -DHAVEL_BENCH=... -DHAVEL_BENCH_OLD=...
# -DNODE_PEER=...; the Node.js peer is skipped when node is not installed.

function(check_results program output)
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
    if(count LESS 8)
        message(FATAL_ERROR "${program}: expected at least 8 results, got ${count}:\n${output}")
    endif()
    message(STATUS "${program}: ${count} results ok")
endfunction()

function(run_smoke program)
    execute_process(COMMAND ${ARGN} --smoke
                    OUTPUT_VARIABLE output ERROR_VARIABLE errors RESULT_VARIABLE result
                    TIMEOUT 30)
    if(NOT result EQUAL 0)
        message(FATAL_ERROR "${program} failed (${result}):\n${output}\n${errors}")
    endif()
    check_results(${program} "${output}")
endfunction()

run_smoke(havel-bench ${HAVEL_BENCH})
run_smoke(havel-bench-old ${HAVEL_BENCH_OLD})
find_program(NODE_EXECUTABLE node)
if(NODE_EXECUTABLE)
    run_smoke(node-peer ${NODE_EXECUTABLE} --expose-gc ${NODE_PEER})
else()
    message(STATUS "node-peer: skipped, node is not installed")
endif()
