#!/usr/bin/env bash
# Parse-time benchmark of the front end (issue 10: the parser is linear in its input, and a
# signal interrupts a huge parse). For each generated script it runs `havel FILE` several times,
# interleaved across the binaries given, and prints a Markdown table of the median CPU time
# (user + system) of each run: the parse is single-threaded work, and CPU time is what a
# shared, loaded machine leaves comparable (wall time there can be ten times higher).
# Every script ends in a syntax error, so a run is start-up + read + lex + parse, then exit 65:
# nothing is executed. The last rows time SIGINT during the parse of the biggest input, from
# the signal to the process's end.
#
#   tests/bench/parse-bench.sh [--rounds 5] [--cap 30] HAVEL [OTHER_HAVEL ...]
#
# Give an older build's havel as a second binary to compare side by side in one run. A run
# that takes longer than --cap seconds is killed and shown as "≥ cap" (an old quadratic
# parse of 200,000 keys takes minutes).
set -euo pipefail

rounds=5
cap=30
while [ $# -gt 0 ]; do
    case $1 in
        --rounds) rounds=$2; shift 2 ;;
        --cap) cap=$2; shift 2 ;;
        *) break ;;
    esac
done
[ $# -ge 1 ] || { echo "usage: $0 [--rounds N] [--cap SECONDS] HAVEL [OTHER_HAVEL ...]" >&2; exit 64; }
binaries=("$@")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# name, then an awk program printing the script for n = $n.
generate() {
    local name=$1 n=$2 program=$3
    awk -v n="$n" "BEGIN { $program; print \"\\n)\" }" > "$work/$name.hv"
}
cases=()
add_case() {
    cases+=("$1")
    generate "$@"
}
for n in 20000 80000 200000; do
    add_case "object-$n-keys" $n 'printf "o = {"; for (i = 0; i < n; i++) printf "k%d: %d, ", i, i; print "}"'
done
for n in 4000 40000; do
    add_case "fn-$n-params" $n 'printf "fn f("; for (i = 0; i < n; i++) printf "%sp%d", (i ? ", " : ""), i; print ") { }"'
done
add_case "else-if-10000" 10000 'printf "x = 1\nif x == 0 { }"; for (i = 1; i <= n; i++) printf " else if x == %d { }", i; print ""'
add_case "array-200000" 200000 'printf "a = ["; for (i = 0; i < n; i++) printf "%d, ", i; print "]"'
add_case "interpolation-50000" 50000 'for (i = 0; i < n; i++) printf "s = \"v ${a + %d} $a\"\n", i'

now_ns() { date +%s%N; }

# One run: prints the CPU ms (user + system) of `havel FILE`, or "Nc" (N: the cap in ms) when
# it was killed at the cap, which is wall time: a killed run's CPU time is not reported.
time_run() {
    local code=0
    /usr/bin/time -f "%U %S" -o "$work/time.txt" timeout -s KILL "$cap" "$1" "$2" >/dev/null 2>&1 || code=$?
    local ms
    ms=$(awk 'END { printf "%d", ($1 + $2) * 1000 }' "$work/time.txt")
    if [ "$code" = 137 ] || grep -q "signal 9" "$work/time.txt"; then
        echo "$((cap * 1000))c"
    else
        echo "$ms"
    fi
}

# One run: SIGINT once havel logs that it is parsing (a build without that log line gets it
# after 2 s, well inside its parse of this input); prints "ms-after-signal exit-code".
time_interrupt() {
    local log="$work/interrupt.log" pid start end code
    : > "$log"
    QT_LOGGING_RULES=havel.script.debug=true "$1" "$2" >/dev/null 2>"$log" &
    pid=$!
    local fallback=$(( $(now_ns) + 2000000000 ))
    until grep -q 'runScript: parsing ' "$log" 2>/dev/null || [ "$(now_ns)" -gt "$fallback" ]; do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.001
    done
    start=$(now_ns)
    kill -INT "$pid" 2>/dev/null || true
    local deadline=$(( start + cap * 1000000000 ))
    while kill -0 "$pid" 2>/dev/null && [ "$(now_ns)" -lt "$deadline" ]; do
        sleep 0.005
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        echo "$((cap * 1000))c killed"
        return
    fi
    code=0
    wait "$pid" || code=$?
    end=$(now_ns)
    echo "$(( (end - start) / 1000000 )) $code"
}

# The median of the samples on stdin; "≥ cap" when it is a capped one ("NNNc").
median() {
    sort -n | awk '{ v[NR] = $1 } END {
        m = (NR % 2) ? v[(NR + 1) / 2] : v[NR / 2]
        if (m ~ /c$/) { sub(/c$/, "", m); print "killed at " m " ms wall" } else if (NR % 2) print m
        else { n = v[NR / 2 + 1]; if (n ~ /c$/) print m; else print (m + n) / 2 }
    }'
}

declare -A samples
for ((round = 0; round < rounds; round++)); do
    for c in "${cases[@]}"; do
        # Rotate the binaries' order each round, so neither always runs on a warmer machine.
        for ((b = 0; b < ${#binaries[@]}; b++)); do
            idx=$(( (b + round) % ${#binaries[@]} ))
            samples["$c,$idx"]+="$(time_run "${binaries[$idx]}" "$work/$c.hv") "
        done
    done
    for ((idx = 0; idx < ${#binaries[@]}; idx++)); do
        read -r ms code < <(time_interrupt "${binaries[$idx]}" "$work/object-200000-keys.hv")
        samples["sigint,$idx"]+="$ms "
        samples["sigint-code,$idx"]+="$code "
    done
done

header="| Script (ends in a syntax error): CPU ms | size |"
rule="|---|---:|"
for ((idx = 0; idx < ${#binaries[@]}; idx++)); do
    header+=" ${binaries[$idx]} |"
    rule+="---:|"
done
echo "Rounds: $rounds, interleaved. $(nproc) CPUs, load average $(cut -d' ' -f1 /proc/loadavg) at the end."
echo
echo "$header"
echo "$rule"
for c in "${cases[@]}"; do
    row="| $c | $(du -k "$work/$c.hv" | cut -f1) KB |"
    for ((idx = 0; idx < ${#binaries[@]}; idx++)); do
        row+=" $(tr ' ' '\n' <<<"${samples["$c,$idx"]}" | grep . | median) |"
    done
    echo "$row"
done
row="| SIGINT during the parse of object-200000-keys: wall ms from signal to exit |  |"
codes="| … exit codes of the runs |  |"
for ((idx = 0; idx < ${#binaries[@]}; idx++)); do
    row+=" $(tr ' ' '\n' <<<"${samples["sigint,$idx"]}" | grep . | median) |"
    codes+=" ${samples["sigint-code,$idx"]}|"
done
echo "$row"
echo "$codes"
