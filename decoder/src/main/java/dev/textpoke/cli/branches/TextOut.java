package dev.textpoke.cli.branches;

import java.io.PrintWriter;

/**
 * Text built in a {@link StringBuilder} and written out in chunks: through one reused char array,
 * so that gigabytes of brstackinsn text cost no String per chunk ({@code PrintWriter.append} of a
 * builder copies it into a String, then into chars).
 */
final class TextOut {
    private static final int CHUNK = 1 << 16;

    private final PrintWriter out;
    private final StringBuilder sb = new StringBuilder(2 * CHUNK);
    private char[] chars = new char[2 * CHUNK];

    TextOut(PrintWriter out) {
        this.out = out;
    }

    /** The builder to append to; call {@link #maybeFlush()} after each piece. */
    StringBuilder sb() {
        return sb;
    }

    void maybeFlush() {
        if (sb.length() >= CHUNK) {
            flush();
        }
    }

    void flush() {
        int n = sb.length();
        if (chars.length < n) {
            chars = new char[Math.max(n, 2 * chars.length)];
        }
        sb.getChars(0, n, chars, 0);
        out.write(chars, 0, n);
        sb.setLength(0);
    }

    /** Flushes what was built and the writer: before a line on stderr, and at the end. */
    void flushAll() {
        flush();
        out.flush();
    }
}
