#!/usr/bin/env bash
# Re-makes the traces of traces/branches with the LBR trace writer (dev.textpoke.sim.lbr), then their
# sha256 in SHA256SUMS. Needs Java, Maven and gcc.
#  - flips.data: a hand-run of the kernel image of traces/pokes (BranchTraceGenerator, decoder test
#    sources);
#  - lbr-demo/usr/local/bin/lbr-demo: lbr-demo/prog.c compiled (static, no libc), the program of
#    user.data; kept as it is once committed, since another compiler would make other code;
#    pass --recompile to make it again;
#  - user.data: a user-space LBR recording of that program (UserProgramTrace, decoder test sources),
#    its MMAP2 naming /usr/local/bin/lbr-demo (read it with --symfs traces/branches/lbr-demo).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
mvn -q -B -pl decoder -am -DskipTests package >&2
cp="decoder/target/textpoke.jar:decoder/target/lib/*:decoder/target/test-classes:perf-reader/target/test-classes"
demo=traces/branches/lbr-demo/usr/local/bin/lbr-demo
if [ "${1:-}" = --recompile ] || [ ! -f "$demo" ]; then
  gcc -O1 -fno-jump-tables -fno-inline -nostdlib -static -no-pie -Wl,-e,entry -o "$demo" \
    traces/branches/lbr-demo/prog.c
fi
rm -rf traces/branches/flips.data traces/branches/user.data
java -Dtextpoke.root="$root" -cp "$cp" dev.textpoke.branches.BranchTraceGenerator traces/branches
java -Dtextpoke.root="$root" -cp "$cp" dev.textpoke.branches.UserProgramTrace traces/branches
cd traces/branches
sha256sum flips.data/data flips.data/kcore_dir/kcore flips.data/kcore_dir/kallsyms \
  flips.data/kcore_dir/modules lbr-demo/usr/local/bin/lbr-demo user.data/data user.data/kcore_dir/kcore \
  user.data/kcore_dir/kallsyms user.data/kcore_dir/modules > SHA256SUMS
