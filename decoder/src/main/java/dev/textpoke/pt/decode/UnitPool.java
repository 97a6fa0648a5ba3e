package dev.textpoke.pt.decode;

import dev.textpoke.pt.flow.CodeBlocks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Decodes units on several threads when only counts are wanted: each thread takes the next unit
 * not yet taken, with code caches of its own; the counts add up to the same totals whatever the
 * number of threads or the order units are taken in.
 */
public final class UnitPool {
    private UnitPool() {}

    /** What one thread decodes with: its own code caches, closed when it is done. */
    public interface Worker extends AutoCloseable {
        CodeBlocks code();

        @Override
        void close();
    }

    public static DecodeCounts count(List<DecodeUnit> units, int threads, TraceSetup setup, Supplier<Worker> workers)
            throws IOException {
        AtomicInteger next = new AtomicInteger();
        int n = Math.max(1, Math.min(threads, units.size()));
        List<DecodeCounts> counts = new ArrayList<>();
        List<Thread> running = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            DecodeCounts c = new DecodeCounts();
            counts.add(c);
            Runnable work = () -> {
                try (Worker w = workers.get(); UnitDecoder d = new UnitDecoder(setup, w.code())) {
                    int i;
                    while ((i = next.getAndIncrement()) < units.size()) {
                        d.decode(units.get(i), c);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            };
            if (n == 1) {
                work.run();
            } else {
                Thread th = new Thread(work, "decode-" + t);
                th.setUncaughtExceptionHandler((x, e) -> {
                    synchronized (failures) {
                        failures.add(e);
                    }
                });
                th.start();
                running.add(th);
            }
        }
        for (Thread th : running) {
            try {
                th.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        if (!failures.isEmpty()) {
            Throwable f = failures.get(0);
            if (f instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            if (f instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException(f);
        }
        DecodeCounts total = new DecodeCounts();
        counts.forEach(total::add);
        return total;
    }
}
