package dev.textpoke.pt.decode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
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
        UnitCode code();

        @Override
        void close();
    }

    public static DecodeCounts count(List<DecodeUnit> units, int threads, TraceSetup setup, Supplier<Worker> workers)
            throws IOException {
        return count(units, threads, setup, workers, done -> { });
    }

    /**
     * As {@link #count}, telling {@code progress} how many units are done after each (from the
     * decoding threads, one call at a time).
     */
    public static DecodeCounts count(List<DecodeUnit> units, int threads, TraceSetup setup, Supplier<Worker> workers,
            IntConsumer progress) throws IOException {
        // One DecodeCounts per thread, added up at the end: the totals do not depend on who took what.
        List<DecodeCounts> counts = new ArrayList<>();
        AtomicInteger done = new AtomicInteger();
        Parallel.run(units.size(), threads, () -> new Counting(workers.get(), setup, counts),
                (Counting c, int i) -> {
                    c.decoder.decode(units.get(i), c.counts);
                    synchronized (progress) {
                        progress.accept(done.incrementAndGet());
                    }
                });
        DecodeCounts total = new DecodeCounts();
        counts.forEach(total::add);
        return total;
    }

    /** One thread's decoder and counts. */
    private static final class Counting implements AutoCloseable {
        final Worker worker;
        final UnitDecoder decoder;
        final DecodeCounts counts = new DecodeCounts();

        Counting(Worker worker, TraceSetup setup, List<DecodeCounts> all) {
            this.worker = worker;
            this.decoder = new UnitDecoder(setup, worker.code());
            synchronized (all) {
                all.add(counts);
            }
        }

        @Override
        public void close() throws IOException {
            try {
                decoder.close();
            } finally {
                worker.close();
            }
        }
    }
}
