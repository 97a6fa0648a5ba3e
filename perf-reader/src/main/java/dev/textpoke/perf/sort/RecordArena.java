package dev.textpoke.perf.sort;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Copies of queued records, packed into fixed-size chunks; a chunk is reused once every record in
 * it has been handed out. Memory is what is queued, rounded up to whole chunks.
 */
final class RecordArena {
    /** Chunk size: several records (at most 64 KB each), and small enough for one arena per directory input. */
    static final int CHUNK = 1 << 20;

    private final ByteOrder order;
    private final List<ByteBuffer> chunks = new ArrayList<>();
    private int[] live = new int[8];
    private final ArrayDeque<Integer> free = new ArrayDeque<>();
    private int current = -1;
    private int pos;
    private long queuedBytes;

    RecordArena(ByteOrder order) {
        this.order = order;
    }

    /** Copies {@code size} bytes at {@code start} of {@code src}; returns where they are. */
    long put(ByteBuffer src, int start, int size) {
        if (current < 0 || pos + size > CHUNK) {
            if (current >= 0 && live[current] == 0) {
                free.push(current);
            }
            current = free.isEmpty() ? newChunk() : free.pop();
            pos = 0;
        }
        chunks.get(current).put(pos, src, start, size);
        long loc = (long) current << 32 | pos;
        pos += size;
        live[current]++;
        queuedBytes += size;
        return loc;
    }

    private int newChunk() {
        chunks.add(ByteBuffer.allocate(CHUNK).order(order));
        if (chunks.size() > live.length) {
            live = java.util.Arrays.copyOf(live, live.length * 2);
        }
        return chunks.size() - 1;
    }

    ByteBuffer buffer(long loc) {
        return chunks.get((int) (loc >>> 32));
    }

    static int position(long loc) {
        return (int) loc;
    }

    /** The record at {@code loc} ({@code size} bytes) is no longer needed. */
    void release(long loc, int size) {
        int c = (int) (loc >>> 32);
        int n = --live[c];
        queuedBytes -= size;
        if (n == 0 && c != current) {
            free.push(c);
        }
    }

    /** Bytes of records queued now. */
    long queuedBytes() {
        return queuedBytes;
    }

    /** Bytes held in chunks, queued or reusable. */
    long heldBytes() {
        return (long) chunks.size() * CHUNK;
    }
}
