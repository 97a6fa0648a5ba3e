#!/usr/bin/env bash
# Benchmark (not a test): a full sample-decoding pass of textpoke against perf on the same large
# perf.data, in the same run.
#
#   bench/perf-reader.sh [--file PERF_DATA] [--seconds S] [--reps N]
#
# Without --file it records bench/out/perf-reader.data first: `perf record -a -g -F 50000` while
# a CPU-bound workload (traces/record/workload.c) runs on every CPU, for S seconds (default 40,
# which gave 530-800 MB here under varying load; it stops with an error if the file is under 500 MB).
# Then, N times (default 3), interleaved so that machine noise hits all alike:
#   textpoke samples -F time,tid,cpu,ip,period FILE     (the JVM's default heap sizing)
#   the same with -Xmx256m                               (the heap capped: what RSS the reader needs)
#   perf script      -F time,tid,cpu,ip,period -i FILE
#   perf report -D   -i FILE
# each with stdout to /dev/null and under /usr/bin/time -v. It prints a Markdown table of the
# medians (wall time, MB/s, ratio to textpoke, user+sys CPU, peak RSS) and writes it with the raw
# timings to bench/out/perf-reader.md.
# TEXTPOKE_JAVA_OPTS is passed on (e.g. to profile: -XX:StartFlightRecording=filename=x.jfr).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/bench/out"
file=""
seconds=40
reps=3
while [ $# -gt 0 ]; do
  case "$1" in
    --file) file="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --reps) reps="$2"; shift 2 ;;
    *) echo "usage: bench/perf-reader.sh [--file PERF_DATA] [--seconds S] [--reps N]" >&2; exit 2 ;;
  esac
done

export PERF_CONFIG=/dev/null LC_ALL=C
mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
perf_home="$work/home" # no build-id cache: perf does no symbol work it would not do elsewhere
mkdir -p "$perf_home"

# Build textpoke before anything is timed.
"$root/textpoke" --version >/dev/null

if [ -z "$file" ]; then
  file="$out/perf-reader.data"
  gcc -O2 -fno-omit-frame-pointer -o "$work/workload" "$root/traces/record/workload.c"
  echo "recording $file for $seconds s ..." >&2
  pids=()
  for _ in $(seq "$(nproc)"); do
    "$work/workload" -n $((seconds * 1000 + 5000)) & pids+=($!)
  done
  HOME="$perf_home" perf record -q -a -g -F 50000 -o "$file" -- sleep "$seconds" >/dev/null
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
fi
bytes=$(stat -c %s "$file")
if [ "$bytes" -lt $((500 * 1000 * 1000)) ]; then
  echo "bench: $file is $bytes bytes, less than 500 MB; record longer with --seconds" >&2
  exit 1
fi
mb=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }')
cat "$file" >/dev/null # page cache warm for every tool alike

fields=time,tid,cpu,ip,period
tools=(textpoke textpoke-256m perf-script perf-report-D)
# textpoke runs as the launcher would run it, without the launcher's dependency and staleness
# checks (done above), so that only the JVM and the reader are timed.
command_of() {
  case "$1" in
    textpoke) cmd=(java ${TEXTPOKE_JAVA_OPTS:-} -jar "$root/decoder/target/textpoke.jar" samples -F "$fields" "$file") ;;
    textpoke-256m) cmd=(java -Xmx256m ${TEXTPOKE_JAVA_OPTS:-} -jar "$root/decoder/target/textpoke.jar" samples -F "$fields" "$file") ;;
    perf-script) cmd=(env HOME="$perf_home" perf script -F "$fields" -i "$file") ;;
    perf-report-D) cmd=(env HOME="$perf_home" perf report -D -i "$file") ;;
  esac
}

raw="$work/raw.tsv" # tool, wall s, user+sys s, max RSS KB, exit status
for rep in $(seq "$reps"); do
  for tool in "${tools[@]}"; do
    t="$work/time.txt"
    set +e
    command_of "$tool"
    /usr/bin/time -v -o "$t" "${cmd[@]}" >/dev/null 2>"$work/stderr.txt"
    status=$?
    set -e
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$t")
    cpu=$(awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { print u + s }' "$t")
    rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$t")
    printf '%s\t%s\t%s\t%s\t%s\n' "$tool" "$wall" "$cpu" "$rss" "$status" >> "$raw"
    echo "rep $rep $tool: ${wall}s wall, ${cpu}s cpu, ${rss} KB, exit $status" >&2
    if [ "$status" -ne 0 ]; then
      echo "bench: $tool failed:" >&2
      grep -v '^\s' "$work/stderr.txt" | tail -5 >&2
    fi
  done
done

median() { sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
col() { awk -F'\t' -v t="$1" -v c="$2" '$1 == t { print $c }' "$raw" | median; }

tp_wall=$(col textpoke 2)
report="$out/perf-reader.md"
{
  echo "File: \`$file\`, $bytes bytes ($mb MB); $reps repetitions, medians."
  echo
  echo "| tool | wall s | MB/s | wall / textpoke | user+sys s | peak RSS MB |"
  echo "|---|---:|---:|---:|---:|---:|"
  for tool in "${tools[@]}"; do
    wall=$(col "$tool" 2); cpu=$(col "$tool" 3); rss=$(col "$tool" 4)
    awk -v t="$tool" -v w="$wall" -v c="$cpu" -v r="$rss" -v mb="$mb" -v tp="$tp_wall" \
      'BEGIN { printf "| %s | %.2f | %.0f | %.2f | %.2f | %.0f |\n", t, w, mb / w, w / tp, c, r / 1024 }'
  done
  echo
  echo "Raw timings (tool, wall s, user+sys s, max RSS KB, exit status):"
  echo
  echo '```'
  cat "$raw"
  echo '```'
} > "$report"
cat "$report"
