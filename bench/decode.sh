#!/usr/bin/env bash
# Benchmark (not a test): Intel PT decoding with code modifications, textpoke against perf 6.1 and
# libipt 2.0.5 on the same large trace, in the same run.
#
#   bench/decode.sh [--file PERF_DATA_DIR] [--reps R] [--skip-perf]
#
# Without --file it writes bench/out/decode.data first with `traces/pt/generate.sh big`: a random
# kernel of 200 functions on 2 simulated CPUs with timer interrupts, its jump labels, ftrace sites
# and kprobes flipped 150 times through the x86 INT3 protocol (TEXT_POKE records), traced with
# TSC, MTC and CYC: about 110 MB of PT. PtStreamExport (decoder test sources) writes each CPU's
# stream and the kcore copy's text as raw files for the libipt harness (a static image: libipt
# cannot replay pokes, so it meets the modified sites as they were at the start).
#
# Then, R times (default 3), interleaved so that machine noise hits all alike, stdout to /dev/null,
# under /usr/bin/time -v; "1 core" runs are pinned with taskset -c 0 (the JVM's GC and JIT threads
# share that core), "2 cores" runs are not pinned:
#   (a) textpoke decode --insns FILE      vs  perf script --itrace=i0ns -F ip,sym,symoff,insn
#       (perf decodes all queues on one thread: it runs on one core only)
#   (b) textpoke decode --summary FILE    vs  ptharness insn-count (pt_insn_next loop) and
#       ptharness blk-count (pt_blk_next loop), one process per CPU stream: one after the other
#       on core 0, or both at once
# It prints a Markdown table of the medians (wall, instructions/s by each tool's own count, PT MB/s,
# user+sys CPU, peak RSS; for the harness the larger RSS of its processes) and writes it with the
# raw timings to
# bench/out/decode.md.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/bench/out"
file=""
reps=3
skip_perf=0
while [ $# -gt 0 ]; do
  case "$1" in
    --file) file="$2"; shift 2 ;;
    --reps) reps="$2"; shift 2 ;;
    --skip-perf) skip_perf=1; shift ;;
    *) echo "usage: bench/decode.sh [--file PERF_DATA_DIR] [--reps R] [--skip-perf]" >&2; exit 2 ;;
  esac
done

export PERF_CONFIG=/dev/null LC_ALL=C
mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
perf_home="$work/home"
mkdir -p "$perf_home"

# Build textpoke, its test classes (the export) and the libipt harness before anything is timed.
(cd "$root" && mvn -q -B -pl decoder -am -DskipTests package >&2)
make --no-print-directory -s -C "$root/decoder/src/test/c" OUT="$root/decoder/target/ptharness" >&2
harness="$root/decoder/target/ptharness/ptharness"
jar="$root/decoder/target/textpoke.jar"
cp="$jar:$root/decoder/target/test-classes:$root/perf-reader/target/test-classes"

if [ -z "$file" ]; then
  file="$out/decode.data"
  if [ ! -f "$file/data" ]; then
    echo "writing $file ..." >&2
    "$root/traces/pt/generate.sh" big "$file" >&2
  fi
fi
streams="$work/streams"
java -cp "$cp" dev.textpoke.pt.decode.PtStreamExport "$file" "$streams" > "$work/harness-args.txt"
pt_bytes=$(cat "$streams"/queue*.pt | wc -c)
cat "$file"/data "$file"/kcore_dir/* "$streams"/* >/dev/null # page cache warm for every tool alike
summary=$(java -jar "$jar" decode --summary "$file")
insns=$(awk '$1 == "instructions" { print $2 }' <<<"$summary")

# The harness over every stream: one after the other on core 0, or all at once.
harness_runs() { # MODE serial|parallel
  local mode="$1" how="$2" pids=() n=0
  while read -r line; do
    n=$((n + 1))
    # shellcheck disable=SC2086
    if [ "$how" = serial ]; then
      /usr/bin/time -v -o "$work/h$n.time" taskset -c 0 "$harness" "$mode" $line >> "$work/h.out"
    else
      /usr/bin/time -v -o "$work/h$n.time" "$harness" "$mode" $line >> "$work/h.out" &
      pids+=($!)
    fi
  done < "$work/harness-args.txt"
  for p in "${pids[@]}"; do wait "$p"; done
}
export -f harness_runs
export harness work

tools=(textpoke-insns-1core textpoke-insns-2cores perf-insns-1core
  textpoke-summary-1core textpoke-summary-2cores libipt-insn-1core libipt-insn-2cores
  libipt-blk-1core libipt-blk-2cores)
command_of() {
  case "$1" in
    textpoke-insns-1core) cmd=(taskset -c 0 java ${TEXTPOKE_JAVA_OPTS:-} -jar "$jar" decode --insns "$file") ;;
    textpoke-insns-2cores) cmd=(java ${TEXTPOKE_JAVA_OPTS:-} -jar "$jar" decode --insns "$file") ;;
    perf-insns-1core) cmd=(taskset -c 0 env HOME="$perf_home" perf script --itrace=i0ns -F ip,sym,symoff,insn -i "$file") ;;
    textpoke-summary-1core) cmd=(taskset -c 0 java ${TEXTPOKE_JAVA_OPTS:-} -jar "$jar" decode --summary --threads 1 "$file") ;;
    textpoke-summary-2cores) cmd=(java ${TEXTPOKE_JAVA_OPTS:-} -jar "$jar" decode --summary "$file") ;;
    libipt-insn-1core) cmd=(bash -c 'harness_runs insn-count serial') ;;
    libipt-insn-2cores) cmd=(bash -c 'harness_runs insn-count parallel') ;;
    libipt-blk-1core) cmd=(bash -c 'harness_runs blk-count serial') ;;
    libipt-blk-2cores) cmd=(bash -c 'harness_runs blk-count parallel') ;;
  esac
}

raw="$work/raw.tsv" # tool, wall s, user+sys s, max RSS KB, exit status, instructions decoded
for rep in $(seq "$reps"); do
  for tool in "${tools[@]}"; do
    if [ "$skip_perf" = 1 ] && [[ "$tool" == perf-* ]]; then
      continue
    fi
    t="$work/time.txt"
    rm -f "$work"/h*.time "$work/h.out"
    command_of "$tool"
    set +e
    /usr/bin/time -v -o "$t" "${cmd[@]}" >/dev/null 2>"$work/stderr.txt"
    status=$?
    set -e
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$t")
    cpu=$(awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { print u + s }' "$t")
    rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$t")
    decoded=$insns
    if [[ "$tool" == libipt-* ]]; then
      # the processes' own peak (the outer bash is small), and their own instruction counts: libipt
      # loses sync at the modified sites and decodes fewer
      rss=$(cat "$work"/h*.time | awk -F': ' '/Maximum resident set size/ { if ($2 > m) m = $2 } END { print m }')
      decoded=$(awk '{ n += $2 } END { print n }' "$work/h.out")
      echo "rep $rep $tool: $(tr '\n' ';' < "$work/h.out")" >&2
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$wall" "$cpu" "$rss" "$status" "$decoded" >> "$raw"
    echo "rep $rep $tool: ${wall}s wall, ${cpu}s cpu, ${rss} KB, exit $status" >&2
    if [ "$status" -ne 0 ]; then
      echo "bench: $tool failed:" >&2
      tail -5 "$work/stderr.txt" >&2
    fi
  done
done

median() { sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
col() { awk -F'\t' -v t="$1" -v c="$2" '$1 == t { print $c }' "$raw" | median; }

report="$out/decode.md"
{
  echo "File: \`$file\`: $pt_bytes bytes of PT on $(wc -l < "$work/harness-args.txt") CPUs, $insns instructions;"
  echo "$reps repetitions, medians; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  echo '```'
  echo "$summary"
  echo '```'
  echo
  echo "| tool | cores | wall s | M insns/s | PT MB/s | user+sys s | peak RSS MB |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  for tool in "${tools[@]}"; do
    if [ "$skip_perf" = 1 ] && [[ "$tool" == perf-* ]]; then
      continue
    fi
    wall=$(col "$tool" 2); cpu=$(col "$tool" 3); rss=$(col "$tool" 4); decoded=$(col "$tool" 6)
    name="${tool%-*}"; cores="${tool##*-}"; cores="${cores%core*}"
    awk -v t="$name" -v k="$cores" -v w="$wall" -v c="$cpu" -v r="$rss" -v i="$decoded" -v b="$pt_bytes" \
      'BEGIN { printf "| %s | %s | %.2f | %.1f | %.1f | %.2f | %.0f |\n", t, k, w, i / w / 1e6, b / w / 1048576, c, r / 1024 }'
  done
  echo
  echo "M insns/s counts each tool's own instructions: textpoke's (perf's are the same but for where it"
  echo "switches the code), the harness's for libipt, which loses sync at modified code and resyncs at the next PSB."
  echo
  echo "Raw timings (tool, wall s, user+sys s, max RSS KB, exit status, instructions):"
  echo
  echo '```'
  cat "$raw"
  echo '```'
} > "$report"
cat "$report"
