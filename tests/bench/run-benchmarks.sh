#!/usr/bin/env bash
# The one command for issue 5's benchmarks: builds the benchmark programs (and the havel host
# when the build has it), then runs every workload several times, interleaved, against Node.js
# and the old design, and prints a Markdown table of medians and ratios against Node.
#
#   tests/bench/run-benchmarks.sh [--rounds 5] [--quick] [--out table.md] [--raw runs.jsonl] [--loaded]
#
# Builds in build/default (the default preset) unless HAVEL_BENCH_BUILD_DIR names another
# build directory. Build output goes to stderr, the table to stdout. Needs cmake, ninja, a C++20
# compiler, Qt 6.4 and node (Node.js 20).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${HAVEL_BENCH_BUILD_DIR:-$top/build/default}

command -v node >/dev/null || { echo "run-benchmarks.sh: node (Node.js 20) is needed" >&2; exit 69; }

if [ "$build" = "$top/build/default" ]; then
    (cd "$top" && cmake --preset default >/dev/null)
else
    cmake -S "$top" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$build" --target havel-bench havel-bench-old >&2

# The script-level rows need the havel host; it is built when the project has it.
havel_args=()
# (The list is read whole first: grep -q would stop early, and pipefail would count that.)
targets=$(ninja -C "$build" -t targets all 2>/dev/null || true)
if grep -q '^havel:' <<<"$targets"; then
    cmake --build "$build" --target havel >&2
fi
if [ -x "$build/app/havel" ]; then
    havel_args=(--havel "$build/app/havel")
fi

exec node "$here/run-benchmarks.js" --bench-dir "$build/tests/bench" "${havel_args[@]}" "$@"
