#!/usr/bin/env bash
# Benchmark of the simulator (not a test): a random kernel on two CPUs, 10 million instructions
# per CPU, with no listener, with the Intel PT model, with the PT model and the ground truth;
# instructions per second on one core, medians. Then the 110 MB benchmark trace of
# traces/pt/generate.sh, timed with its peak memory. Results go in docs/benchmarks.md, section
# "simulator".
#   bench/simulator.sh [ROUNDS] [INSTRUCTIONS_PER_CPU]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -q -B -pl decoder -am -DskipTests test-compile >&2
cp="decoder/target/classes:decoder/target/test-classes:perf-reader/target/classes:$(ls decoder/target/lib/*.jar 2>/dev/null | tr '\n' ':')"
echo "# $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, $(uname -r), commit $(git rev-parse --short HEAD)"
echo "# command: bench/simulator.sh $*"
taskset -c 0 java -Xmx2g -cp "$cp" dev.textpoke.sim.bench.SimulatorBenchmark "$@"
big="$(mktemp -d)"
/usr/bin/time -f "# big trace: %e s wall, %M KB peak RSS" taskset -c 0 traces/pt/generate.sh big "$big/big.data" | tail -1
rm -rf "$big"
