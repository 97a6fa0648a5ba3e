package dev.textpoke.sim.truth;

import java.util.ArrayList;
import java.util.List;

/**
 * An append-only log of unsigned LEB128 varints in 1 MB chunks (no copying as it grows, no array
 * larger than a chunk), read back in order by a {@link Reader}.
 */
final class ByteLog {
    private static final int CHUNK = 1 << 20;

    private final List<byte[]> chunks = new ArrayList<>();
    private byte[] current;
    private int pos = CHUNK;
    private long size;

    void putVarint(long v) {
        while ((v & ~0x7fL) != 0) {
            put((byte) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        put((byte) v);
    }

    private void put(byte b) {
        if (pos == CHUNK) {
            current = new byte[CHUNK];
            chunks.add(current);
            pos = 0;
        }
        current[pos++] = b;
        size++;
    }

    long size() {
        return size;
    }

    Reader reader() {
        return new Reader();
    }

    /** Reads the varints back from the start. */
    final class Reader {
        private long read;
        private int chunk;
        private int off;

        boolean hasMore() {
            return read < size;
        }

        long varint() {
            long v = 0;
            int shift = 0;
            while (true) {
                byte b = chunks.get(chunk)[off++];
                read++;
                if (off == CHUNK) {
                    chunk++;
                    off = 0;
                }
                v |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return v;
                }
                shift += 7;
            }
        }
    }
}
