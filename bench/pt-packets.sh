#!/usr/bin/env bash
# Benchmark of the Intel PT packet decoder (not a test): textpoke's PacketDecoder against libipt's
# packet decoder (ptharness pkt-count, built against libipt-dev 2.0.5) on the same ~256 MB streams
# in the same run, the JVM and the harness each pinned to one core. Results go in
# docs/benchmarks.md, section "Intel PT packets".
#   bench/pt-packets.sh [ROUNDS] [MEGABYTES]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -q -B -pl decoder -am -DskipTests test-compile >&2
cp="decoder/target/classes:decoder/target/test-classes:perf-reader/target/classes:perf-reader/target/test-classes"
echo "# $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, $(uname -r), commit $(git rev-parse --short HEAD), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# command: bench/pt-packets.sh $*"
taskset -c 0 java -Xmx2g -Dtextpoke.root="$root" -Dtextpoke.shared="$root/../shared" -cp "$cp" \
  dev.textpoke.pt.bench.PacketDecodeBenchmark "$@"
