package dev.textpoke.code;

/**
 * Chunk key to chunk number for a built timeline. Keys inside the base images (dense: most lookups
 * land there, and most such chunks were never touched) are answered by one bitmap of touched chunks
 * with a rank per word: a few hundred kilobytes for a kernel image, so a lookup stays in cache and
 * an untouched chunk costs one bit test. Keys elsewhere (run-time regions, gaps) go through a hash
 * table. Dense chunks are numbered first, in key order; sparse ones after them. Immutable.
 *
 * <p>Each dense range of keys owns the bits from {@code rangeBit[r]} on, starting on a word, so
 * a caller that knows a key lies in range {@code r} finds its bit without a search: {@link
 * #bitOf}. (An 8 MB direct index of chunk numbers, one int per chunk of a 32 MB image, was measured
 * against this: no faster on random lookups, where the bitmap stays in the L2 cache and the index
 * does not.)
 */
final class ChunkDirectory {
    private final long[] rangeFirst;
    private final long[] rangeLast;
    private final long[] rangeBit;
    private final long[] bits;
    private final int[] rank;
    private final ChunkIndex sparse = new ChunkIndex();
    private final int count;

    /**
     * @param ranges the base images' key ranges, as {@code [first, last]} pairs sorted by first
     * @param keys the key of every touched chunk
     */
    ChunkDirectory(long[][] ranges, long[] keys, int chunks) {
        int n = ranges.length;
        rangeFirst = new long[n];
        rangeLast = new long[n];
        rangeBit = new long[n];
        long words = 0;
        for (int r = 0; r < n; r++) {
            rangeFirst[r] = ranges[r][0];
            rangeLast[r] = ranges[r][1];
            rangeBit[r] = words * 64;
            words += (rangeLast[r] - rangeFirst[r]) / 64 + 1;
        }
        if (words > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("base images of more than 2^41 bytes");
        }
        bits = new long[(int) words];
        rank = new int[(int) words];
        for (int c = 0; c < chunks; c++) {
            long b = bit(keys[c]);
            if (b >= 0) {
                bits[(int) (b >>> 6)] |= 1L << b;
            }
        }
        int total = 0;
        for (int w = 0; w < bits.length; w++) {
            rank[w] = total;
            total += Long.bitCount(bits[w]);
        }
        for (int c = 0; c < chunks; c++) {
            if (bit(keys[c]) < 0) {
                sparse.put(keys[c], total++);
            }
        }
        count = total;
    }

    /** The dense range holding {@code key}, or -1. */
    private int range(long key) {
        int lo = 0;
        int hi = rangeFirst.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (rangeFirst[mid] <= key) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return hi >= 0 && key <= rangeLast[hi] ? hi : -1;
    }

    /** The bit of {@code key} when it lies in a dense range, else -1. */
    long bit(long key) {
        int r = range(key);
        return r < 0 ? -1 : rangeBit[r] + (key - rangeFirst[r]);
    }

    /**
     * What to add to a key of the dense range holding {@code key} to get its bit: {@code bit(k) ==
     * bitOf(key) + k} for every {@code k} of that range. {@code key} must be in a dense range.
     */
    long bitOf(long key) {
        int r = range(key);
        if (r < 0) {
            throw new IllegalArgumentException("key 0x" + Long.toHexString(key) + " is in no base image");
        }
        return rangeBit[r] - rangeFirst[r];
    }

    /** Whether the chunk of bit {@code b} was touched. */
    boolean touched(long b) {
        return (bits[(int) (b >>> 6)] >>> b & 1) != 0;
    }

    /** The chunk number of a touched chunk's bit. */
    int idOfBit(long b) {
        int w = (int) (b >>> 6);
        return rank[w] + Long.bitCount(bits[w] & ((1L << b) - 1));
    }

    /** The chunk number of {@code key}, or -1 when no change touched it. */
    int id(long key) {
        long b = bit(key);
        if (b < 0) {
            return sparse.get(key);
        }
        return touched(b) ? idOfBit(b) : -1;
    }

    int count() {
        return count;
    }

    long bytesUsed() {
        return sparse.bytesUsed() + bits.length * 12L;
    }
}
