#!/usr/bin/env bash
# Re-makes the poke traces in traces/pokes/ with perf-reader's writer (this machine's kernel emits
# no TEXT_POKE) over a kernel image gcc builds from kernel.c, then their sha256 in SHA256SUMS.
# Needs gcc, binutils, Java and Maven.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
mvn -q -B -pl decoder -am -DskipTests test-compile >&2
cp="decoder/target/classes:decoder/target/test-classes:perf-reader/target/classes"
java -cp "$cp" dev.textpoke.code.perf.PokeTraceGenerator traces/pokes
cd traces/pokes
sha256sum pokes.data/data pokes.data/kcore_dir/kcore pokes.data/kcore_dir/kallsyms \
  pokes.data/kcore_dir/modules pokes-pipe.data kernel.c > SHA256SUMS
