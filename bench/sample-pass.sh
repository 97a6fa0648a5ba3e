#!/usr/bin/env bash
# Benchmark (not a test): the sample pass of textpoke against perf script, with the same fields, on
# the shapes bench/shapes.sh records, and the full dump against perf report -D on the -a -g file.
#
#   bench/sample-pass.sh [--reps N] [SHAPE...]
#       SHAPE: ag big dwarf dwarf-big tracepoints tracepoints-big (default: all)
#
# For each shape, N times (default 5), interleaved so that the machine's noise hits both alike:
#   ./textpoke samples -F FIELDS FILE         and   perf script -F FIELDS -i FILE
# (FIELDS: comm,tid,time,period,ip for the call chain shapes; for the tracepoint shapes
# comm,tid,cpu,time,event,trace), stdout to /dev/null, under /usr/bin/time; textpoke as the
# launcher runs it. On ag also ./textpoke dump FILE against perf report -D -i FILE. On the dwarf
# shapes both unwind the sampled user stacks, with the recording's build-id cache
# (bench/out/home), perf with --no-inline: textpoke adds no inlined frames, so the two print the
# same chains; on dwarf also both with --hide-call-graph, which reads without unwinding. On ag, dwarf
# and dwarf-big also both with their default fields (symbols and object names of every frame; perf
# with --ns, which prints the times as textpoke does: the two outputs are the same).
# Prints a Markdown table of medians (wall s, user+sys s, peak RSS MB, ratios of wall and of CPU
# time: the JVM's compiler threads and a loaded machine move them differently) and writes it with
# the raw timings to bench/out/sample-pass.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/bench/out"
reps=5
shapes=()
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) reps="$2"; shift 2 ;;
    ag|big|dwarf|dwarf-big|tracepoints|tracepoints-big) shapes+=("$1"); shift ;;
    *) echo "usage: bench/sample-pass.sh [--reps N] [ag|big|dwarf|dwarf-big|tracepoints|tracepoints-big]..." >&2
       exit 2 ;;
  esac
done
[ ${#shapes[@]} -eq 0 ] && shapes=(ag big dwarf dwarf-big tracepoints tracepoints-big)
export PERF_CONFIG=/dev/null LC_ALL=C
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/home" # perf with no build-id cache: no symbol work it would not do elsewhere
"$root/textpoke" --version >/dev/null # build before anything is timed

file_of() {
  case "$1" in
    ag) echo "$out/ag.data" ;; big) echo "$out/perf-reader.data" ;;
    *) echo "$out/$1.data" ;;
  esac
}
fields_of() {
  case "$1" in tracepoints*) echo "comm,tid,cpu,time,event,trace" ;; *) echo "comm,tid,time,period,ip" ;; esac
}
home_of() { # the dwarf shapes unwind with their recording's build-id cache; the others need none
  case "$1" in dwarf*) echo "$out/home" ;; *) echo "$work/home" ;; esac
}
perf_opts_of() {
  case "$1" in dwarf*) echo "--no-inline" ;; *) echo "" ;; esac
}

# run NAME CMD...: one timed run, appended to $work/NAME as "wall user+sys rss_kb"
run() {
  local name="$1"; shift
  /usr/bin/time -o "$work/t" -f "%e %U %S %M" "$@" >/dev/null 2>"$work/err" || {
    echo "bench: failed: $*" >&2; cat "$work/err" >&2; exit 1; }
  awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' "$work/t" >>"$work/$name"
}

median() { # median of column $2 of file $1
  sort -n -k"$2" "$1" | awk -v c="$2" '{v[NR] = $c} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

rows=()
for shape in "${shapes[@]}"; do
  f="$(file_of "$shape")"
  [ -f "$f" ] || { echo "bench: $f is missing: record it with bench/shapes.sh $shape" >&2; exit 1; }
  fields="$(fields_of "$shape")"
  pairs=("samples:tp-$shape:perf-$shape:")
  [ "$shape" = dwarf ] && pairs+=("samples:tph-$shape:perfh-$shape:--hide-call-graph")
  case "$shape" in ag|dwarf|dwarf-big) pairs+=("samples:tpf-$shape:perff-$shape:default") ;; esac
  [ "$shape" = ag ] && pairs+=("dump:tpd-$shape:perfd-$shape:")
  for rep in $(seq "$reps"); do
    echo "$shape: repetition $rep of $reps" >&2
    for pair in "${pairs[@]}"; do
      IFS=: read -r what tp pf opt <<<"$pair"
      if [ "$what" = dump ]; then
        run "$tp" "$root/textpoke" dump "$f"
        run "$pf" env HOME="$work/home" perf report -D -i "$f"
      elif [ "$opt" = default ]; then
        run "$tp" env HOME="$(home_of "$shape")" "$root/textpoke" samples "$f"
        run "$pf" env HOME="$(home_of "$shape")" perf script $(perf_opts_of "$shape") --ns -i "$f"
      else
        run "$tp" env HOME="$(home_of "$shape")" "$root/textpoke" samples $opt -F "$fields" "$f"
        run "$pf" env HOME="$(home_of "$shape")" perf script $(perf_opts_of "$shape") $opt -F "$fields" -i "$f"
      fi
    done
  done
  mb=$(awk -v b="$(stat -c %s "$f")" 'BEGIN {printf "%.0f", b / 1e6}')
  for pair in "${pairs[@]}"; do
    IFS=: read -r what tp pf opt <<<"$pair"
    tw=$(median "$work/$tp" 1); tc=$(median "$work/$tp" 2); tr=$(median "$work/$tp" 3)
    pw=$(median "$work/$pf" 1); pc=$(median "$work/$pf" 2); pr=$(median "$work/$pf" 3)
    peer=$([ "$what" = dump ] && echo "perf report -D" || echo "perf script$(perf_opts_of "$shape" | sed 's/^./ &/')")
    if [ "$opt" = default ]; then
      label="$shape ($mb MB): textpoke $what vs $peer --ns, default fields"
    else
      label="$shape ($mb MB): textpoke $what${opt:+ $opt} vs $peer${opt:+ $opt}"
    fi
    rows+=("$(awk -v l="$label" -v tw="$tw" -v tc="$tc" -v tr="$tr" -v pw="$pw" -v pc="$pc" -v pr="$pr" 'BEGIN {
      printf "| %s | %.2f | %.2f | %.0f | %.2f | %.2f | %.0f | **%.1f** | %.1f |", l, tw, tc, tr / 1024, pw, pc, pr / 1024, pw / tw, pc / tc }')")
  done
done
{
  echo "Run of $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$root" rev-parse --short HEAD), load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); $reps repetitions, medians."
  echo
  echo "| shape and pass | textpoke wall s | textpoke user+sys s | textpoke peak RSS MB | peer wall s | peer user+sys s | peer peak RSS MB | peer wall / textpoke wall | peer CPU / textpoke CPU |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${rows[@]}"
} | tee "$out/sample-pass.md"
{
  echo; echo "Raw timings (wall s, user+sys s, peak RSS KB):"
  for f in "$work"/tp-* "$work"/perf-* "$work"/tph-* "$work"/perfh-* "$work"/tpf-* "$work"/perff-* "$work"/tpd-* "$work"/perfd-*; do
    [ -f "$f" ] && echo "$(basename "$f"): $(tr '\n' ';' <"$f")"
  done
} >>"$out/sample-pass.md"
