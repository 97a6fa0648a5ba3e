package dev.textpoke.scenario.protocol;

import dev.textpoke.code.WindowSide;
import dev.textpoke.sim.ViewFactory;
import dev.textpoke.sim.code.CodeView;
import dev.textpoke.sim.code.Insn;
import dev.textpoke.sim.code.Op;
import dev.textpoke.sim.exec.AsyncKind;
import dev.textpoke.sim.exec.ExecutionListener;
import java.util.ArrayList;
import java.util.List;

/**
 * What an x86 CPU fetches at user-space code that another thread modified when nothing made it
 * serialise since: the SDM's cross-modifying code rule (Vol. 3A 8.1.3: the executing processor
 * must execute a serializing instruction after the modification is made) is what guarantees the
 * new bytes; without it this model lets the CPU keep the bytes it last fetched after its last
 * serialising event (an exception or interrupt entry, an {@code iret}). With {@code membarrier
 * SYNC_CORE} every such CPU takes an IPI, and so serialises, before the patcher goes on.
 */
final class StaleView implements ViewFactory, ExecutionListener {
    private final long[][] ranges;
    private final int patcher;
    private CodeView base;
    private ViewFactory.Context context;
    private long[] lastSerial;
    private final List<List<Long>> serialisations = new ArrayList<>();
    private final byte[] buf = new byte[15];
    private final byte[] now = new byte[15];

    /**
     * @param ranges  the patched sites, as {address, length}
     * @param patcher the CPU that writes: x86 detects stores to code it is about to execute on the
     *                same CPU (self-modifying code, SDM Vol. 3A 8.1.3), so it sees its own writes
     */
    StaleView(List<long[]> ranges, int patcher) {
        this.ranges = ranges.toArray(new long[0][]);
        this.patcher = patcher;
    }

    @Override
    public CodeView wrap(CodeView memoryView, Context ctx) {
        base = memoryView;
        context = ctx;
        lastSerial = new long[ctx.cpus()];
        java.util.Arrays.fill(lastSerial, Long.MIN_VALUE);
        for (int c = 0; c < ctx.cpus(); c++) {
            serialisations.add(new ArrayList<>());
        }
        return this::fetch;
    }

    private Insn fetch(int cpu, long ip, long tsc) {
        boolean near = false;
        for (long[] r : ranges) {
            if (ip <= r[0] + r[1] - 1 && r[0] < ip + 15) {
                near = true;
                break;
            }
        }
        long seen = lastSerial[cpu];
        if (!near || cpu == patcher || seen == Long.MIN_VALUE || seen >= tsc) {
            return base.fetch(cpu, ip, tsc);
        }
        int n = context.memory().read(ip, seen, WindowSide.NEW, buf, 0, 15);
        int m = context.memory().read(ip, tsc, WindowSide.NEW, now, 0, 15);
        if (n == m && java.util.Arrays.equals(buf, 0, n, now, 0, m)) {
            return base.fetch(cpu, ip, tsc);
        }
        return context.table().intern(ip, buf, 0, n, context.classifier().classify(buf, 0, n, ip));
    }

    @Override
    public void start(int cpu, long tsc, long ip, boolean user) {
        if (lastSerial != null) {
            lastSerial[cpu] = tsc;
        }
    }

    @Override
    public void asyncBranch(int cpu, long tsc, long from, long to, AsyncKind kind, int outcome) {
        serialise(cpu, tsc);
    }

    @Override
    public void instruction(int cpu, long tsc, Insn insn, int outcome, long nextIp) {
        if (insn.op() == Op.IRET) {
            serialise(cpu, tsc);
        }
    }

    private void serialise(int cpu, long tsc) {
        if (lastSerial != null) {
            lastSerial[cpu] = tsc;
            serialisations.get(cpu).add(tsc);
        }
    }

    /** When each CPU serialised, in order. */
    List<List<Long>> serialisations() {
        return serialisations;
    }
}
