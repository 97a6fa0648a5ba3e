package dev.textpoke.code;

import dev.textpoke.io.Bytes;

/**
 * Modifications as columns (one row each, in the order they were added), so that a million of
 * them cost tens of megabytes rather than a million objects with two byte arrays each.
 */
final class PokeLog {
    /** Kind code for "classify when the timeline is built". */
    static final byte UNCLASSIFIED = -1;
    private static final SiteKind[] KINDS = SiteKind.values();

    private long[] address = new long[0];
    private long[] start = new long[0];
    private long[] end = new long[0];
    private int[] cpu = new int[0];
    private byte[] kind = new byte[0];
    private int[] oldLength = new int[0];
    private int[] newLength = new int[0];
    private int[] poolOffset = new int[0];
    private byte[] pool = new byte[0];
    private int size;
    private int poolSize;

    void add(long addr, Bytes oldBytes, Bytes newBytes, Switch switching, int cpuNumber, byte kindCode) {
        int n = size + 1;
        address = Grow.to(address, n);
        start = Grow.to(start, n);
        end = Grow.to(end, n);
        cpu = Grow.to(cpu, n);
        kind = Grow.to(kind, n);
        oldLength = Grow.to(oldLength, n);
        newLength = Grow.to(newLength, n);
        poolOffset = Grow.to(poolOffset, n);
        int bytes = oldBytes.length() + newBytes.length();
        if (poolSize + bytes < 0) {
            throw new IllegalStateException("more than 2 GB of modification bytes");
        }
        pool = Grow.to(pool, poolSize + bytes);
        address[size] = addr;
        start[size] = switching.start();
        end[size] = switching.end();
        cpu[size] = cpuNumber;
        kind[size] = kindCode;
        oldLength[size] = oldBytes.length();
        newLength[size] = newBytes.length();
        poolOffset[size] = poolSize;
        oldBytes.copyTo(pool, poolSize);
        newBytes.copyTo(pool, poolSize + oldBytes.length());
        poolSize += bytes;
        size = n;
    }

    void add(Modification m) {
        add(m.address(), m.oldBytes(), m.newBytes(), m.switching(), m.cpu(), (byte) m.kind().ordinal());
    }

    int size() {
        return size;
    }

    long address(int i) {
        return address[i];
    }

    long start(int i) {
        return start[i];
    }

    long end(int i) {
        return end[i];
    }

    int oldLength(int i) {
        return oldLength[i];
    }

    int newLength(int i) {
        return newLength[i];
    }

    int span(int i) {
        return Math.max(oldLength[i], newLength[i]);
    }

    boolean isClassified(int i) {
        return kind[i] != UNCLASSIFIED;
    }

    void classify(int i, SiteKind k) {
        kind[i] = (byte) k.ordinal();
    }

    Bytes oldBytes(int i) {
        return Bytes.copyOf(pool, poolOffset[i], oldLength[i]);
    }

    Bytes newBytes(int i) {
        return Bytes.copyOf(pool, poolOffset[i] + oldLength[i], newLength[i]);
    }

    /** Whether the old bytes equal {@code other}'s new bytes. */
    boolean oldEqualsNewOf(int i, int other) {
        return oldLength[i] == newLength[other] && java.util.Arrays.equals(
                pool, poolOffset[i], poolOffset[i] + oldLength[i],
                pool, poolOffset[other] + oldLength[other], poolOffset[other] + oldLength[other] + newLength[other]);
    }

    Modification get(int i) {
        Switch s = start[i] == end[i] ? Switch.point(start[i]) : Switch.window(start[i], end[i]);
        SiteKind k = kind[i] == UNCLASSIFIED ? SiteKind.OTHER : KINDS[kind[i]];
        return new Modification(address[i], oldBytes(i), newBytes(i), s, cpu[i], k);
    }

    /** The rows in the order {@code order} gives (row {@code i} of the result is {@code order[i]}),
     *  with exact-size columns. */
    PokeLog permute(int[] order) {
        PokeLog p = new PokeLog();
        int n = order.length;
        p.address = new long[n];
        p.start = new long[n];
        p.end = new long[n];
        p.cpu = new int[n];
        p.kind = new byte[n];
        p.oldLength = new int[n];
        p.newLength = new int[n];
        p.poolOffset = new int[n];
        for (int i = 0; i < n; i++) {
            int j = order[i];
            p.address[i] = address[j];
            p.start[i] = start[j];
            p.end[i] = end[j];
            p.cpu[i] = cpu[j];
            p.kind[i] = kind[j];
            p.oldLength[i] = oldLength[j];
            p.newLength[i] = newLength[j];
            p.poolOffset[i] = poolOffset[j];
        }
        p.pool = java.util.Arrays.copyOf(pool, poolSize);
        p.poolSize = poolSize;
        p.size = n;
        return p;
    }

    long bytesUsed() {
        return size * (8L * 3 + 4 * 4 + 1) + pool.length;
    }
}
