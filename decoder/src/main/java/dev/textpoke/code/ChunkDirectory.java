package dev.textpoke.code;

/**
 * Chunk key to chunk number for a built timeline. Keys inside the base images (dense: most lookups
 * land there, and most such chunks were never touched) are answered by a bitmap of touched chunks
 * with a rank per word: a few hundred kilobytes for a kernel image, so a lookup stays in cache and
 * an untouched chunk costs one bit test. Keys elsewhere (run-time regions, gaps) go through a hash
 * table. Dense chunks are numbered first, in key order; sparse ones after them. Immutable.
 */
final class ChunkDirectory {
    private final long[] rangeFirst;
    private final long[] rangeLast;
    private final long[][] bits;
    private final int[][] rank;
    private final int[] rangeBase;
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
        bits = new long[n][];
        rank = new int[n][];
        rangeBase = new int[n];
        for (int r = 0; r < n; r++) {
            rangeFirst[r] = ranges[r][0];
            rangeLast[r] = ranges[r][1];
            int words = (int) ((rangeLast[r] - rangeFirst[r]) / 64 + 1);
            bits[r] = new long[words];
            rank[r] = new int[words];
        }
        for (int c = 0; c < chunks; c++) {
            int r = range(keys[c]);
            if (r >= 0) {
                long bit = keys[c] - rangeFirst[r];
                bits[r][(int) (bit >>> 6)] |= 1L << bit;
            }
        }
        int total = 0;
        for (int r = 0; r < n; r++) {
            rangeBase[r] = total;
            for (int w = 0; w < bits[r].length; w++) {
                rank[r][w] = total - rangeBase[r];
                total += Long.bitCount(bits[r][w]);
            }
        }
        for (int c = 0; c < chunks; c++) {
            if (range(keys[c]) < 0) {
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

    /** The chunk number of {@code key}, or -1 when no change touched it. */
    int id(long key) {
        int r = range(key);
        if (r < 0) {
            return sparse.get(key);
        }
        long bit = key - rangeFirst[r];
        int w = (int) (bit >>> 6);
        long word = bits[r][w];
        if ((word & (1L << bit)) == 0) {
            return -1;
        }
        return rangeBase[r] + rank[r][w] + Long.bitCount(word & ((1L << bit) - 1));
    }

    int count() {
        return count;
    }

    long bytesUsed() {
        long sum = sparse.bytesUsed();
        for (long[] b : bits) {
            sum += b.length * 12L;
        }
        return sum;
    }
}
