package dev.textpoke.branches;

import dev.textpoke.sim.lbr.LbrTraceWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Writes the benchmark's LBR trace (run by {@code bench/branches.sh}): the hand-run of the poke
 * kernel's loop ({@link HandTrace}) streamed to the LBR trace writer, a sample of 16 entries after
 * every 5th branch on alternate CPUs, with the jump labels flipped and the ftrace trampoline hooked
 * or freed every 1,000 turns, so that some stacks cross modifications, as in a long kernel
 * recording. Constant memory.
 *
 * <p>{@code LbrBenchmarkTrace DIR SAMPLES}
 */
public final class LbrBenchmarkTrace extends HandTrace {
    private static final int EVERY = 5;
    private final LbrTraceWriter writer;
    private final ArrayDeque<Branch> ring = new ArrayDeque<>(DEPTH + 1);
    private long left;
    private long seen;

    private LbrBenchmarkTrace(Path dir, long samples) throws IOException {
        writer = LbrTraceWriter.create(dir, image, new LbrTraceWriter.Config(1000, false, 2), 500);
        left = samples;
    }

    public static void main(String[] args) throws Exception {
        LbrBenchmarkTrace t = new LbrBenchmarkTrace(Path.of(args[0]), Long.parseLong(args[1]));
        try (LbrTraceWriter w = t.writer) {
            for (int epoch = 0; t.left > 0; epoch++) {
                t.turns(1000);
                t.schedTick(!t.schedOn);
                t.turns(1000);
                t.schedstat(!t.schedstatOn);
                t.turns(1000);
                if (t.ftraceOn) {
                    t.ftraceOff();
                } else {
                    t.ftraceOn();
                }
            }
        }
    }

    private void turns(int n) {
        for (int i = 0; i < n && left > 0; i++) {
            iteration();
        }
    }

    @Override
    protected void onBranch(Branch b) {
        ring.addLast(b);
        if (ring.size() > DEPTH) {
            ring.removeFirst();
        }
        if (++seen % EVERY == 0 && ring.size() == DEPTH && left > 0) {
            List<Branch> newestFirst = new ArrayList<>(DEPTH);
            for (Iterator<Branch> it = ring.descendingIterator(); it.hasNext();) {
                newestFirst.add(it.next());
            }
            try {
                writer.sample(b.time() + 3, (int) (seen / EVERY % 2), 0, 0, b.to(), -1, entries(newestFirst));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            left--;
        }
    }

    @Override
    protected void onPoke(Poke p) {
        try {
            writer.textPoke(p.time(), 0, p.addr(), p.old(), p.replacement());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected void onKsym(Ksym k) {
        try {
            writer.ksymbol(k.time(), 0, k.addr(), k.len(), 2, k.unregister(), k.name());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
