package dev.textpoke.code;

import java.util.Arrays;

/**
 * Chunk key ({@code address >>> 4}) to chunk number: open addressing with linear probing, load
 * at most one half, so that the common query (a chunk nobody modified) ends at an empty slot after
 * one or two probes. A key is never -1 because the top four bits of a key are zero.
 */
final class ChunkIndex {
    private static final long EMPTY = -1L;

    private long[] keys;
    private int[] values;
    private int size;
    private int shift;

    ChunkIndex() {
        allocate(64);
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        Arrays.fill(keys, EMPTY);
        values = new int[capacity];
        shift = 64 - Integer.numberOfTrailingZeros(capacity);
    }

    private int slot(long key) {
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> shift);
    }

    /** The chunk number of {@code key}, or -1. */
    int get(long key) {
        int m = keys.length - 1;
        for (int i = slot(key); ; i = (i + 1) & m) {
            long k = keys[i];
            if (k == key) {
                return values[i];
            }
            if (k == EMPTY) {
                return -1;
            }
        }
    }

    /** Adds {@code key} with {@code value}, which must not be present yet. */
    void put(long key, int value) {
        if ((size + 1) * 2 > keys.length) {
            long[] oldKeys = keys;
            int[] oldValues = values;
            allocate(keys.length * 2);
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldKeys[i] != EMPTY) {
                    insert(oldKeys[i], oldValues[i]);
                }
            }
        }
        insert(key, value);
        size++;
    }

    private void insert(long key, int value) {
        int m = keys.length - 1;
        int i = slot(key);
        while (keys[i] != EMPTY) {
            i = (i + 1) & m;
        }
        keys[i] = key;
        values[i] = value;
    }

    /** Visits every key and its chunk number, in no particular order. */
    void forEach(VersionLog.ChunkVisitor visitor) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != EMPTY) {
                visitor.visit(keys[i], values[i]);
            }
        }
    }

    int size() {
        return size;
    }

    long bytesUsed() {
        return keys.length * 12L;
    }
}
