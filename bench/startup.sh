#!/usr/bin/env bash
# Benchmark (not a test): how long the everyday commands take on small files, start-up included,
# with the launcher's JVM settings (class-data archive, serial collector) and without them.
#
#   bench/startup.sh [RUNS]        (default 21 runs of each, interleaved; medians)
#
# Variants: "launcher" is ./textpoke as shipped (-XX:SharedArchiveFile=.build/current/textpoke.jsa
# -XX:+UseSerialGC -XX:-UsePerfData and the launcher's C2 thresholds); "no archive" the same without
# the archive; "plain java -jar"
# the JVM's defaults (G1, no archive). perf's own start on the first file is there for scale.
# Writes the Markdown table to bench/out/startup.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-21}"
out="$root/bench/out"
mkdir -p "$out"
export PERF_CONFIG=/dev/null LC_ALL=C
"$root/textpoke" --version >/dev/null # build first
dir="$(readlink -f "$root/.build/current")"
# the launcher's JVM options, as it sets them
jvm="$(grep '^jvm=' "$root/textpoke" | bash -c 'eval "$(cat)"; echo "$jvm"')"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cmds=("info traces/recorded/cpu-clock.data" "pokes traces/pokes/pokes.data" "samples traces/recorded/callchain-fp.data")
variants=(launcher noarchive plain)
run() { # variant command...
  local v="$1"; shift
  case "$v" in
    launcher) "$root/textpoke" "$@" ;;
    noarchive) java $jvm -jar "$dir/textpoke.jar" "$@" ;;
    plain) java -jar "$dir/textpoke.jar" "$@" ;;
  esac
}
cd "$root"
for i in $(seq "$runs"); do
  for c in "${cmds[@]}"; do
    for v in "${variants[@]}"; do
      key="$v-${c%% *}"
      /usr/bin/time -o "$work/t" -f "%e %U %S" bash -c "$(declare -f run); root='$root' dir='$dir' jvm='$jvm' run $v $c" >/dev/null 2>&1
      awk '{printf "%s %.3f\n", $1, $2 + $3}' "$work/t" >>"$work/$key"
    done
  done
  /usr/bin/time -o "$work/t" -f "%e %U %S" perf report --header-only -i traces/recorded/cpu-clock.data >/dev/null 2>&1
  awk '{printf "%s %.3f\n", $1, $2 + $3}' "$work/t" >>"$work/perf-header"
done
median() { sort -n -k"$2" "$1" | awk -v c="$2" '{v[NR] = $c} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
{
  echo "Run of $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$root" rev-parse --short HEAD), $runs runs of each, interleaved; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg). Seconds, medians (wall / user+sys)."
  echo
  echo "| command | launcher (archive, serial GC) | no archive | plain java -jar |"
  echo "|---|---:|---:|---:|"
  for c in "${cmds[@]}"; do
    row="| \`textpoke $c\` |"
    for v in "${variants[@]}"; do
      f="$work/$v-${c%% *}"
      row="$row $(median "$f" 1) / $(median "$f" 2) |"
    done
    echo "$row"
  done
  echo "| \`perf report --header-only -i traces/recorded/cpu-clock.data\` (for scale) | $(median "$work/perf-header" 1) / $(median "$work/perf-header" 2) | | |"
} | tee "$out/startup.md"
