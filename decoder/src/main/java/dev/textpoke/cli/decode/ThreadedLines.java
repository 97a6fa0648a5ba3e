package dev.textpoke.cli.decode;

import dev.textpoke.cli.Uninterruptibly;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A queue decoded in a thread of its own, a few batches of chunks ahead of the merger (bounded:
 * memory does not grow with the trace). What the merger receives is exactly what {@link QueueLines}
 * gives in the caller's thread, so the output does not depend on the number of threads.
 *
 * <p>Chunks go over in batches: the merger is faster than the decoding threads and waits for each
 * hand-over, and waking a thread that sleeps (in a VM, an interrupt to an idle virtual CPU) for
 * every 64 KB of lines cost as much CPU time as the decoding itself. A chunk stays small, so that
 * the lines the merger copies are still in the cache.
 */
final class ThreadedLines extends QueueLines {
    /** Chunks per hand-over. */
    static final int BATCH = 16;
    private static final List<LineChunk> END = List.of();

    private final BlockingQueue<List<LineChunk>> ready = new ArrayBlockingQueue<>(2);
    private final ArrayDeque<LineChunk> taken = new ArrayDeque<>(BATCH);
    private volatile Throwable failure;
    private final Thread thread;
    private boolean finished;

    ThreadedLines(dev.textpoke.pt.decode.QueueDecoder decoder, String name) {
        super(decoder);
        thread = new Thread(this::produce, name);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void produce() {
        try {
            List<LineChunk> batch = new ArrayList<>(BATCH);
            LineChunk c;
            while ((c = super.next()) != null) {
                batch.add(c);
                if (batch.size() == BATCH) {
                    ready.put(batch);
                    batch = new ArrayList<>(BATCH);
                }
            }
            if (!batch.isEmpty()) {
                ready.put(batch);
            }
        } catch (Throwable t) {
            failure = t;
        } finally {
            try {
                ready.put(END);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    LineChunk next() throws IOException {
        if (!taken.isEmpty()) {
            return taken.poll();
        }
        if (finished) {
            return null;
        }
        List<LineChunk> batch;
        try {
            batch = ready.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (batch == END) {
            finished = true;
            Throwable t = failure;
            if (t instanceof IOException io) {
                throw io;
            }
            if (t instanceof RuntimeException r) {
                throw r;
            }
            if (t instanceof Error e) {
                throw e;
            }
            if (t != null) {
                throw new UncheckedIOException(new IOException(t));
            }
            return null;
        }
        taken.addAll(batch);
        return taken.poll();
    }

    /**
     * Ends the decoding thread and waits until it has: the code caches it decodes with (a Capstone
     * handle among them) are closed next, and closing them under a running decoder crashed the JVM
     * in native code when the reader of the output went away ({@code decode | head}).
     */
    void stop() {
        thread.interrupt();
        while (thread.isAlive()) {
            ready.clear(); // nobody takes batches any more: a thread handing one over must not wait
            Uninterruptibly.run(() -> thread.join(10));
        }
    }
}
