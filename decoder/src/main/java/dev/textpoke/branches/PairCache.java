package dev.textpoke.branches;

import java.util.Arrays;

/**
 * An open-addressing map from a pair of longs to values, emptied when it holds {@code limit}
 * entries: a cache whose key costs no object per lookup. Not thread-safe.
 */
final class PairCache<V> {
    private final int limit;
    private long[] keys;
    private Object[] values;
    private int size;

    PairCache(int limit) {
        this.limit = Math.max(16, limit);
        allocate(1024);
    }

    private void allocate(int capacity) {
        keys = new long[2 * capacity];
        values = new Object[capacity];
        size = 0;
    }

    private static int slot(long a, long b, int mask) {
        long h = a * 0x9E3779B97F4A7C15L ^ Long.rotateLeft(b * 0xC2B2AE3D27D4EB4FL, 31);
        return (int) (h ^ h >>> 32) & mask;
    }

    @SuppressWarnings("unchecked")
    V get(long a, long b) {
        int mask = values.length - 1;
        for (int i = slot(a, b, mask); values[i] != null; i = (i + 1) & mask) {
            if (keys[2 * i] == a && keys[2 * i + 1] == b) {
                return (V) values[i];
            }
        }
        return null;
    }

    void put(long a, long b, V v) {
        if (size + 1 > limit) {
            allocate(values.length);
        } else if ((size + 1) * 2 > values.length) {
            long[] k = keys;
            Object[] o = values;
            allocate(values.length * 2);
            for (int i = 0; i < o.length; i++) {
                if (o[i] != null) {
                    insert(k[2 * i], k[2 * i + 1], o[i]);
                }
            }
        }
        insert(a, b, v);
    }

    private void insert(long a, long b, Object v) {
        int mask = values.length - 1;
        int i = slot(a, b, mask);
        while (values[i] != null) {
            if (keys[2 * i] == a && keys[2 * i + 1] == b) {
                values[i] = v;
                return;
            }
            i = (i + 1) & mask;
        }
        keys[2 * i] = a;
        keys[2 * i + 1] = b;
        values[i] = v;
        size++;
    }

    int size() {
        return size;
    }

    void clear() {
        Arrays.fill(values, null);
        size = 0;
    }
}
