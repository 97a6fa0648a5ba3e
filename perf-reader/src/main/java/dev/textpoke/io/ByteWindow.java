package dev.textpoke.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;

/**
 * A sliding window over a long sequential input, so that memory stays constant however long the
 * input is: the bytes {@code [position, limit)} of one reusable buffer, refilled from a {@link
 * Source} when a caller asks for more than the window holds.
 *
 * <p>{@link #offset()} is the absolute input offset of the byte at {@link #position()}. Views handed
 * out of {@link #buffer()} stay valid only until the next {@link #ensure} or {@link #skip}, which may
 * move the bytes.
 */
public final class ByteWindow {
    /** Where the window's bytes come from. */
    public interface Source {
        /**
         * Appends bytes at {@code dst}'s position (up to its limit) and returns how many were
         * appended, 0 when none are available right now, or -1 at the end of the input.
         */
        int fill(ByteBuffer dst) throws IOException;

        /** Drops {@code n} bytes without reading them where the source allows; returns how many were dropped. */
        default long discard(long n) throws IOException {
            return 0;
        }
    }

    private final ByteBuffer buf;
    private final Source source;
    private long base;
    private boolean eof;

    /**
     * @param capacity the largest run of bytes a caller can {@link #ensure} at once
     * @param start    absolute offset of the first byte {@code source} delivers
     */
    public ByteWindow(Source source, int capacity, ByteOrder order, long start) {
        this.source = source;
        this.buf = ByteBuffer.allocateDirect(capacity).order(order);
        this.buf.limit(0);
        this.base = start;
    }

    /** The buffer: bytes {@code [position(), limit())} are the window; read with absolute gets. */
    public ByteBuffer buffer() {
        return buf;
    }

    public int position() {
        return buf.position();
    }

    public int limit() {
        return buf.limit();
    }

    public int capacity() {
        return buf.capacity();
    }

    /** Bytes available in the window without reading more. */
    public int available() {
        return buf.remaining();
    }

    /** Absolute input offset of the byte at {@link #position()}. */
    public long offset() {
        return base + buf.position();
    }

    /** Whether the source said it has nothing more (bytes may still be left in the window). */
    public boolean sourceExhausted() {
        return eof;
    }

    /**
     * Makes at least {@code n} bytes ({@code n <= capacity()}) available from the position, reading
     * more when needed. Returns false when the source ends or has nothing right now before that
     * many are there; whatever was available stays available.
     */
    public boolean ensure(int n) throws IOException {
        if (buf.remaining() >= n) {
            return true;
        }
        if (n > buf.capacity()) {
            throw new IllegalArgumentException("window of " + buf.capacity() + " bytes cannot hold " + n);
        }
        compact();
        while (buf.remaining() < n && !eof) {
            int p = buf.position();
            int l = buf.limit();
            buf.position(l).limit(buf.capacity());
            int got;
            try {
                got = source.fill(buf);
            } finally {
                buf.limit(buf.position()).position(p);
            }
            if (got < 0) {
                eof = true;
            } else if (got == 0) {
                break;
            }
        }
        return buf.remaining() >= n;
    }

    /** Moves the window's bytes to the start of the buffer. */
    private void compact() {
        int p = buf.position();
        if (p == 0) {
            return;
        }
        base += p;
        buf.compact();
        buf.flip();
    }

    /** Moves the position forward by {@code n} bytes, which must be available. */
    public void advance(int n) {
        buf.position(buf.position() + n);
    }

    /**
     * Moves forward by {@code n} bytes that need not be in the window (payloads after a record),
     * reading or discarding what is not. Returns how many could be skipped; less than {@code n}
     * means the input ended first.
     */
    public long skip(long n) throws IOException {
        int inWindow = (int) Math.min(n, buf.remaining());
        advance(inWindow);
        long done = inWindow;
        if (done < n) {
            base += buf.position();
            buf.position(0).limit(0);
            long dropped = source.discard(n - done);
            base += dropped;
            done += dropped;
            while (done < n && !eof) {
                int want = (int) Math.min(buf.capacity(), n - done);
                if (!ensure(want) && buf.remaining() == 0) {
                    break;
                }
                int step = (int) Math.min(buf.remaining(), n - done);
                advance(step);
                done += step;
            }
        }
        return done;
    }

    /** Reads the window in {@code order} from now on (pipe input learns its order from its magic). */
    public void order(ByteOrder order) {
        buf.order(order);
    }

    /**
     * The region {@code [start, end)} of a file channel, read with positional reads (the channel's
     * own position is not used); skipping is free.
     */
    public static Source fileRegion(FileChannel channel, long start, long end) {
        return new Source() {
            private long next = start;

            @Override
            public int fill(ByteBuffer dst) throws IOException {
                if (next >= end) {
                    return -1;
                }
                int room = dst.remaining();
                if (end - next < room) {
                    dst.limit(dst.position() + (int) (end - next));
                }
                int got = channel.read(dst, next);
                if (got < 0) {
                    return -1;
                }
                next += got;
                return got;
            }

            @Override
            public long discard(long n) {
                long d = Math.min(n, Math.max(0, end - next));
                next += d;
                return d;
            }
        };
    }

    /** A sequential stream (a pipe, stdin); skipped bytes are read and dropped. */
    public static Source stream(ReadableByteChannel channel) {
        return dst -> {
            int got = channel.read(dst);
            // A blocking channel returns 0 only for an empty destination; treat it as "try again".
            return got;
        };
    }
}
