package dev.textpoke.sim.lbr;

import dev.textpoke.sim.code.Insn;
import dev.textpoke.sim.code.Op;
import dev.textpoke.sim.exec.AsyncKind;
import dev.textpoke.sim.exec.CplFilter;
import dev.textpoke.sim.exec.ExecutionListener;
import dev.textpoke.sim.exec.HaltReason;
import dev.textpoke.sim.exec.MachineView;
import dev.textpoke.sim.exec.Outcome;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Last Branch Records and the PMU that samples them, as a listener of the simulated machine: each
 * CPU keeps a ring of its last {@code depth} taken branches at the privilege levels the filter
 * records (LBR_SELECT's CPL bits: a branch counts at the level it leaves), with the core cycles
 * since the one before (LBR_INFO's cycle count, saturating at 16 bits); near taken branches at those
 * levels count towards the event ({@code BR_INST_RETIRED.NEAR_TAKEN}), and every {@code period} of
 * them (jittered by a quarter, seeded, so that samples do not lock to a loop) the PMU interrupt
 * takes a sample at the CPU's next event, with the ring frozen as it was (LBR freeze on PMI) and the
 * ip of the next instruction. Far transfers (syscall, sysret, iret) and asynchronous branches
 * (interrupts, exceptions, int3) are recorded but not counted, as the hardware does.
 *
 * <p>Allocates only when it samples.
 */
public final class LbrRecorder implements ExecutionListener {
    /**
     * @param depth   entries per stack (16 on Haswell and Skylake clients, 32 on Ice Lake servers)
     * @param period  counted branches per sample
     * @param filter  the privilege levels whose branches are recorded and counted
     * @param hwIndex whether samples carry the ring's index ({@code PERF_SAMPLE_BRANCH_HW_INDEX})
     */
    public record Config(int depth, long period, CplFilter filter, boolean hwIndex) {
        public Config {
            if (depth < 1 || depth > 64 || period < 1) {
                throw new IllegalArgumentException("depth 1..64 and a period of at least 1");
            }
        }

        /** 16 entries, a sample every 1000 kernel branches, as {@code -e BR_INST_RETIRED.NEAR_TAKEN:k -b -c 1000}. */
        public static Config kernel(long period) {
            return new Config(16, period, CplFilter.KERNEL, false);
        }
    }

    private final Config config;
    private final Consumer<LbrSample> sink;
    private final SplittableRandom rnd;
    private Ring[] rings = new Ring[0];
    private MachineView machine;

    /** Per CPU: the ring, its counters, and a sample waiting for the CPU's next event. */
    private static final class Ring {
        final long[] from;
        final long[] to;
        final int[] cycles;
        final long[] tsc;
        final long[] fromIndex;
        final long[] nextIndex;
        int head;
        int count;
        long recorded;
        long lastCycles = -1;
        long instructions;
        long countdown;
        boolean pending;

        Ring(int depth) {
            from = new long[depth];
            to = new long[depth];
            cycles = new int[depth];
            tsc = new long[depth];
            fromIndex = new long[depth];
            nextIndex = new long[depth];
        }
    }

    public LbrRecorder(Config config, long seed, Consumer<LbrSample> sink) {
        this.config = config;
        this.sink = sink;
        this.rnd = new SplittableRandom(seed);
    }

    private long nextPeriod() {
        long p = config.period();
        long j = p / 4;
        return j == 0 ? p : p - j + rnd.nextLong(2 * j + 1);
    }

    @Override
    public void begin(MachineView m) {
        machine = m;
        rings = new Ring[m.cpus()];
        for (int i = 0; i < rings.length; i++) {
            rings[i] = new Ring(config.depth());
            rings[i].countdown = nextPeriod();
        }
    }

    @Override
    public void instruction(int cpu, long tsc, Insn insn, int outcome, long nextIp) {
        Ring r = rings[cpu];
        if (r.pending) {
            sample(cpu, r, tsc, insn.address(), Outcome.user(outcome));
        }
        long index = r.instructions++;
        if (Outcome.taken(outcome) && config.filter().traces(Outcome.user(outcome))) {
            record(cpu, r, insn.address(), nextIp, tsc, index, index + 1);
            if (near(insn.op()) && --r.countdown == 0) {
                r.pending = true;
                r.countdown = nextPeriod();
            }
        }
    }

    @Override
    public void asyncBranch(int cpu, long tsc, long from, long to, AsyncKind kind, int outcome) {
        Ring r = rings[cpu];
        if (r.pending) {
            sample(cpu, r, tsc, from, Outcome.user(outcome));
        }
        if (config.filter().traces(Outcome.user(outcome))) {
            record(cpu, r, from, to, tsc, -1, r.instructions);
        }
    }

    @Override
    public void halt(int cpu, long tsc, long ip, HaltReason reason) {
        Ring r = rings[cpu];
        if (r.pending) {
            sample(cpu, r, tsc, ip, machine.user(cpu));
        }
    }

    private static boolean near(Op op) {
        return switch (op) {
            case JCC, JMP, JMP_INDIRECT, CALL, CALL_INDIRECT, RET -> true;
            default -> false;
        };
    }

    private void record(int cpu, Ring r, long from, long to, long tsc, long fromIndex, long nextIndex) {
        long now = machine.cycles(cpu);
        int c = r.lastCycles < 0 ? 0 : (int) Math.min(now - r.lastCycles, 0xffff);
        r.lastCycles = now;
        int i = r.head;
        r.from[i] = from;
        r.to[i] = to;
        r.cycles[i] = c;
        r.tsc[i] = tsc;
        r.fromIndex[i] = fromIndex;
        r.nextIndex[i] = nextIndex;
        r.head = (i + 1) % r.from.length;
        r.count = Math.min(r.count + 1, r.from.length);
        r.recorded++;
    }

    private void sample(int cpu, Ring r, long tsc, long ip, boolean user) {
        r.pending = false;
        int n = r.count;
        long[] from = new long[n];
        long[] to = new long[n];
        int[] cycles = new int[n];
        long[] when = new long[n];
        long[] fromIndex = new long[n];
        long[] nextIndex = new long[n];
        int depth = r.from.length;
        for (int k = 0; k < n; k++) {
            int i = Math.floorMod(r.head - 1 - k, depth);
            from[k] = r.from[i];
            to[k] = r.to[i];
            cycles[k] = r.cycles[i];
            when[k] = r.tsc[i];
            fromIndex[k] = r.fromIndex[i];
            nextIndex[k] = r.nextIndex[i];
        }
        // The oldest entry's cycles count from a branch the stack no longer holds, or none.
        long hwIdx = config.hwIndex() ? (r.recorded - 1) % depth : -1;
        sink.accept(new LbrSample(cpu, tsc, ip, user, hwIdx, from, to, cycles, when, fromIndex, nextIndex));
    }
}
