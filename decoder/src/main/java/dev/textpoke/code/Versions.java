package dev.textpoke.code;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The chunk versions of a built timeline, one record per touched chunk in a single byte arena, so
 * that answering "which bytes did this chunk hold at this time" reads one short run of consecutive
 * cache lines: a random lookup over a large image is bound by memory latency, and every dependent
 * load is another trip to memory. Immutable.
 *
 * <p>A chunk's versions are in time order; version 0 holds its base bytes (in force from the
 * start). Versions whose sixteen bytes and mask of known bytes are equal share one <em>content</em>:
 * a patched site mostly flips between two or three states (a jump label's nop and jmp, a kprobe's
 * instruction and int3), so a chunk with twenty versions usually holds two contents, and a record
 * stays within a few cache lines. The record at byte offset {@code p} (8-aligned):
 *
 * <pre>
 * p + 0   int   n          versions
 * p + 4   int   m | flags  distinct contents (low {@link #COUNT_BITS} bits) and {@link #ALL_KNOWN}, {@link #WIDE}
 * p + 8   long  start[n-1] start times of versions 1 .. n-1 (version 0 starts at Long.MIN_VALUE)
 *         u8 or int  content[n]  content of each version (int when {@link #WIDE})
 *         16 bytes   x m         the contents
 *         char  mask[m]    known bytes of each content, bit i for byte i (absent when ALL_KNOWN)
 *         int   change[n]  the change that made each version ({@link VersionLog#BASE_CHANGE} for 0)
 * </pre>
 *
 * Reads touch everything up to the contents; masks and changes serve the rarer paths (gaps, the
 * old side of uncertain windows, histories). A content's offset in the arena is unique over the
 * timeline and serves as the code version of the chunk's bytes.
 */
final class Versions {
    private static final int CHUNK = VersionLog.CHUNK;
    static final int COUNT_BITS = 28;
    private static final int COUNT_MASK = (1 << COUNT_BITS) - 1;
    /** Every content's sixteen bytes are known: no masks are stored. */
    static final int ALL_KNOWN = 1 << 31;
    /** More than 256 contents: content numbers are ints rather than bytes. */
    static final int WIDE = 1 << 30;
    /** Up to this many versions a chunk's start times are counted rather than bisected. */
    private static final int SCAN = 32;
    private static final VarHandle LONG =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle CHAR =
            MethodHandles.byteArrayViewVarHandle(char[].class, ByteOrder.LITTLE_ENDIAN);

    private final ChunkDirectory directory;
    /** The record offset of each chunk. */
    private final int[] offset;
    private final byte[] arena;
    private final int entries;
    private final Changes changes;

    Versions(ChunkDirectory directory, int[] offset, byte[] arena, int entries, Changes changes) {
        this.directory = directory;
        this.offset = offset;
        this.arena = arena;
        this.entries = entries;
        this.changes = changes;
    }

    // ---- Record layout (used by VersionLog.freeze to write records) ----------------------------

    /** The size of a record of {@code n} versions and {@code m} contents with {@code flags}. */
    static long recordSize(int n, int m, int flags) {
        long size = contentsAt(n, flags) + 16L * m + ((flags & ALL_KNOWN) != 0 ? 0 : 2L * m) + 4L * n;
        return (size + 7) & ~7L;
    }

    /** Offset of the content numbers from the record start. */
    private static int indexAt(int n) {
        return 8 + 8 * (n - 1);
    }

    private static int contentsAt(int n, int flags) {
        return indexAt(n) + n * ((flags & WIDE) != 0 ? 4 : 1);
    }

    static void writeHeader(byte[] arena, int p, int n, int m, int flags) {
        INT.set(arena, p, n);
        INT.set(arena, p + 4, m | flags);
    }

    static void writeVersion(byte[] arena, int p, int n, int flags, int j, long start, int content,
            int change) {
        if (j > 0) {
            LONG.set(arena, p + 8 * j, start);
        }
        if ((flags & WIDE) != 0) {
            INT.set(arena, p + indexAt(n) + 4 * j, content);
        } else {
            arena[p + indexAt(n) + j] = (byte) content;
        }
        int m = (int) INT.get(arena, p + 4) & COUNT_MASK;
        INT.set(arena, p + changesAt(n, m, flags) + 4 * j, change);
    }

    static void writeContent(byte[] arena, int p, int n, int m, int flags, int k, byte[] src, int srcOff,
            char mask) {
        System.arraycopy(src, srcOff, arena, p + contentsAt(n, flags) + CHUNK * k, CHUNK);
        if ((flags & ALL_KNOWN) == 0) {
            CHAR.set(arena, p + contentsAt(n, flags) + CHUNK * m + 2 * k, mask);
        }
    }

    private static int changesAt(int n, int m, int flags) {
        return contentsAt(n, flags) + CHUNK * m + ((flags & ALL_KNOWN) != 0 ? 0 : 2 * m);
    }

    // ---- Queries ---------------------------------------------------------------------------------

    ChunkDirectory directory() {
        return directory;
    }

    /** The chunk holding key {@code key}, or -1 when no change ever touched it. */
    int chunk(long key) {
        return directory.id(key);
    }

    /** How many versions chunk {@code c} has. */
    int count(int c) {
        return (int) INT.get(arena, offset[c]);
    }

    private int flags(int p) {
        return (int) INT.get(arena, p + 4);
    }

    long start(int c, int j) {
        return j == 0 ? Long.MIN_VALUE : (long) LONG.get(arena, offset[c] + 8 * j);
    }

    /** The change that made version {@code j} of chunk {@code c}, or {@link VersionLog#BASE_CHANGE}. */
    int change(int c, int j) {
        int p = offset[c];
        int h = flags(p);
        return (int) INT.get(arena, p + changesAt(count(c), h & COUNT_MASK, h & ~COUNT_MASK) + 4 * j);
    }

    /** The version of chunk {@code c} in force at {@code time}, counting every change begun by then. */
    int entryAt(int c, long time) {
        return versionAt(offset[c], time);
    }

    private int versionAt(int p, long time) {
        int n = (int) INT.get(arena, p);
        if (n <= SCAN) {
            // Sorted: the version in force is how many later ones have begun. Independent loads
            // and no branch to mispredict, where a bisection waits on each cache line in turn.
            int begun = 0;
            for (int j = 1; j < n; j++) {
                begun += (long) LONG.get(arena, p + 8 * j) <= time ? 1 : 0;
            }
            return begun;
        }
        int lo = 0;
        int hi = n - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if ((long) LONG.get(arena, p + 8 * mid) <= time) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** The content number of version {@code j} of the record at {@code p}. */
    private int content(int p, int n, int h, int j) {
        return (h & WIDE) != 0 ? (int) INT.get(arena, p + indexAt(n) + 4 * j)
                : arena[p + indexAt(n) + j] & 0xff;
    }

    /** Arena offset of the bytes of version {@code j} of chunk {@code c}: unique per content. */
    int contentOffset(int c, int j) {
        int p = offset[c];
        int n = (int) INT.get(arena, p);
        int h = flags(p);
        return p + contentsAt(n, h) + CHUNK * content(p, n, h, j);
    }

    private char mask(int c, int j) {
        int p = offset[c];
        int n = (int) INT.get(arena, p);
        int h = flags(p);
        if ((h & ALL_KNOWN) != 0) {
            return 0xffff;
        }
        return (char) CHAR.get(arena, p + contentsAt(n, h) + CHUNK * (h & COUNT_MASK) + 2 * content(p, n, h, j));
    }

    /**
     * Copies the part of chunk {@code c} (key {@code key}) that lies in {@code [addr, addr + len)}
     * as it was at {@code time} (every change begun by then counted as done) into {@code dest},
     * where {@code dest[off]} stands for {@code addr}.
     *
     * @return how many bytes from {@code addr} come before the first unknown byte of that part, or
     *     {@code len} when it has none
     */
    int overlay(int c, long key, long time, long addr, byte[] dest, int off, int len) {
        int p = offset[c];
        int n = (int) INT.get(arena, p);
        int h = flags(p);
        int j = versionAt(p, time);
        long chunkAddr = key << VersionLog.SHIFT;
        // Both are below 16 apart from addr: the part is [from, to) relative to addr.
        int from = (int) Math.max(0, chunkAddr - addr);
        int to = (int) Math.min(len, chunkAddr + CHUNK - addr);
        int inChunk = (int) (addr + from - chunkAddr);
        int k = content(p, n, h, j);
        int at = p + contentsAt(n, h) + CHUNK * k;
        System.arraycopy(arena, at + inChunk, dest, off + from, to - from);
        if ((h & ALL_KNOWN) != 0) {
            return len;
        }
        int bits = (char) CHAR.get(arena, at - CHUNK * k + CHUNK * (h & COUNT_MASK) + 2 * k);
        int unknown = ~(bits >>> inChunk) & ((1 << (to - from)) - 1);
        return unknown == 0 ? len : from + Integer.numberOfTrailingZeros(unknown);
    }

    /** The lowest start time a change still in flight at {@code time} can have, exclusive. */
    private long windowFloor(long time) {
        long floor = time - changes.maxWindow;
        return floor > time ? Long.MIN_VALUE : floor;
    }

    /**
     * The version of chunk {@code c} that holds the old side at {@code time}, given {@code j} =
     * {@link #entryAt}: the version below the changes in flight when those are the newest ones, or
     * {@code ~j} when an applied change lies above one in flight (then {@link #compose} builds it).
     */
    int oldSide(int c, int j, long time) {
        if (changes.maxWindow == 0) {
            return j;
        }
        long floor = windowFloor(time);
        int lowestInFlight = -1;
        boolean sawApplied = false;
        for (int i = j; i > 0 && start(c, i) > floor; i--) {
            if (changes.inFlight(change(c, i), time)) {
                if (sawApplied) {
                    return ~j;
                }
                lowestInFlight = i;
            } else {
                sawApplied = true;
            }
        }
        return lowestInFlight < 0 ? j : lowestInFlight - 1;
    }

    /**
     * The old side of chunk {@code c} (key {@code key}) at {@code time} when applied and in-flight
     * changes interleave: starting from version {@code j}, each byte a change in flight wrote, and no
     * later applied change overwrote, takes its value from before that change.
     *
     * @param out sixteen bytes
     * @return the mask of known bytes in {@code out}
     */
    char compose(int c, long key, int j, long time, byte[] out) {
        System.arraycopy(arena, contentOffset(c, j), out, 0, CHUNK);
        char known = mask(c, j);
        char claimed = 0;
        long floor = windowFloor(time);
        for (int i = j; i > 0 && start(c, i) > floor; i--) {
            char bits = changes.maskIn(change(c, i), key);
            if (changes.inFlight(change(c, i), time)) {
                char undo = (char) (bits & ~claimed);
                int before = contentOffset(c, i - 1);
                for (int b = 0; b < CHUNK; b++) {
                    if ((undo & (1 << b)) != 0) {
                        out[b] = arena[before + b];
                    }
                }
                known = (char) ((known & ~undo) | (mask(c, i - 1) & undo));
            } else {
                claimed |= bits;
            }
        }
        return known;
    }

    /**
     * Copies {@code n} bytes of version {@code j} of chunk {@code c} from chunk offset {@code from}
     * into {@code dest}; fills {@code known[koff..]} when not null.
     *
     * @return how many of them are known before the first unknown one
     */
    int copy(int c, int j, int from, byte[] dest, int off, int n, boolean[] known, int koff) {
        System.arraycopy(arena, contentOffset(c, j) + from, dest, off, n);
        return knownBits(mask(c, j) >>> from, n, known, koff);
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

    int chunks() {
        return offset.length;
    }

    int entries() {
        return entries;
    }

    long bytesUsed() {
        return directory.bytesUsed() + offset.length * 4L + arena.length;
    }
}
