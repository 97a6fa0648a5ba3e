#!/usr/bin/env bash
# Records the perf.data shapes that docs/benchmarks.md measures the sample pass on (a benchmark
# input, not a test fixture: the files are large and stay in bench/out/, which git ignores).
#
#   bench/shapes.sh [NAME...]      NAME: ag dwarf tracepoints big (default: all four)
#
#   ag           perf record -a -g -F 10000, 24 s, while traces/record/workload.c spins on every
#                CPU: a system-wide frame-pointer recording of about 100 MB
#   dwarf        perf record --call-graph dwarf -F 4000 -m 1024 -- workload, 15 s: perf's default user
#                stacks of 8 KB, as a user types it; about 300 MB
#   tracepoints  perf record -a -e 'sched:*' -e 'irq:*' -e 'timer:*' -e 'raw_syscalls:*', 10 s
#   big          perf record -a -g -F 50000, 35 s, as bench/perf-reader.sh records its file (and to
#                the same file, bench/out/perf-reader.data): about 530 MB
#
# Needs root (system-wide recording, tracepoints), gcc and perf. Recording time depends on the
# load; the sizes vary by a few tens of percent from run to run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/bench/out"
mkdir -p "$out"
export PERF_CONFIG=/dev/null LC_ALL=C
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
gcc -O2 -fno-omit-frame-pointer -o "$work/workload" "$root/traces/record/workload.c"
home="$work/home" # no build-id cache for the recordings: the passes measured do no symbol work
mkdir -p "$home"

spin() { # spin on every CPU for $1 seconds
  for _ in $(seq "$(nproc)"); do "$work/workload" -n $(($1 * 1000 + 5000)) & done
}

record_ag() {
  spin 24
  HOME="$home" perf record -q -a -g -F 10000 -o "$out/ag.data" -- sleep 24 >/dev/null
  kill $(jobs -p) 2>/dev/null || true
  wait 2>/dev/null || true
}

record_dwarf() {
  HOME="$home" perf record -q --call-graph dwarf -F 4000 -m 1024 -o "$out/dwarf.data" -- "$work/workload" -n 15000 >/dev/null
}

record_tracepoints() {
  spin 10
  HOME="$home" perf record -q -a -e 'sched:*' -e 'irq:*' -e 'timer:*' -e 'raw_syscalls:*' \
    -o "$out/tracepoints.data" -- sleep 10 >/dev/null
  kill $(jobs -p) 2>/dev/null || true
  wait 2>/dev/null || true
}

record_big() { # as bench/perf-reader.sh records it, to the same file
  spin 35
  HOME="$home" perf record -q -a -g -F 50000 -o "$out/perf-reader.data" -- sleep 35 >/dev/null
  kill $(jobs -p) 2>/dev/null || true
  wait 2>/dev/null || true
}

names=("$@")
[ ${#names[@]} -eq 0 ] && names=(ag dwarf tracepoints big)
for n in "${names[@]}"; do
  echo "recording $n ..." >&2
  "record_$n"
done
ls -l "$out"/*.data >&2
