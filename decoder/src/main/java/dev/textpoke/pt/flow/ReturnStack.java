package dev.textpoke.pt.flow;

import java.util.Arrays;

/**
 * The return addresses of the calls decoded so far, for compressed returns: when return
 * compression is on, a RET whose target is the address after the matching CALL is traced as one
 * taken TNT bit (SDM Vol. 3C, "Return Compression"), and the decoder must know that address.
 *
 * <p>Bounded like libipt's (a ring that drops the oldest entries, {@code pt_retstack.c}); perf's
 * is unbounded. The hardware's own stack is 64 deep on the parts that document it, so deeper
 * entries could never be used by a compressed return. Cleared at PSB, as perf does.
 */
public final class ReturnStack {
    /** Entries kept: more than any return-compression stack the hardware keeps. */
    public static final int DEPTH = 64;

    private final long[] entries = new long[DEPTH];
    private int top;   // index of the next free slot, modulo DEPTH
    private int size;

    public void push(long returnAddress) {
        entries[top] = returnAddress;
        top = (top + 1) & (DEPTH - 1);
        if (size < DEPTH) {
            size++;
        }
    }

    /** Whether a pop would find an entry. */
    public boolean isEmpty() {
        return size == 0;
    }

    /** The most recent return address; the caller checks {@link #isEmpty()} first. */
    public long pop() {
        top = (top - 1) & (DEPTH - 1);
        size--;
        return entries[top];
    }

    public void clear() {
        size = 0;
    }

    public int size() {
        return size;
    }

    /** Makes this stack equal to {@code other} (for speculative decoding). */
    public void copyFrom(ReturnStack other) {
        System.arraycopy(other.entries, 0, entries, 0, DEPTH);
        top = other.top;
        size = other.size;
    }

    /** Whether both stacks hold the same entries in the same order. */
    public boolean sameAs(ReturnStack other) {
        if (size != other.size) {
            return false;
        }
        for (int i = 1; i <= size; i++) {
            if (entries[(top - i) & (DEPTH - 1)] != other.entries[(other.top - i) & (DEPTH - 1)]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        long[] out = new long[size];
        for (int i = 0; i < size; i++) {
            out[i] = entries[(top - 1 - i) & (DEPTH - 1)];
        }
        return "ReturnStack" + Arrays.toString(out);
    }
}
