#!/usr/bin/env bash
# Re-makes traces/branches/flips.data with the LBR trace writer (dev.textpoke.sim.lbr), from a
# hand-run of the kernel image of traces/pokes (BranchTraceGenerator, decoder test sources), then
# its sha256 in SHA256SUMS. Needs Java and Maven.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
mvn -q -B -pl decoder -am -DskipTests package >&2
cp="decoder/target/textpoke.jar:decoder/target/test-classes:perf-reader/target/test-classes"
rm -rf traces/branches/flips.data
java -Dtextpoke.root="$root" -cp "$cp" dev.textpoke.branches.BranchTraceGenerator traces/branches
cd traces/branches
sha256sum flips.data/data flips.data/kcore_dir/kcore flips.data/kcore_dir/kallsyms \
  flips.data/kcore_dir/modules > SHA256SUMS
