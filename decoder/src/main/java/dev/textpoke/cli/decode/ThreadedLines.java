package dev.textpoke.cli.decode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A queue decoded in a thread of its own, up to eight chunks ahead of the merger (bounded: memory does
 * not grow with the trace). What the merger receives is exactly what {@link QueueLines} gives in
 * the caller's thread, so the output does not depend on the number of threads.
 */
final class ThreadedLines extends QueueLines {
    private static final LineChunk END = new LineChunk();

    private final BlockingQueue<LineChunk> ready = new ArrayBlockingQueue<>(8);
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
            LineChunk c;
            while ((c = super.next()) != null) {
                ready.put(c);
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
        if (finished) {
            return null;
        }
        LineChunk c;
        try {
            c = ready.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (c == END) {
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
        return c;
    }

    void stop() {
        thread.interrupt();
    }
}
