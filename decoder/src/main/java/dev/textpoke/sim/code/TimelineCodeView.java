package dev.textpoke.sim.code;

import dev.textpoke.code.AppliedModification;
import dev.textpoke.code.CodeTimeline;
import dev.textpoke.code.Region;
import dev.textpoke.code.WindowSide;
import dev.textpoke.isa.Decoded;
import dev.textpoke.isa.InstructionCache;
import dev.textpoke.isa.InstructionClassifier;
import java.util.Arrays;
import java.util.TreeSet;

/**
 * Every CPU fetches what memory holds at its time: the {@link CodeTimeline} of the base image and
 * every physical write (a write at {@code t} is seen by every fetch at or after {@code t}).
 * Classification goes through {@link InstructionCache}, keyed by code version.
 *
 * <p>Fast path: the code only changes at the timeline's change times, so each CPU keeps, per
 * address, the instruction it fetched and the <em>epoch</em> (how many change times had passed)
 * it was valid in. A fetch in the same epoch is one hash probe; a fetch in a later epoch asks the
 * timeline for the address's version once and keeps the instruction if the version is unchanged.
 * Uncertain windows ({@link dev.textpoke.code.Switch.Window}) are read on their new side: the
 * simulator's memory has none unless a caller adds them; protocols that need a CPU to see either
 * side say so through an {@link OverlayCodeView}.
 *
 * <p>Not thread-safe: the executor runs its CPUs on one thread.
 */
public final class TimelineCodeView implements CodeView {
    private static final int MAX_LENGTH = 15;

    private final CodeTimeline timeline;
    private final InstructionCache cache;
    private final InsnTable table;
    private final long[] changeTimes;
    private final PerCpu[] cpus;
    private final byte[] buffer = new byte[CodeTimeline.VERSION_SPAN];

    /** One CPU's fetched instructions: open addressing on the address. */
    private static final class PerCpu {
        long[] ips = new long[1024];
        int[] epochs = new int[1024];
        long[] versions = new long[1024];
        Insn[] insns = new Insn[1024];
        int size;
        int epoch;
        long epochStart = Long.MIN_VALUE;
        long epochEnd;
    }

    public TimelineCodeView(CodeTimeline timeline, InstructionClassifier classifier, InsnTable table,
            int cpus) {
        this.timeline = timeline;
        this.cache = new InstructionCache(timeline, classifier);
        this.table = table;
        TreeSet<Long> times = new TreeSet<>();
        for (AppliedModification m : timeline.modifications()) {
            times.add(m.modification().switching().start());
            times.add(m.modification().switching().end());
        }
        for (Region r : timeline.regions()) {
            times.add(r.from());
            times.add(r.to());
        }
        times.remove(Long.MIN_VALUE);
        changeTimes = times.stream().mapToLong(Long::longValue).toArray();
        this.cpus = new PerCpu[cpus];
        for (int i = 0; i < cpus; i++) {
            this.cpus[i] = new PerCpu();
            locate(this.cpus[i], Long.MIN_VALUE);
        }
    }

    public CodeTimeline timeline() {
        return timeline;
    }

    public InsnTable table() {
        return table;
    }

    @Override
    public Insn fetch(int cpu, long ip, long tsc) {
        PerCpu c = cpus[cpu];
        if (tsc >= c.epochEnd || tsc < c.epochStart) {
            locate(c, tsc);
        }
        int mask = c.ips.length - 1;
        int i = slot(ip, mask);
        while (c.insns[i] != null) {
            if (c.ips[i] == ip) {
                if (c.epochs[i] == c.epoch) {
                    return c.insns[i];
                }
                long v = timeline.version(ip, tsc);
                if (v == c.versions[i] && v != CodeTimeline.UNVERSIONED) {
                    c.epochs[i] = c.epoch;
                    return c.insns[i];
                }
                Insn insn = decode(ip, tsc);
                c.epochs[i] = c.epoch;
                c.versions[i] = v;
                c.insns[i] = insn;
                return insn;
            }
            i = (i + 1) & mask;
        }
        long v = timeline.version(ip, tsc);
        Insn insn = decode(ip, tsc);
        c.ips[i] = ip;
        c.epochs[i] = c.epoch;
        c.versions[i] = v;
        c.insns[i] = insn;
        if (++c.size * 2 > c.ips.length) {
            grow(c);
        }
        return insn;
    }

    private Insn decode(long ip, long tsc) {
        Decoded d = cache.at(ip, tsc, WindowSide.NEW);
        int n = timeline.read(ip, tsc, WindowSide.NEW, buffer, 0, MAX_LENGTH);
        return table.intern(ip, buffer, 0, n, d);
    }

    /** Sets the CPU's epoch to the one holding {@code tsc}: the number of change times at or before it. */
    private void locate(PerCpu c, long tsc) {
        int k = Arrays.binarySearch(changeTimes, tsc);
        int epoch = k >= 0 ? k + 1 : -k - 1;
        // Equal change times were merged, so k + 1 counts every time <= tsc.
        c.epoch = epoch;
        c.epochStart = epoch == 0 ? Long.MIN_VALUE : changeTimes[epoch - 1];
        c.epochEnd = epoch < changeTimes.length ? changeTimes[epoch] : Long.MAX_VALUE;
    }

    private static int slot(long ip, int mask) {
        long h = ip * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    private static void grow(PerCpu c) {
        long[] ips = c.ips;
        int[] epochs = c.epochs;
        long[] versions = c.versions;
        Insn[] insns = c.insns;
        int n = ips.length * 2;
        c.ips = new long[n];
        c.epochs = new int[n];
        c.versions = new long[n];
        c.insns = new Insn[n];
        int mask = n - 1;
        for (int j = 0; j < ips.length; j++) {
            if (insns[j] != null) {
                int i = slot(ips[j], mask);
                while (c.insns[i] != null) {
                    i = (i + 1) & mask;
                }
                c.ips[i] = ips[j];
                c.epochs[i] = epochs[j];
                c.versions[i] = versions[j];
                c.insns[i] = insns[j];
            }
        }
    }
}
