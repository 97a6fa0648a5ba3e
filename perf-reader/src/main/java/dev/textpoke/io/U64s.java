package dev.textpoke.io;

import java.util.Arrays;
import java.util.stream.LongStream;

/**
 * An immutable sequence of u64 values (callchains, register dumps, ids): equality by content,
 * no boxing.
 */
public final class U64s {
    public static final U64s EMPTY = new U64s(new long[0]);

    private final long[] values;

    private U64s(long[] owned) {
        this.values = owned;
    }

    public static U64s of(long... values) {
        return values.length == 0 ? EMPTY : new U64s(values.clone());
    }

    /** Takes ownership of an array the caller has just filled and never touches again. */
    public static U64s wrapOwned(long[] values) {
        return values.length == 0 ? EMPTY : new U64s(values);
    }

    public int size() {
        return values.length;
    }

    public boolean isEmpty() {
        return values.length == 0;
    }

    public long get(int i) {
        return values[i];
    }

    public long[] toArray() {
        return values.clone();
    }

    public LongStream stream() {
        return Arrays.stream(values);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof U64s u && Arrays.equals(values, u.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    /** {@code [0x1, 0xffffffff81000000]}: hex, as addresses are read. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append("0x").append(Long.toHexString(values[i]));
        }
        return sb.append(']').toString();
    }
}
