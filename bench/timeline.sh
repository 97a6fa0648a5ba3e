#!/usr/bin/env bash
# Benchmark of the code timeline (not a test): one million pokes over a 32 MB image; build time,
# retained memory, 16-byte lookups per second on one thread. Results go in docs/benchmarks.md,
# section "code timeline".
#   bench/timeline.sh [ROUNDS] [LOOKUPS_PER_ROUND]
# TEXTPOKE_BENCH_JAVA_OPTS passes JVM options (default: -Xmx4g -XX:+UseTransparentHugePages: random
# reads over 32 MB miss the TLB on every lookup with 4 KB pages, which costs more than the model).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -q -B -pl decoder -am -DskipTests test-compile >&2
cp="decoder/target/classes:decoder/target/test-classes:perf-reader/target/classes"
echo "# $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, $(uname -r), commit $(git rev-parse --short HEAD)"
echo "# command: bench/timeline.sh $*"
opts="${TEXTPOKE_BENCH_JAVA_OPTS:--Xmx4g -XX:+UseTransparentHugePages}"
# One core: the lookups run on the main thread; taskset pins the whole JVM so that GC and JIT
# threads do not borrow a second core for the measured loop either.
taskset -c 0 java $opts -cp "$cp" dev.textpoke.code.bench.TimelineBenchmark "$@"
# The same million pokes in a perf.data, read by textpoke and by perf (each pinned to one core).
echo "# perf: $(PERF_CONFIG=/dev/null perf version 2>/dev/null)"
taskset -c 0 java $opts -cp "$cp" dev.textpoke.code.bench.PerfComparisonBenchmark "${1:-3}"
