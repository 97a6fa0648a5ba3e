package dev.textpoke.cli;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * The writer commands print to: UTF-8, buffered, and failing fast. {@code System.out} is a {@code
 * PrintStream} that records a write error and carries on, so a command whose reader has gone
 * ({@code | head -1}) used to run to its end; here the first failed write throws {@link
 * OutputClosedException}, which ends the command at once (perf dies of SIGPIPE at that point).
 */
public final class StandardOutput extends OutputStream {
    private static final int BUFFER = 1 << 16;

    private final OutputStream out;
    /** The first write error: nothing is written after it (a finally block's flush must not retry). */
    private IOException failed;

    private StandardOutput(OutputStream out) {
        this.out = out;
    }

    /** A writer over file descriptor 1. */
    public static PrintWriter open() {
        return over(new FileOutputStream(FileDescriptor.out));
    }

    /** A writer over {@code out} whose write errors end the command; for tests, a stream that fails. */
    public static PrintWriter over(OutputStream out) {
        Writer w = new OutputStreamWriter(new BufferedOutputStream(new StandardOutput(out), BUFFER),
                StandardCharsets.UTF_8);
        return new PrintWriter(w, false);
    }

    @Override
    public void write(int b) {
        if (failed != null) {
            throw new OutputClosedException(failed);
        }
        try {
            out.write(b);
        } catch (IOException e) {
            failed = e;
            throw new OutputClosedException(e);
        }
    }

    @Override
    public void write(byte[] b, int off, int len) {
        if (failed != null) {
            throw new OutputClosedException(failed);
        }
        try {
            out.write(b, off, len);
        } catch (IOException e) {
            failed = e;
            throw new OutputClosedException(e);
        }
    }

    @Override
    public void flush() {
        if (failed != null) {
            throw new OutputClosedException(failed);
        }
        try {
            out.flush();
        } catch (IOException e) {
            failed = e;
            throw new OutputClosedException(e);
        }
    }

    @Override
    public void close() {
        if (failed != null) {
            throw new OutputClosedException(failed);
        }
        try {
            out.close();
        } catch (IOException e) {
            failed = e;
            throw new OutputClosedException(e);
        }
    }
}
