#!/usr/bin/env bash
# The inspector's idle cost (issue 14): CPU of the GUI process in a real X window (Xvfb),
# measured from /proc/PID/stat over a window of SECONDS after the window has settled.
#
#   tests/bench/inspector-idle-cpu.sh [BUILD_DIR] [SECONDS]
#
# Cases: the in-process inspector on 10,000 idle timers made on one line (one group row), on
# 10,000 made on 10,000 lines (10,000 rows: a generated script), and on none (the finished
# run's window), and havel-inspector --attach on 10,000 idle timers published by havel --inspect.
# Prints one line per case: "<case>: <cpu>% of a core over <s> s".
set -euo pipefail
build=${1:-build/default}
seconds=${2:-20}
here=$(cd "$(dirname "$0")" && pwd)
havel="$build/app/havel"
inspector="$build/app/havel-inspector"
hz=$(getconf CLK_TCK)

# Whatever this script started goes when it ends, however it ends.
started=()
cleanup() { ((${#started[@]})) && kill "${started[@]}" 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# cpu PID: % of one core the process used over $seconds, after 3 s to settle.
cpu() {
    local pid=$1
    sleep 3
    local t0 s0 t1 s1
    t0=$(ticks "$pid"); s0=$(date +%s.%N)
    sleep "$seconds"
    t1=$(ticks "$pid"); s1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" -v s="$s0" -v e="$s1" -v hz="$hz" \
        'BEGIN { printf "%.2f", 100 * (b - a) / hz / (e - s) }'
}

# The newest process whose command line contains $1 (havel execs havel-inspector with its own
# argv, so the command line still starts with "havel").
newest() {
    local p
    for p in $(pgrep -x havel-inspector | sort -rn); do
        tr '\0' ' ' < "/proc/$p/cmdline" | grep -qF -- "$1" && { echo "$p"; return 0; }
    done
    return 1
}

measure_inprocess() { # NAME SCRIPT
    local name=$1 script=$2
    xvfb-run -a "$havel" --inspector "$script" > /dev/null 2>&1 &
    local runner=$!
    started+=("$runner")
    local pid=""
    for _ in $(seq 50); do pid=$(newest "--inspector $script" || true); [ -n "$pid" ] && break; sleep 0.2; done
    [ -n "$pid" ] || { echo "$name: the window did not start" >&2; return 1; }
    echo "$name: $(cpu "$pid")% of a core over $seconds s"
    kill "$pid"; wait "$runner" 2>/dev/null || true # xvfb-run then ends its Xvfb
}

measure_attached() { # NAME SCRIPT
    local name=$1 script=$2
    "$havel" --inspect=idle-bench "$script" > /dev/null 2>&1 &
    local published=$!
    started+=("$published")
    sleep 2
    xvfb-run -a "$inspector" --attach "$published" > /dev/null 2>&1 &
    local runner=$!
    started+=("$runner")
    local pid=""
    for _ in $(seq 50); do pid=$(newest "--attach $published" || true); [ -n "$pid" ] && break; sleep 0.2; done
    [ -n "$pid" ] || { echo "$name: the window did not start" >&2; return 1; }
    echo "$name: $(cpu "$pid")% of a core over $seconds s"
    kill "$pid" "$published"; wait "$runner" "$published" 2>/dev/null || true
}

measure_inprocess "in-process, 10,000 idle timers" "$here/scripts/inspector-idle-10k.hv"
# Timers are grouped by label (file:line): 10,000 lines give 10,000 rows.
lines=$(mktemp -d)
started_dirs=("$lines")
trap 'cleanup; rm -rf "${started_dirs[@]}"' EXIT
for i in $(seq 10000); do echo 'interval 3600000 { }'; done > "$lines/inspector-idle-10k-lines.hv"
measure_inprocess "in-process, 10,000 idle timers on 10,000 lines" "$lines/inspector-idle-10k-lines.hv"
measure_inprocess "in-process, no timers" "$here/scripts/inspector-empty.hv"
measure_attached "attached, 10,000 idle timers" "$here/scripts/inspector-idle-10k.hv"
