package dev.textpoke.code;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The chunk versions of a built timeline, contiguous per chunk and in time order within a chunk:
 * chunk {@code c} owns entries {@code [first[c], first[c + 1])}, the first being its base bytes.
 * An entry's number is unique over the timeline and serves as a code version. Immutable.
 *
 * <p>Start times are an array of their own, so that finding the entry in force reads a few
 * consecutive cache lines (and small chunks scan them without dependent loads); the rest of an
 * entry is one 24-byte record, one cache miss: {@code [0, 16)} the chunk's bytes, {@code [16, 18)}
 * the mask of known bytes, {@code [20, 24)} the change that made it.
 */
final class Versions {
    private static final int CHUNK = VersionLog.CHUNK;
    static final int RECORD = 24;
    static final int MASK = 16;
    static final int CHANGE = 20;
    /** Up to this many versions a chunk's start times are scanned rather than bisected. */
    private static final int SCAN = 16;
    private static final VarHandle INT =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle CHAR =
            MethodHandles.byteArrayViewVarHandle(char[].class, ByteOrder.LITTLE_ENDIAN);

    private final ChunkDirectory directory;
    private final int[] first;
    private final long[] start;
    private final byte[] records;
    private final Changes changes;

    Versions(ChunkDirectory directory, int[] first, long[] start, byte[] records, Changes changes) {
        this.directory = directory;
        this.first = first;
        this.start = start;
        this.records = records;
        this.changes = changes;
    }

    static void setRecord(byte[] records, int e, char mask, int change) {
        CHAR.set(records, e * RECORD + MASK, mask);
        INT.set(records, e * RECORD + CHANGE, change);
    }

    /** The chunk holding key {@code key}, or -1 when no change ever touched it. */
    int chunk(long key) {
        return directory.id(key);
    }

    long start(int e) {
        return start[e];
    }

    private char mask(int e) {
        return (char) CHAR.get(records, e * RECORD + MASK);
    }

    /** The change that made entry {@code e}, or {@link VersionLog#BASE_CHANGE}. */
    int change(int e) {
        return (int) INT.get(records, e * RECORD + CHANGE);
    }

    /** The entry of chunk {@code c} in force at {@code time}, counting every change begun by then. */
    int entryAt(int c, long time) {
        int lo = first[c];
        int end = first[c + 1];
        if (end - lo <= SCAN) {
            // Sorted: the entry in force is the base entry plus how many later ones have begun.
            int begun = 0;
            for (int j = lo + 1; j < end; j++) {
                begun += start[j] <= time ? 1 : 0;
            }
            return lo + begun;
        }
        int hi = end - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (start[mid] <= time) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** The lowest start time a change still in flight at {@code time} can have, exclusive. */
    private long windowFloor(long time) {
        long floor = time - changes.maxWindow;
        return floor > time ? Long.MIN_VALUE : floor;
    }

    /**
     * The entry of chunk {@code c} that holds the old side at {@code time}, given {@code e} =
     * {@link #entryAt}: the entry below the changes in flight when those are the newest ones, or
     * {@code ~e} when an applied change lies above one in flight (then {@link #compose} builds it).
     */
    int oldSide(int c, int e, long time) {
        if (changes.maxWindow == 0) {
            return e;
        }
        long floor = windowFloor(time);
        int lowestInFlight = -1;
        boolean sawApplied = false;
        for (int j = e; j > first[c] && start(j) > floor; j--) {
            if (changes.inFlight(change(j), time)) {
                if (sawApplied) {
                    return ~e;
                }
                lowestInFlight = j;
            } else {
                sawApplied = true;
            }
        }
        return lowestInFlight < 0 ? e : lowestInFlight - 1;
    }

    /**
     * The old side of chunk {@code c} (key {@code key}) at {@code time} when applied and in-flight
     * changes interleave: starting from entry {@code e}, each byte a change in flight wrote, and no
     * later applied change overwrote, takes its value from before that change.
     *
     * @param out sixteen bytes
     * @return the mask of known bytes in {@code out}
     */
    char compose(int c, long key, int e, long time, byte[] out) {
        System.arraycopy(records, e * RECORD, out, 0, CHUNK);
        char known = mask(e);
        char claimed = 0;
        long floor = windowFloor(time);
        for (int j = e; j > first[c] && start(j) > floor; j--) {
            char bits = changes.maskIn(change(j), key);
            if (changes.inFlight(change(j), time)) {
                char undo = (char) (bits & ~claimed);
                for (int i = 0; i < CHUNK; i++) {
                    if ((undo & (1 << i)) != 0) {
                        out[i] = records[(j - 1) * RECORD + i];
                    }
                }
                known = (char) ((known & ~undo) | (mask(j - 1) & undo));
            } else {
                claimed |= bits;
            }
        }
        return known;
    }

    /**
     * Copies {@code n} bytes of entry {@code e} from chunk offset {@code offset} into {@code dest};
     * fills {@code known[koff..]} when not null.
     *
     * @return how many of them are known before the first unknown one
     */
    int copy(int e, int offset, byte[] dest, int off, int n, boolean[] known, int koff) {
        System.arraycopy(records, e * RECORD + offset, dest, off, n);
        return knownBits(mask(e) >>> offset, n, known, koff);
    }

    /** Marks {@code known} from {@code bits} (bit 0 first) and returns the leading known count. */
    static int knownBits(int bits, int n, boolean[] known, int koff) {
        if (known != null) {
            for (int i = 0; i < n; i++) {
                known[koff + i] = (bits & (1 << i)) != 0;
            }
        }
        return Math.min(n, Integer.numberOfTrailingZeros(~bits));
    }

    int first(int c) {
        return first[c];
    }

    int end(int c) {
        return first[c + 1];
    }

    int chunks() {
        return first.length - 1;
    }

    int entries() {
        return records.length / RECORD;
    }

    long bytesUsed() {
        return directory.bytesUsed() + first.length * 4L + start.length * 8L + records.length;
    }
}
