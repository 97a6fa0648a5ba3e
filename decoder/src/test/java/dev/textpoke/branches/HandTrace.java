package dev.textpoke.branches;

import dev.textpoke.code.BaseImage;
import dev.textpoke.code.ImageSegment;
import dev.textpoke.code.image.KcoreDir;
import dev.textpoke.io.Bytes;
import dev.textpoke.isa.Decoded;
import dev.textpoke.isa.Instruction;
import dev.textpoke.isa.InstructionClassifier;
import dev.textpoke.perf.oracle.TraceFiles;
import dev.textpoke.perf.record.BranchEntry;
import dev.textpoke.sim.lbr.LbrTraceWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A hand-run of the tiny kernel of {@code traces/pokes/kernel.c} (its committed image): the loop of
 * {@code start_kernel} as the CPU takes it with each patch site in the state it has at the time
 * (the jump labels in {@code sched_tick} and {@code schedstat_enabled}, the ftrace site at {@code
 * do_sys_open} calling a trampoline), every taken branch with its time, and LBR samples that keep
 * the last 16 of them. Written by {@link LbrTraceWriter}; what ran is known by construction, and
 * its bytes come from a naive replay of the pokes over the image ({@link #bytes}), which shares
 * nothing with the code timeline.
 */
class HandTrace {
    static final long TEXT = 0xffffffff81000000L;
    static final long TRAMPOLINE = 0xffffffffc0400000L;
    static final Bytes NOP5 = Bytes.ofHex("0f1f440000");
    static final Bytes NOP2 = Bytes.ofHex("6690");
    /** The trampoline: push rbp; mov rbp,rsp; call +0; pop rbp; ret. */
    static final Bytes TRAMPOLINE_CODE = Bytes.ofHex("55" + "4889e5" + "e800000000" + "5d" + "c3");
    /** Taken branches per sample. */
    static final int DEPTH = 16;

    record Branch(long from, long to, long time) {}

    record Poke(long time, long addr, Bytes old, Bytes replacement) {}

    record Ksym(long time, long addr, int len, String name, boolean unregister) {}

    record Sample(long time, int cpu, long ip, List<Branch> newestFirst) {}

    final BaseImage image;
    final List<Poke> pokes = new ArrayList<>();
    final List<Ksym> ksyms = new ArrayList<>();
    final List<Branch> executed = new ArrayList<>();
    final List<Sample> samples = new ArrayList<>();
    boolean schedOn;
    boolean schedstatOn;
    boolean ftraceOn;
    long now = 1_000;

    HandTrace() throws IOException {
        image = KcoreDir.load(TraceFiles.traces().resolve("pokes/pokes.data/kcore_dir")).image();
    }

    static long k(int offset) {
        return TEXT + offset;
    }

    private void br(long from, long to) {
        now += 10;
        onBranch(new Branch(from, to, now));
    }

    /** Keeps the branch; a streaming run (the benchmark's) writes it out instead. */
    protected void onBranch(Branch b) {
        executed.add(b);
    }

    protected void onPoke(Poke p) {
        pokes.add(p);
    }

    protected void onKsym(Ksym k) {
        ksyms.add(k);
    }

    /** One turn of start_kernel's loop, each site as it is now. */
    HandTrace iteration() {
        br(k(0xa8), k(0x10));
        if (schedOn) {
            br(k(0x10), k(0x25));
            br(k(0x37), k(0xad));
        } else {
            br(k(0x24), k(0xad));
        }
        br(k(0xb3), k(0x40));
        if (schedstatOn) {
            br(k(0x42), k(0x4a));
            br(k(0x4a), k(0xb8));
        } else {
            br(k(0x44), k(0xb8));
        }
        br(k(0xba), k(0x00));
        if (ftraceOn) {
            br(k(0x00), TRAMPOLINE);
            br(TRAMPOLINE + 4, TRAMPOLINE + 9);
            br(TRAMPOLINE + 0xa, k(0x05));
        }
        br(k(0x08), k(0xbf));
        br(k(0xcc), k(0x70));
        br(k(0x8f), k(0x80));
        br(k(0x8f), k(0x80));
        br(k(0x91), k(0xd1));
        br(k(0xdb), k(0x50));
        br(k(0x55), k(0xe0));
        br(k(0xe0), k(0xa8));
        return this;
    }

    HandTrace iterations(int n) {
        for (int i = 0; i < n; i++) {
            iteration();
        }
        return this;
    }

    private HandTrace poke(long addr, Bytes old, Bytes replacement) {
        now += 5;
        onPoke(new Poke(now, addr, old, replacement));
        return this;
    }

    /** The 5-byte jump label in sched_tick: on jumps to its slow path. */
    HandTrace schedTick(boolean on) {
        Bytes jmp = Bytes.ofHex("e910000000");
        schedOn = on;
        return on ? poke(k(0x10), NOP5, jmp) : poke(k(0x10), jmp, NOP5);
    }

    /** The 2-byte jump label in schedstat_enabled. */
    HandTrace schedstat(boolean on) {
        Bytes jmp = Bytes.ofHex("eb06");
        schedstatOn = on;
        return on ? poke(k(0x42), NOP2, jmp) : poke(k(0x42), jmp, NOP2);
    }

    /** The ftrace trampoline announced and filled, and do_sys_open's site calling it. */
    HandTrace ftraceOn() {
        now += 5;
        onKsym(new Ksym(now, TRAMPOLINE, 0x100, "ftrace_trampoline", false));
        poke(TRAMPOLINE, Bytes.EMPTY, TRAMPOLINE_CODE);
        ftraceOn = true;
        long rel = TRAMPOLINE - (k(0) + 5);
        return poke(k(0), NOP5, call(rel));
    }

    /** The site back to its nop, the trampoline freed and unannounced. */
    HandTrace ftraceOff() {
        long rel = TRAMPOLINE - (k(0) + 5);
        poke(k(0), call(rel), NOP5);
        ftraceOn = false;
        poke(TRAMPOLINE, TRAMPOLINE_CODE, Bytes.EMPTY);
        now += 5;
        onKsym(new Ksym(now, TRAMPOLINE, 0x100, "ftrace_trampoline", true));
        return this;
    }

    private static Bytes call(long rel) {
        return Bytes.of((byte) 0xe8, (byte) rel, (byte) (rel >> 8), (byte) (rel >> 16), (byte) (rel >> 24));
    }

    /** A sample now: the last 16 branches, the ip at the newest one's target. */
    HandTrace sample(int cpu) {
        sampleAt(executed.size() - 1, cpu);
        now += 3;
        return this;
    }

    /**
     * A sample 3 ns after branch {@code index} (which must be the last branch before any later
     * poke): that branch and the 15 before it, the ip at its target.
     */
    HandTrace sampleAt(int index, int cpu) {
        List<Branch> stack = new ArrayList<>();
        for (int i = index; i >= Math.max(0, index - DEPTH + 1); i--) {
            stack.add(executed.get(i));
        }
        samples.add(new Sample(executed.get(index).time() + 3, cpu, stack.get(0).to(), stack));
        return this;
    }

    /**
     * A sample now whose stack holds only the last {@code real} branches, then {@code empty} entries
     * {@code 0 -> 0}: what an LBR not yet refilled (after a context switch) leaves in its slots.
     * {@code real} 0 is a stack of empty entries alone; the ip is then the last branch's target.
     */
    HandTrace sampleWithEmptyEntries(int cpu, int real, int empty) {
        int index = executed.size() - 1;
        List<Branch> stack = new ArrayList<>();
        for (int i = index; i > index - real; i--) {
            stack.add(executed.get(i));
        }
        for (int i = 0; i < empty; i++) {
            stack.add(new Branch(0, 0, 0));
        }
        samples.add(new Sample(executed.get(index).time() + 3, cpu, executed.get(index).to(), stack));
        now += 3;
        return this;
    }

    /** A sample after every {@code step}-th branch from the 16th on. */
    HandTrace sampleEvery(int step) {
        for (int i = DEPTH - 1; i < executed.size(); i += step) {
            sampleAt(i, i % 2);
        }
        return this;
    }

    /** The entries of a sample as the kernel writes them: predicted, with their cycles. */
    static List<BranchEntry> entries(List<Branch> newestFirst) {
        List<BranchEntry> entries = new ArrayList<>(newestFirst.size());
        for (int i = 0; i < newestFirst.size(); i++) {
            Branch b = newestFirst.get(i);
            entries.add(new BranchEntry(b.from(), b.to(), 2L | (long) cycles(newestFirst, i) << 4));
        }
        return entries;
    }

    /**
     * The cycles of entry {@code i} of a stack: its time less the next older one's (1 GHz, so
     * nanoseconds are cycles), and 7 for the oldest; none for an empty entry.
     */
    static int cycles(List<Branch> stack, int i) {
        if (stack.get(i).from() == 0) {
            return 0;
        }
        boolean older = i + 1 < stack.size() && stack.get(i + 1).from() != 0;
        return older ? (int) (stack.get(i).time() - stack.get(i + 1).time()) : 7;
    }

    /** Writes the trace: kcore_dir from the image, and every record in time order. */
    Path write(Path dir) throws IOException {
        record Item(long time, int order, Object what) {}
        List<Item> items = new ArrayList<>();
        int order = 0;
        for (Poke p : pokes) {
            items.add(new Item(p.time(), order++, p));
        }
        for (Ksym s : ksyms) {
            items.add(new Item(s.time(), order++, s));
        }
        for (Sample s : samples) {
            items.add(new Item(s.time(), order++, s));
        }
        items.sort(Comparator.comparingLong(Item::time).thenComparingInt(Item::order));
        try (LbrTraceWriter w = LbrTraceWriter.create(dir, image, new LbrTraceWriter.Config(1000, false, 2), 500)) {
            for (Item it : items) {
                if (it.what() instanceof Poke p) {
                    w.textPoke(p.time(), 0, p.addr(), p.old(), p.replacement());
                } else if (it.what() instanceof Ksym s) {
                    w.ksymbol(s.time(), 0, s.addr(), s.len(), 2, s.unregister(), s.name());
                } else {
                    Sample s = (Sample) it.what();
                    w.sample(s.time(), s.cpu(), 0, 0, s.ip(), -1, entries(s.newestFirst()));
                }
            }
        }
        return dir;
    }

    /** The bytes at {@code [addr, addr + len)} at {@code time}: the image with every poke up to then. */
    byte[] bytes(long addr, int len, long time) {
        Map<Long, Byte> mem = new HashMap<>();
        for (ImageSegment s : image.segments()) {
            byte[] b = s.bytes().toArray();
            for (int i = 0; i < b.length; i++) {
                if (s.address() + i - addr >= 0 && s.address() + i - addr < len) {
                    mem.put(s.address() + i, b[i]);
                }
            }
        }
        for (Poke p : pokes) {
            if (p.time() > time) {
                break;
            }
            for (int i = 0; i < p.old().length(); i++) {
                mem.remove(p.addr() + i);
            }
            byte[] r = p.replacement().toArray();
            for (int i = 0; i < r.length; i++) {
                mem.put(p.addr() + i, r[i]);
            }
        }
        byte[] out = new byte[len];
        for (int i = 0; i < len; i++) {
            Byte b = mem.get(addr + i);
            out[i] = b == null ? 0 : b;
        }
        return out;
    }

    /**
     * What ran from {@code start} to {@code end} at {@code time}: the instructions decoded one after
     * the other from the replayed bytes.
     */
    List<Instruction> ran(InstructionClassifier c, long start, long end, long time) {
        int len = (int) (end - start) + 16;
        byte[] code = bytes(start, len, time);
        List<Instruction> out = new ArrayList<>();
        long a = start;
        while (a <= end) {
            Decoded d = c.classify(code, (int) (a - start), len - (int) (a - start), a);
            Instruction i = (Instruction) d;
            out.add(i);
            a += i.length();
        }
        if (out.get(out.size() - 1).address() != end) {
            throw new IllegalStateException("the hand run does not reach " + Long.toHexString(end));
        }
        return out;
    }
}
