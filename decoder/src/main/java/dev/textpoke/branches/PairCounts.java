package dev.textpoke.branches;

import java.util.Arrays;

/**
 * Counts of pairs of longs (ranges, branches) or of single longs (addresses, with the second half
 * 0), in open-addressing primitive arrays: a profile of millions of samples costs no object per
 * count. Not thread-safe.
 */
public final class PairCounts {
    private long[] a = new long[1024];
    private long[] b = new long[1024];
    private long[] n = new long[1024];
    private int size;

    private static int slot(long x, long y, int mask) {
        long h = x * 0x9E3779B97F4A7C15L ^ Long.rotateLeft(y * 0xC2B2AE3D27D4EB4FL, 29);
        return (int) (h ^ h >>> 31) & mask;
    }

    /** Adds {@code count} to the pair's count. */
    public void add(long x, long y, long count) {
        int mask = n.length - 1;
        int i = slot(x, y, mask);
        while (n[i] != 0) {
            if (a[i] == x && b[i] == y) {
                n[i] = Math.addExact(n[i], count);
                return;
            }
            i = (i + 1) & mask;
        }
        a[i] = x;
        b[i] = y;
        n[i] = count;
        if (++size * 2 > n.length) {
            grow();
        }
    }

    private void grow() {
        long[] oa = a;
        long[] ob = b;
        long[] on = n;
        a = new long[oa.length * 2];
        b = new long[oa.length * 2];
        n = new long[oa.length * 2];
        size = 0;
        for (int i = 0; i < on.length; i++) {
            if (on[i] != 0) {
                add(oa[i], ob[i], on[i]);
            }
        }
    }

    public long get(long x, long y) {
        int mask = n.length - 1;
        for (int i = slot(x, y, mask); n[i] != 0; i = (i + 1) & mask) {
            if (a[i] == x && b[i] == y) {
                return n[i];
            }
        }
        return 0;
    }

    public int size() {
        return size;
    }

    /** The total of all counts. */
    public long total() {
        long t = 0;
        for (long c : n) {
            t += c;
        }
        return t;
    }

    /**
     * The pairs as {@code {x, y, count}} rows, sorted by {@code x} then {@code y} after {@code
     * shift} is subtracted from both (unsigned), as a profile lists them.
     */
    public long[][] sorted(long shift) {
        long[][] rows = new long[size][];
        int k = 0;
        for (int i = 0; i < n.length; i++) {
            if (n[i] != 0) {
                rows[k++] = new long[] {a[i] - shift, b[i] - shift, n[i]};
            }
        }
        Arrays.sort(rows, (p, q) -> {
            int c = Long.compareUnsigned(p[0], q[0]);
            return c != 0 ? c : Long.compareUnsigned(p[1], q[1]);
        });
        return rows;
    }
}
