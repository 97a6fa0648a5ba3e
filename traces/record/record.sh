#!/usr/bin/env bash
# Re-records the small perf.data files in traces/recorded/ with the perf installed here, then
# regenerates perf's own outputs for them in traces/expected/ and traces/SHA256SUMS.
#
#   traces/record/record.sh            record everything, then expected outputs and sums
#   traces/record/record.sh NAME...    re-record only these traces (names as in the table below)
#   traces/record/record.sh --expected-only   keep the recordings, redo outputs and sums
#
# Needs root (system-wide recording, tracepoints, bpf()), gcc, perf (Debian linux-perf 6.1 made
# the committed files). Recordings differ from run to run (times, pids, addresses); the tests
# compare textpoke with perf on whatever is committed, so re-recording needs no other change than
# committing the new files, outputs and sums together.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
traces="$(dirname "$here")"
out="$traces/recorded"
expected="$traces/expected"

export PERF_CONFIG=/dev/null LC_ALL=C
# perf keeps a build-id cache in $HOME/.debug and symbolises from it: use an empty home so that
# neither the recordings nor the outputs depend on this machine's cache.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export HOME="$work/home"
mkdir -p "$HOME"

if [ "$(id -u)" -ne 0 ]; then
  echo "record.sh: must run as root (system-wide recording, tracepoints, bpf())" >&2
  exit 1
fi
perf_version="$(perf --version)"
case "$perf_version" in
  "perf version 6.1."*) ;;
  *) echo "record.sh: warning: the committed traces were made by perf 6.1; this is $perf_version" >&2 ;;
esac
# Tracepoints need tracefs; a minimal VM may not have it mounted.
if [ ! -e /sys/kernel/tracing/events ]; then
  mount -t tracefs nodev /sys/kernel/tracing
fi

# Helpers: built with frame pointers so that -g call chains have several user frames.
gcc -O2 -fno-omit-frame-pointer -g -o "$work/workload" "$here/workload.c"
gcc -O2 -o "$work/bpfload" "$here/bpfload.c"
W="$work/workload"

# One function per trace. Each writes $out/NAME (a file, or a directory for --threads).
# Keep each under 1 MB; the whole set is a few hundred KB.
rec() { perf record -q -o "$out/$1" "${@:2}" >/dev/null; }
t_cpu-clock.data()          { rec "$1" -e cpu-clock -F 1000 -- "$W" 100; }
t_tracepoints.data()        { rec "$1" -e sched:sched_switch -e sched:sched_process_exec -e sched:sched_process_fork -- "$W" 50; }
t_tracepoints-pipe.data()   { perf record -q -o - -e sched:sched_switch -e sched:sched_process_exec -- "$W" 50 > "$out/$1"; }
t_callchain-fp.data()       { rec "$1" -e cpu-clock -F 1000 -g -- "$W" 100; }
t_callchain-dwarf.data()    { rec "$1" -e cpu-clock -F 200 --call-graph dwarf,2048 -- "$W" 100; }
t_compressed.data()         { rec "$1" -z -e cpu-clock -F 1000 -g -- "$W" 100; }
t_pipe.data()               { perf record -q -o - -e cpu-clock -F 1000 -g --sample-cpu -- "$W" 100 > "$out/$1"; }
t_pipe-compressed.data()    { perf record -q -z -o - -e cpu-clock -F 1000 -g -- "$W" 100 > "$out/$1"; }
t_inject-buildid-pipe.data() { perf record -q -o - -e cpu-clock -F 1000 -- "$W" 50 | perf inject -b > "$out/$1"; }
t_threads.data()            { rec "$1" --threads -e cpu-clock -F 1000 -- "$W" 100; }
t_switch.data()             { rec "$1" -e cpu-clock -F 1000 --switch-events -- "$W" 100; }
t_switch-cpu-wide.data()    { rec "$1" -a -e cpu-clock -F 100 --switch-events -- sleep 0.1; }
t_namespaces.data()         { rec "$1" -e cpu-clock -F 1000 --namespaces -- "$W" 100; }
t_cgroups.data()            { rec "$1" -a -e cpu-clock -F 1000 --all-cgroups -- "$W" 100; }
t_buildid-mmap.data()       { rec "$1" -e cpu-clock -F 1000 --buildid-mmap -- "$W" 100; }
t_bpf.data()                { rec "$1" -a -e cpu-clock -F 20 -- "$work/bpfload" 2; }
t_two-events.data()         { rec "$1" -e cpu-clock -e task-clock -F 1000 -- "$W" 100; }
t_group-read.data()         { rec "$1" -e '{cpu-clock,task-clock}:S' -F 1000 -- "$W" 100; }
t_stat-read.data()          { rec "$1" -s -e cpu-clock -F 1000 -- "$W" 100; }
t_sample-fields.data()      { rec "$1" -e page-faults -c 1 -d --phys-data --data-page-size --code-page-size -W \
                                --sample-cpu -R --user-regs=ip,sp --intr-regs=ip,sp,bp -k monotonic -- "$W" 30; }
t_lost.data()               { rec "$1" -m 1 -e cpu-clock -c 10000 -- "$W" -n 20; }

all=(cpu-clock.data tracepoints.data tracepoints-pipe.data callchain-fp.data callchain-dwarf.data
     compressed.data pipe.data pipe-compressed.data inject-buildid-pipe.data threads.data switch.data
     switch-cpu-wide.data namespaces.data cgroups.data buildid-mmap.data bpf.data two-events.data
     group-read.data stat-read.data sample-fields.data lost.data)

big_endian=(cpu-clock callchain-fp two-events group-read namespaces pipe)

names=()
expected_only=0
if [ $# -eq 0 ]; then
  names=("${all[@]}")
elif [ "$1" = "--expected-only" ]; then
  expected_only=1
else
  names=("$@")
fi

mkdir -p "$out" "$expected"
if [ $expected_only -eq 0 ]; then
  for n in "${names[@]}"; do
    if ! declare -F "t_$n" >/dev/null; then
      echo "record.sh: unknown trace '$n' (known: ${all[*]})" >&2
      exit 2
    fi
    rm -rf "${out:?}/$n"
    echo "recording $n" >&2
    "t_$n" "$n"
    chmod -R a+rX "$out/$n"
  done
fi

# Big-endian copies: no big-endian machine is at hand, so these are rewritten from little-endian
# recordings by tools/swap-endian.py (see there) and checked against perf like the others.
for n in "${big_endian[@]}"; do
  python3 "$traces/tools/swap-endian.py" "$out/$n.data" "$out/$n.be.data"
done

"$here/expected.sh"
