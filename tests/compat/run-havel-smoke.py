#!/usr/bin/env python3
"""Runs Havel's own conformance suite (scripts/smoke/*.hv of a Havel checkout) with our `havel`.

Havel's smoke scripts check themselves: a wrong result prints a line starting with `FAIL` and
calls process.exit(255). A script passes here when `havel --exit-when-done SCRIPT` exits 0 and
prints no FAIL line, within the time limit. The scripts are run where they are, from the checkout
given on the command line: none of them is ever copied into this repository.

    python3 tests/compat/run-havel-smoke.py /path/to/Havel [--havel build/default/app/havel]

Prints one line per failing script (its exit code and the first line of its output), then the
tally as `N passed, N failed`. Exits 0 when the pass rate reaches --min-rate (default 0: report
only), 1 otherwise, 2 on a usage error.
"""
import argparse
import concurrent.futures
import os
import pathlib
import subprocess
import sys


def run_one(havel, script, timeout):
    try:
        proc = subprocess.run([havel, "--exit-when-done", script.name], cwd=script.parent,
                              stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return script.name, False, "timeout", f"no exit within {timeout} s"
    out = (proc.stdout + proc.stderr).decode("utf-8", "replace")
    failed_line = next((l for l in out.splitlines() if l.startswith("FAIL")), None)
    ok = proc.returncode == 0 and failed_line is None
    first = failed_line or next((l for l in out.splitlines() if l.strip()), "")
    return script.name, ok, proc.returncode, first[:160]


def main():
    here = pathlib.Path(__file__).resolve().parent
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("checkout", type=pathlib.Path, help="a Havel checkout (holds scripts/smoke/)")
    parser.add_argument("--havel", type=pathlib.Path, default=here.parents[1] / "build/default/app/havel",
                        help="the havel binary (default: the default preset's build)")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per script (default 10)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--min-rate", type=float, default=0.0,
                        help="fail unless at least this fraction passes (e.g. 0.9)")
    args = parser.parse_args()

    smoke = args.checkout / "scripts" / "smoke"
    scripts = sorted(smoke.glob("*.hv"))
    if not scripts:
        print(f"run-havel-smoke: no scripts/smoke/*.hv under {args.checkout}", file=sys.stderr)
        return 2
    if not os.access(args.havel, os.X_OK):
        print(f"run-havel-smoke: {args.havel} is not an executable havel (build it, or pass --havel)",
              file=sys.stderr)
        return 2

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(lambda s: run_one(str(args.havel.resolve()), s, args.timeout), scripts))

    failed = [r for r in results if not r[1]]
    for name, _, code, first in failed:
        print(f"FAILED {name} (exit {code}): {first}")
    passed = len(results) - len(failed)
    print(f"{passed} passed, {len(failed)} failed")
    return 0 if passed >= args.min_rate * len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
