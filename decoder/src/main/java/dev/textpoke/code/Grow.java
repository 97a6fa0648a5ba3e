package dev.textpoke.code;

import java.util.Arrays;

/** Capacity growth for the timeline's primitive columns (amortised doubling). */
final class Grow {
    private Grow() {}

    private static int capacity(int current, int needed) {
        if (needed < 0) {
            throw new IllegalStateException("more than 2^31 entries in one timeline column");
        }
        long next = Math.max(16L, Math.max(needed, (long) current * 2));
        return (int) Math.min(next, Integer.MAX_VALUE - 8);
    }

    static long[] to(long[] a, int needed) {
        return needed <= a.length ? a : Arrays.copyOf(a, capacity(a.length, needed));
    }

    static int[] to(int[] a, int needed) {
        return needed <= a.length ? a : Arrays.copyOf(a, capacity(a.length, needed));
    }

    static byte[] to(byte[] a, int needed) {
        return needed <= a.length ? a : Arrays.copyOf(a, capacity(a.length, needed));
    }

    static char[] to(char[] a, int needed) {
        return needed <= a.length ? a : Arrays.copyOf(a, capacity(a.length, needed));
    }
}
