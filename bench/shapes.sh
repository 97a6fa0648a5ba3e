#!/usr/bin/env bash
# Records the perf.data shapes that docs/benchmarks.md measures the sample pass on (a benchmark
# input, not a test fixture: the files are large and stay in bench/out/, which git ignores).
#
#   bench/shapes.sh [NAME...]   NAME: ag dwarf dwarf-big tracepoints tracepoints-big big (default: all)
#
#   ag               perf record -a -g -F 10000, 24 s, while traces/record/workload.c spins on every
#                    CPU: a system-wide frame-pointer recording of about 100 MB
#   dwarf            perf record --call-graph dwarf -F 4000 -m 1024 -- workload, 15 s: perf's default
#                    user stacks of 8 KB, as a user types it; about 500 MB
#   dwarf-big        the same of two workload processes (both CPUs) for 60 s: about 3.8 GB
#   tracepoints      perf record -a -e 'sched:*' -e 'irq:*' -e 'timer:*' -e 'raw_syscalls:*', 10 s
#   tracepoints-big  the same while dd copies 3 million single bytes (two system calls each): about
#                    1.5 GB, mostly raw_syscalls
#   big              perf record -a -g -F 50000, 35 s, as bench/perf-reader.sh records its file (and
#                    to the same file, bench/out/perf-reader.data): about 530 MB
#
# The dwarf recordings keep the workload (bench/out/bin/workload) and perf's build-id cache
# (bench/out/home/.debug, with the vDSO) so that both tools unwind the stacks as a user's would.
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
home="$work/home" # no build-id cache for these recordings: the passes measured do no symbol work
mkdir -p "$home" "$out/bin" "$out/home"
# the dwarf recordings' program stays, as a user's does: both tools unwind through it
gcc -O2 -fno-omit-frame-pointer -o "$out/bin/workload" "$root/traces/record/workload.c"

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
  HOME="$out/home" perf record -q --call-graph dwarf -F 4000 -m 1024 -o "$out/dwarf.data" -- "$out/bin/workload" -n 15000 >/dev/null
}

record_dwarf-big() {
  HOME="$out/home" perf record -q --call-graph dwarf -F 4000 -m 1024 -o "$out/dwarf-big.data" -- \
    sh -c "'$out/bin/workload' -n 60000 & '$out/bin/workload' -n 60000 & wait" >/dev/null
}

record_tracepoints() {
  spin 10
  HOME="$home" perf record -q -a -e 'sched:*' -e 'irq:*' -e 'timer:*' -e 'raw_syscalls:*' \
    -o "$out/tracepoints.data" -- sleep 10 >/dev/null
  kill $(jobs -p) 2>/dev/null || true
  wait 2>/dev/null || true
}

record_tracepoints-big() {
  spin 10
  HOME="$home" perf record -q -a -e 'sched:*' -e 'irq:*' -e 'timer:*' -e 'raw_syscalls:*' \
    -o "$out/tracepoints-big.data" -- dd if=/dev/zero of=/dev/null bs=1 count=3000000 >/dev/null 2>&1
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
[ ${#names[@]} -eq 0 ] && names=(ag dwarf dwarf-big tracepoints tracepoints-big big)
for n in "${names[@]}"; do
  echo "recording $n ..." >&2
  "record_$n"
done
ls -l "$out"/*.data >&2
