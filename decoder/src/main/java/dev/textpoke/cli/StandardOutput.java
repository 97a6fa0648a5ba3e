package dev.textpoke.cli;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Writer;

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
        return new Bytes(new BufferedOutputStream(new StandardOutput(out), BUFFER));
    }

    /**
     * A PrintWriter that also takes UTF-8 bytes, in order with its text: commands that print
     * millions of lines build them as bytes ({@code samples}) and skip the character encoder.
     */
    public static final class Bytes extends PrintWriter {
        private final OutputStream bytes;

        Bytes(OutputStream bytes) {
            super(new Utf8Writer(bytes), false);
            this.bytes = bytes;
        }

        /** Writes UTF-8 bytes after whatever text was printed before. */
        public void writeBytes(byte[] b, int off, int len) {
            try {
                bytes.write(b, off, len);
            } catch (IOException e) {
                setError();
            }
        }
    }

    /**
     * Characters to UTF-8 straight into the (buffered) byte stream, without a buffer of its own,
     * so that text and {@link Bytes#writeBytes} bytes stay in order without flushing.
     */
    private static final class Utf8Writer extends Writer {
        private final OutputStream out;
        private final byte[] buf = new byte[8192];

        Utf8Writer(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(char[] c, int off, int len) throws IOException {
            int n = 0;
            for (int i = off; i < off + len; i++) {
                if (n > buf.length - 4) {
                    out.write(buf, 0, n);
                    n = 0;
                }
                char ch = c[i];
                if (ch < 0x80) {
                    buf[n++] = (byte) ch;
                } else if (ch < 0x800) {
                    buf[n++] = (byte) (0xc0 | ch >> 6);
                    buf[n++] = (byte) (0x80 | ch & 0x3f);
                } else if (Character.isHighSurrogate(ch) && i + 1 < off + len && Character.isLowSurrogate(c[i + 1])) {
                    int cp = Character.toCodePoint(ch, c[++i]);
                    buf[n++] = (byte) (0xf0 | cp >> 18);
                    buf[n++] = (byte) (0x80 | cp >> 12 & 0x3f);
                    buf[n++] = (byte) (0x80 | cp >> 6 & 0x3f);
                    buf[n++] = (byte) (0x80 | cp & 0x3f);
                } else {
                    char x = Character.isSurrogate(ch) ? '?' : ch;
                    buf[n++] = (byte) (0xe0 | x >> 12);
                    buf[n++] = (byte) (0x80 | x >> 6 & 0x3f);
                    buf[n++] = (byte) (0x80 | x & 0x3f);
                }
            }
            out.write(buf, 0, n);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
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
