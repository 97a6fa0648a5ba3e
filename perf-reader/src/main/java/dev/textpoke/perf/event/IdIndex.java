package dev.textpoke.perf.event;

/**
 * Sample ids to event indexes: an open-addressing table of primitive longs, because every record
 * of a file with several events is looked up by its id (a boxed {@code HashMap<Long, ...>} lookup
 * per record was a visible part of a tracepoint pass, where ids alternate per CPU and event).
 */
final class IdIndex {
    private long[] keys = new long[16];
    /** Event index + 1; 0 marks an empty slot. */
    private int[] values = new int[16];
    private int size;

    /** Maps {@code id} to {@code index} unless it is mapped already. */
    void putIfAbsent(long id, int index) {
        if (get(id) >= 0) {
            return;
        }
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        insert(keys, values, id, index + 1);
        size++;
    }

    /** The event index of {@code id}, or -1. */
    int get(long id) {
        int mask = keys.length - 1;
        for (int i = slot(id, mask);; i = (i + 1) & mask) {
            int v = values[i];
            if (v == 0) {
                return -1;
            }
            if (keys[i] == id) {
                return v - 1;
            }
        }
    }

    private void grow() {
        long[] k = new long[keys.length * 2];
        int[] v = new int[values.length * 2];
        for (int i = 0; i < keys.length; i++) {
            if (values[i] != 0) {
                insert(k, v, keys[i], values[i]);
            }
        }
        keys = k;
        values = v;
    }

    private static void insert(long[] k, int[] v, long id, int value) {
        int mask = k.length - 1;
        int i = slot(id, mask);
        while (v[i] != 0) {
            i = (i + 1) & mask;
        }
        k[i] = id;
        v[i] = value;
    }

    private static int slot(long id, int mask) {
        long h = id * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 32) & mask;
    }
}
