package dev.textpoke.cli;

import java.io.PrintWriter;

/**
 * Progress for long work, on stderr and only when stderr is a terminal (whatever stdin and stdout
 * are: {@code textpoke dump big.data > out.txt} shows it): a single line rewritten in place at most
 * a few times a second, erased by {@link #done()}. When stderr is not a terminal (pipes, CI, tests)
 * it prints nothing.
 */
public final class Progress {
    private static final long MIN_INTERVAL_NANOS = 200_000_000L;

    private final PrintWriter err;
    private final boolean enabled;
    private final String label;
    private long lastNanos;
    private int lastWidth;

    private Progress(PrintWriter err, boolean enabled, String label) {
        this.err = err;
        this.enabled = enabled;
        this.label = label;
    }

    /** Progress on {@code err}, shown only when the process's standard error is a terminal. */
    public static Progress onTerminal(PrintWriter err, String label) {
        return new Progress(err, Terminal.isTerminal(Terminal.STDERR), label);
    }

    /** Progress on {@code err} when {@code shown}; for tests and callers that decided themselves. */
    public static Progress of(PrintWriter err, String label, boolean shown) {
        return new Progress(err, shown, label);
    }

    /** Reports {@code done} out of {@code total} units ({@code total <= 0}: unknown). */
    public void update(long done, long total, String unit) {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastNanos < MIN_INTERVAL_NANOS) {
            return;
        }
        lastNanos = now;
        String line = total > 0
                ? String.format("%s: %d%% (%,d / %,d %s)", label, done * 100 / total, done, total, unit)
                : String.format("%s: %,d %s", label, done, unit);
        err.print("\r" + line + " ".repeat(Math.max(0, lastWidth - line.length())));
        err.flush();
        lastWidth = line.length();
    }

    /** Erases the progress line. */
    public void done() {
        if (enabled && lastWidth > 0) {
            err.print("\r" + " ".repeat(lastWidth) + "\r");
            err.flush();
            lastWidth = 0;
        }
    }
}
