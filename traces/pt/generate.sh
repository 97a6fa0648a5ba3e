#!/usr/bin/env bash
# Re-makes the simulated Intel PT traces in traces/pt/ with `textpoke simulate` (a seeded random
# kernel program on simulated CPUs, traced by the PT model, written as `perf record -e intel_pt//k
# --kcore -a` writes), then their sha256 in SHA256SUMS. The same command always writes the same bytes.
#   traces/pt/generate.sh            the small traces committed here
#   traces/pt/generate.sh big DIR    a benchmark trace of about 100 MB of PT in DIR (not committed)
#   traces/pt/generate.sh big-mtc DIR   another: twice the functions, MTC without CYC, fewer flips
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
sim() {
  out="$1"; shift
  rm -rf "$out"
  "$root/textpoke" simulate -o "$out" "$@"
}
if [ "${1:-}" = big ]; then
  dir="${2:?usage: traces/pt/generate.sh big DIR}"
  # The traces are held in memory until written: about 600 MB at the peak.
  export TEXTPOKE_JAVA_OPTS="${TEXTPOKE_JAVA_OPTS:--Xmx1g}"
  sim "$dir" --seed 100 --cpus 2 --functions 200 --jump-labels 16 --ftrace 40 --kprobes 8 --flips 150 --duration 800000000 --interrupts 7000 --cyc
  exit 0
fi
if [ "${1:-}" = big-mtc ]; then
  dir="${2:?usage: traces/pt/generate.sh big-mtc DIR}"
  export TEXTPOKE_JAVA_OPTS="${TEXTPOKE_JAVA_OPTS:--Xmx1g}"
  sim "$dir" --seed 101 --cpus 2 --functions 400 --jump-labels 32 --ftrace 60 --kprobes 16 --flips 40 --duration 700000000 --interrupts 3000
  exit 0
fi
cd traces/pt
sim kernel.data --seed 1 --flips 0 --jump-labels 0 --ftrace 0 --kprobes 0 --duration 100000
sim pokes.data --seed 2 --duration 200000
sim coarse-pokes.data --seed 3 --mtc-period 9 --sync-ticks 500 --duration 200000
sim user.data --seed 4 --cpus 3 --user-cpus 2 --trace ku --flips 0 --duration 100000
sim cyc.data --seed 5 --cyc --mtc-period 0 --noretcomp --flips 0 --duration 100000
find ./*.data -type f | sort | xargs sha256sum > SHA256SUMS
