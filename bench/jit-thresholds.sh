#!/usr/bin/env bash
# Benchmark (not a test): the launcher's C2 thresholds (Tier4*Threshold ten times the JVM's
# defaults, see ./textpoke) against the JVM's defaults, on the commands the other benchmarks time.
#
#   bench/jit-thresholds.sh [--reps N]      (default 5 repetitions, interleaved; medians)
#
# Both variants run ./textpoke as shipped; "defaults" passes the JVM's own thresholds back through
# TEXTPOKE_JAVA_OPTS (which come after the launcher's options). Inputs: the shapes of
# bench/shapes.sh in bench/out/ (ag, big, dwarf, tracepoints) and a generated Intel PT trace of
# about 100 MB (bench/out/decode.data, written with traces/pt/generate.sh big the first time, as
# bench/decode.sh does). stdout to /dev/null, under /usr/bin/time. Prints a Markdown table (wall
# and user+sys seconds of each, and the ratio of the walls) and writes it to bench/out/jit-thresholds.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/bench/out"
reps=5
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) reps="$2"; shift 2 ;;
    *) echo "usage: bench/jit-thresholds.sh [--reps N]" >&2; exit 2 ;;
  esac
done
export PERF_CONFIG=/dev/null LC_ALL=C
for f in ag.data perf-reader.data dwarf.data tracepoints.data; do
  [ -f "$out/$f" ] || { echo "bench: $out/$f is missing: record it with bench/shapes.sh" >&2; exit 1; }
done
"$root/textpoke" --version >/dev/null # build before anything is timed
if [ ! -e "$out/decode.data" ]; then
  echo "bench: writing bench/out/decode.data (traces/pt/generate.sh big)" >&2
  "$root/traces/pt/generate.sh" big "$out/decode.data" >&2
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/home"
defaults="-XX:Tier4InvocationThreshold=5000 -XX:Tier4MinInvocationThreshold=600 -XX:Tier4CompileThreshold=15000"
defaults="$defaults -XX:Tier4BackEdgeThreshold=40000"

# Each: HOME for the run (the dwarf shape unwinds with its build-id cache), then the arguments.
cmds=(
  "$work/home|info traces/recorded/cpu-clock.data"
  "$work/home|samples -F comm,tid,time,period,ip bench/out/ag.data"
  "$work/home|samples bench/out/ag.data"
  "$work/home|dump bench/out/ag.data"
  "$work/home|samples -F comm,tid,time,period,ip bench/out/perf-reader.data"
  "$out/home|samples bench/out/dwarf.data"
  "$work/home|samples -F comm,tid,cpu,time,event,trace bench/out/tracepoints.data"
  "$work/home|decode --summary bench/out/decode.data"
  "$work/home|decode --insns bench/out/decode.data"
)

median() { # median of column $2 of file $1
  sort -n -k"$2" "$1" | awk -v c="$2" '{v[NR] = $c} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

cd "$root"
for rep in $(seq "$reps"); do
  echo "repetition $rep of $reps" >&2
  for i in "${!cmds[@]}"; do
    IFS='|' read -r home args <<<"${cmds[$i]}"
    for v in defaults launcher; do
      opts=""
      [ "$v" = defaults ] && opts="$defaults"
      # shellcheck disable=SC2086 # the arguments are words
      HOME="$home" TEXTPOKE_JAVA_OPTS="$opts" /usr/bin/time -o "$work/t" -f "%e %U %S" ./textpoke $args \
        >/dev/null 2>"$work/err" || { echo "bench: failed: ./textpoke $args" >&2; cat "$work/err" >&2; exit 1; }
      awk '{printf "%s %.2f\n", $1, $2 + $3}' "$work/t" >>"$work/$v-$i"
    done
  done
done
{
  echo "Run of $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$root" rev-parse --short HEAD), load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); $reps repetitions, medians."
  echo
  echo "| command | JVM defaults wall s | user+sys s | launcher's thresholds wall s | user+sys s | defaults / launcher (wall) |"
  echo "|---|---:|---:|---:|---:|---:|"
  for i in "${!cmds[@]}"; do
    IFS='|' read -r home args <<<"${cmds[$i]}"
    dw=$(median "$work/defaults-$i" 1); dc=$(median "$work/defaults-$i" 2)
    lw=$(median "$work/launcher-$i" 1); lc=$(median "$work/launcher-$i" 2)
    awk -v a="$args" -v dw="$dw" -v dc="$dc" -v lw="$lw" -v lc="$lc" \
      'BEGIN {printf "| `textpoke %s` | %.2f | %.2f | %.2f | %.2f | **%.2f** |\n", a, dw, dc, lw, lc, dw / lw}'
  done
} | tee "$out/jit-thresholds.md"
