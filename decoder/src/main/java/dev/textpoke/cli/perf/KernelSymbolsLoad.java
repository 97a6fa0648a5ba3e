package dev.textpoke.cli.perf;

import dev.textpoke.cli.Uninterruptibly;
import dev.textpoke.code.space.KernelSymbols;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;

/**
 * The kernel's symbols of one command, read once: at their first use, or ahead of it on a thread
 * of their own once the command knows it will need them. Reading {@code /proc/kallsyms} costs some
 * 40 ms of the kernel's time and as much again to index, and a tracepoint pass whose formats name
 * kernel functions ({@code %pS}) stopped at its first such event to wait for it; read ahead, it
 * overlaps the events before. Either way an error in reading them shows at the first use, as an
 * {@link UncheckedIOException} (or the RuntimeException the reader threw), and not before. Safe to
 * use from more than one thread.
 */
final class KernelSymbolsLoad implements Supplier<KernelSymbols> {
    /** Chooses where the symbols come from (on the command's thread) and gives their reader. */
    interface Source {
        Callable<KernelSymbols> reader() throws IOException;
    }

    private final Source source;
    private FutureTask<KernelSymbols> reading;
    private KernelSymbols symbols;

    KernelSymbolsLoad(Source source) {
        this.source = source;
    }

    /** Starts reading the symbols on a thread of their own, unless that started already. */
    synchronized void readAhead() {
        if (reading != null) {
            return;
        }
        reading = new FutureTask<>(reader());
        Thread t = new Thread(reading, "textpoke-kernel-symbols");
        t.setDaemon(true); // a command that never needs them does not wait for them
        t.start();
    }

    /** Whether {@link #readAhead} started the reading. */
    synchronized boolean readingAhead() {
        return reading != null;
    }

    /** The symbols: read now, or when read ahead, once that reading has ended. */
    @Override
    public synchronized KernelSymbols get() {
        if (symbols == null) {
            if (reading == null) {
                reading = new FutureTask<>(reader());
                reading.run();
            }
            symbols = await(reading);
        }
        return symbols;
    }

    /** The source's reader; a failure to choose the source is deferred to the first use. */
    private Callable<KernelSymbols> reader() {
        try {
            return source.reader();
        } catch (IOException | RuntimeException e) {
            return () -> {
                throw e;
            };
        }
    }

    private static KernelSymbols await(FutureTask<KernelSymbols> task) {
        try {
            return Uninterruptibly.get(task::get);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw new UncheckedIOException(io);
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        }
    }
}
