#!/usr/bin/env bash
# Benchmark (not a test): Intel PT decoding with code modifications, textpoke against perf 6.1 and
# libipt 2.0.5 on the same large traces, in the same run.
#
#   bench/decode.sh [--file PERF_DATA_DIR]... [--reps R] [--skip-perf]
#
# Without --file it writes two traces into bench/out/ first (once; they are kept), with
# traces/pt/generate.sh: decode.data (`big`: a random kernel of 200 functions on 2 simulated CPUs
# with timer interrupts, its jump labels, ftrace sites and kprobes flipped 150 times each through
# the x86 INT3 protocol, TSC, MTC and CYC; about 110 MB of PT) and decode-mtc.data (`big-mtc`: 400
# functions, 40 flips, MTC without CYC; about 100 MB). For each, PtStreamExport (decoder test
# sources) writes each CPU's stream and the kcore copy's text as raw files for the libipt harness
# (a static image: libipt cannot replay modifications).
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
# raw timings to bench/out/decode.md.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/bench/out"
files=()
reps=3
skip_perf=0
while [ $# -gt 0 ]; do
  case "$1" in
    --file) files+=("$2"); shift 2 ;;
    --reps) reps="$2"; shift 2 ;;
    --skip-perf) skip_perf=1; shift ;;
    *) echo "usage: bench/decode.sh [--file PERF_DATA_DIR]... [--reps R] [--skip-perf]" >&2; exit 2 ;;
  esac
done

export PERF_CONFIG=/dev/null LC_ALL=C
mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
perf_home="$work/home"
mkdir -p "$perf_home"

# Build textpoke, its test classes (the export) and the libipt harness before anything is timed.
(cd "$root" && mvn -q -B -pl decoder -am -DskipTests package >&2) # package compiles the tests too (the export)
make --no-print-directory -s -C "$root/decoder/src/test/c" OUT="$root/decoder/target/ptharness" >&2
harness="$root/decoder/target/ptharness/ptharness"
jar="$root/decoder/target/textpoke.jar"
cp="$jar:$root/decoder/target/test-classes:$root/perf-reader/target/test-classes"

if [ ${#files[@]} -eq 0 ]; then
  for variant in big big-mtc; do
    f="$out/decode${variant#big}.data"
    if [ ! -f "$f/data" ]; then
      echo "writing $f ..." >&2
      "$root/traces/pt/generate.sh" "$variant" "$f" >&2
    fi
    files+=("$f")
  done
fi

# The harness over every stream of input $1: one after the other on core 0, or all at once.
harness_runs() { # INPUT MODE serial|parallel
  local input="$1" mode="$2" how="$3" pids=() n=0
  while read -r line; do
    n=$((n + 1))
    # shellcheck disable=SC2086
    if [ "$how" = serial ]; then
      /usr/bin/time -v -o "$work/h$n.time" taskset -c 0 "$harness" "$mode" $line >> "$work/h.out"
    else
      /usr/bin/time -v -o "$work/h$n.time" "$harness" "$mode" $line >> "$work/h.out" &
      pids+=($!)
    fi
  done < "$work/args-$input.txt"
  for p in "${pids[@]}"; do wait "$p"; done
}
export -f harness_runs
export harness work

tools=(textpoke-insns-1core textpoke-insns-2cores perf-insns-1core
  textpoke-summary-1core textpoke-summary-2cores libipt-insn-1core libipt-insn-2cores
  libipt-blk-1core libipt-blk-2cores)
command_of() { # TOOL INPUT-INDEX
  local file="${files[$2]}"
  case "$1" in
    textpoke-insns-1core) cmd=(taskset -c 0 java ${TEXTPOKE_JAVA_OPTS:-} -jar "$jar" decode --insns "$file") ;;
    textpoke-insns-2cores) cmd=(java ${TEXTPOKE_JAVA_OPTS:-} -jar "$jar" decode --insns "$file") ;;
    perf-insns-1core) cmd=(taskset -c 0 env HOME="$perf_home" perf script --itrace=i0ns -F ip,sym,symoff,insn -i "$file") ;;
    textpoke-summary-1core) cmd=(taskset -c 0 java ${TEXTPOKE_JAVA_OPTS:-} -jar "$jar" decode --summary --threads 1 "$file") ;;
    textpoke-summary-2cores) cmd=(java ${TEXTPOKE_JAVA_OPTS:-} -jar "$jar" decode --summary "$file") ;;
    libipt-insn-1core) cmd=(bash -c "harness_runs $2 insn-count serial") ;;
    libipt-insn-2cores) cmd=(bash -c "harness_runs $2 insn-count parallel") ;;
    libipt-blk-1core) cmd=(bash -c "harness_runs $2 blk-count serial") ;;
    libipt-blk-2cores) cmd=(bash -c "harness_runs $2 blk-count parallel") ;;
  esac
}

declare -a pt_bytes insns summaries
for i in "${!files[@]}"; do
  f="${files[$i]}"
  java -cp "$cp" dev.textpoke.pt.decode.PtStreamExport "$f" "$work/streams-$i" > "$work/args-$i.txt"
  pt_bytes[$i]=$(cat "$work/streams-$i"/queue*.pt | wc -c)
  summaries[$i]=$(java -jar "$jar" decode --summary "$f")
  insns[$i]=$(awk '$1 == "instructions" { print $2 }' <<<"${summaries[$i]}")
done

raw="$work/raw.tsv" # input, tool, wall s, user+sys s, max RSS KB, exit status, instructions decoded
for rep in $(seq "$reps"); do
  for i in "${!files[@]}"; do
    f="${files[$i]}"
    cat "$f"/data "$f"/kcore_dir/* "$work/streams-$i"/* >/dev/null # page cache warm for every tool alike
    for tool in "${tools[@]}"; do
      if [ "$skip_perf" = 1 ] && [[ "$tool" == perf-* ]]; then
        continue
      fi
      t="$work/time.txt"
      rm -f "$work"/h*.time "$work/h.out"
      command_of "$tool" "$i"
      set +e
      /usr/bin/time -v -o "$t" "${cmd[@]}" >/dev/null 2>"$work/stderr.txt"
      status=$?
      set -e
      wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (k = 1; k <= n; k++) s = s * 60 + p[k]; print s }' "$t")
      cpu=$(awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { print u + s }' "$t")
      rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$t")
      decoded=${insns[$i]}
      if [[ "$tool" == libipt-* ]]; then
        # the processes' own peak (the outer bash is small), and their own instruction counts:
        # libipt loses sync at the modified sites and decodes fewer
        rss=$(cat "$work"/h*.time | awk -F': ' '/Maximum resident set size/ { if ($2 > m) m = $2 } END { print m }')
        decoded=$(awk '{ n += $2 } END { print n }' "$work/h.out")
      fi
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(basename "$f")" "$tool" "$wall" "$cpu" "$rss" "$status" "$decoded" >> "$raw"
      echo "rep $rep $(basename "$f") $tool: ${wall}s wall, ${cpu}s cpu, ${rss} KB, exit $status, $decoded insns" >&2
      if [ "$status" -ne 0 ]; then
        echo "bench: $tool failed:" >&2
        tail -5 "$work/stderr.txt" >&2
      fi
    done
  done
done

median() { sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
col() { awk -F'\t' -v f="$1" -v t="$2" -v c="$3" '$1 == f && $2 == t { print $c }' "$raw" | median; }

report="$out/decode.md"
{
  echo "$reps repetitions, medians; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg) at the end."
  for i in "${!files[@]}"; do
    name=$(basename "${files[$i]}")
    echo
    echo "\`$name\`: ${pt_bytes[$i]} bytes of PT on $(wc -l < "$work/args-$i.txt") CPUs"
    echo
    echo '```'
    echo "${summaries[$i]}"
    echo '```'
    echo
    echo "| tool | cores | wall s | M insns/s | PT MB/s | user+sys s | peak RSS MB |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    for tool in "${tools[@]}"; do
      if [ "$skip_perf" = 1 ] && [[ "$tool" == perf-* ]]; then
        continue
      fi
      wall=$(col "$name" "$tool" 3); cpu=$(col "$name" "$tool" 4); rss=$(col "$name" "$tool" 5)
      decoded=$(col "$name" "$tool" 7)
      tname="${tool%-*}"; cores="${tool##*-}"; cores="${cores%core*}"
      awk -v t="$tname" -v k="$cores" -v w="$wall" -v c="$cpu" -v r="$rss" -v n="$decoded" -v b="${pt_bytes[$i]}" \
        'BEGIN { printf "| %s | %s | %.2f | %.1f | %.1f | %.2f | %.0f |\n", t, k, w, n / w / 1e6, b / w / 1048576, c, r / 1024 }'
    done
  done
  echo
  echo "M insns/s counts each tool's own instructions: textpoke's (perf's are the same but for where it"
  echo "switches the code), the harness's for libipt, which loses sync at modified code and resyncs at the next PSB."
  echo
  echo "Raw timings (input, tool, wall s, user+sys s, max RSS KB, exit status, instructions):"
  echo
  echo '```'
  cat "$raw"
  echo '```'
} > "$report"
cat "$report"
