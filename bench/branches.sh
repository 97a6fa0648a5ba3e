#!/usr/bin/env bash
# Benchmark (not a test): branch stacks walked with the code of their time, textpoke against perf
# on the same large LBR recording, in the same run.
#
#   bench/branches.sh [--file PERF_DATA_DIR] [--samples N] [--reps R]
#
# Without --file it writes bench/out/branches.data first: a random kernel of 200 functions run by
# textpoke's simulator on 2 CPUs with timer interrupts, its jump labels, ftrace sites and kprobes
# patched through the x86 INT3 protocol, sampled by the simulated PMU every 16 kernel branches with
# 16 entries (N samples, default 1,000,000), written by the LBR trace writer as
# `perf record --kcore -a -e BR_INST_RETIRED.NEAR_TAKEN:k -b` leaves it: data with the TEXT_POKE
# records, and the kcore copy (SimLbrBenchmarkTrace, decoder test sources). Then, R times (default
# 3), interleaved so that machine noise hits all alike, each pinned to one core (taskset -c 0: the
# JVM's GC and JIT threads share it), stdout to /dev/null, under /usr/bin/time -v:
#   textpoke branches --insns FILE                 (our listing: disassembly, range notes)
#   textpoke profile --format brstackinsn FILE     (perf's text, ranges read at their time)
#   textpoke profile --format autofdo FILE
#   perf script -F brstackinsn -i FILE
# It prints a Markdown table of the medians (wall, ratio to perf, user+sys CPU, peak RSS) and
# writes it with the raw timings to bench/out/branches.md.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/bench/out"
file=""
samples=1000000
reps=3
while [ $# -gt 0 ]; do
  case "$1" in
    --file) file="$2"; shift 2 ;;
    --samples) samples="$2"; shift 2 ;;
    --reps) reps="$2"; shift 2 ;;
    *) echo "usage: bench/branches.sh [--file PERF_DATA_DIR] [--samples N] [--reps R]" >&2; exit 2 ;;
  esac
done

export PERF_CONFIG=/dev/null LC_ALL=C
mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
perf_home="$work/home"
mkdir -p "$perf_home"

# Build textpoke (and the generator) before anything is timed.
(cd "$root" && mvn -q -B -pl decoder -am -DskipTests package >&2)
jar="$root/decoder/target/textpoke.jar"

if [ -z "$file" ]; then
  file="$out/branches.data"
  rm -rf "$file"
  echo "writing $file ($samples samples) ..." >&2
  java -Dtextpoke.root="$root" -cp "$jar:$root/decoder/target/test-classes:$root/perf-reader/target/test-classes" \
    dev.textpoke.branches.SimLbrBenchmarkTrace "$file" "$samples"
fi
bytes=$(du -sb "$file" | cut -f1)
cat "$file"/data "$file"/kcore_dir/* >/dev/null # page cache warm for every tool alike
summary=$(java -jar "$jar" branches --summary "$file")

tools=(textpoke-insns textpoke-brstackinsn textpoke-autofdo perf-brstackinsn)
command_of() {
  case "$1" in
    textpoke-insns) cmd=(java ${TEXTPOKE_JAVA_OPTS:-} -jar "$jar" branches --insns "$file") ;;
    textpoke-brstackinsn) cmd=(java ${TEXTPOKE_JAVA_OPTS:-} -jar "$jar" profile --format brstackinsn "$file") ;;
    textpoke-autofdo) cmd=(java ${TEXTPOKE_JAVA_OPTS:-} -jar "$jar" profile --format autofdo "$file") ;;
    perf-brstackinsn) cmd=(env HOME="$perf_home" perf script -F brstackinsn -i "$file") ;;
  esac
}

raw="$work/raw.tsv" # tool, wall s, user+sys s, max RSS KB, exit status
for rep in $(seq "$reps"); do
  for tool in "${tools[@]}"; do
    t="$work/time.txt"
    set +e
    command_of "$tool"
    taskset -c 0 /usr/bin/time -v -o "$t" "${cmd[@]}" >/dev/null 2>"$work/stderr.txt"
    status=$?
    set -e
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$t")
    cpu=$(awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { print u + s }' "$t")
    rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$t")
    printf '%s\t%s\t%s\t%s\t%s\n' "$tool" "$wall" "$cpu" "$rss" "$status" >> "$raw"
    echo "rep $rep $tool: ${wall}s wall, ${cpu}s cpu, ${rss} KB, exit $status" >&2
    if [ "$status" -ne 0 ]; then
      echo "bench: $tool failed:" >&2
      tail -5 "$work/stderr.txt" >&2
    fi
  done
done

median() { sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
col() { awk -F'\t' -v t="$1" -v c="$2" '$1 == t { print $c }' "$raw" | median; }

perf_wall=$(col perf-brstackinsn 2)
report="$out/branches.md"
{
  echo "File: \`$file\`, $bytes bytes; $reps repetitions, medians; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  echo '```'
  echo "$summary"
  echo '```'
  echo
  echo "| tool | wall s | wall / perf | user+sys s | peak RSS MB |"
  echo "|---|---:|---:|---:|---:|"
  for tool in "${tools[@]}"; do
    wall=$(col "$tool" 2); cpu=$(col "$tool" 3); rss=$(col "$tool" 4)
    awk -v t="$tool" -v w="$wall" -v c="$cpu" -v r="$rss" -v p="$perf_wall" \
      'BEGIN { printf "| %s | %.2f | %.2f | %.2f | %.0f |\n", t, w, w / p, c, r / 1024 }'
  done
  echo
  echo "Raw timings (tool, wall s, user+sys s, max RSS KB, exit status):"
  echo
  echo '```'
  cat "$raw"
  echo '```'
} > "$report"
cat "$report"
