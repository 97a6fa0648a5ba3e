package dev.textpoke.io;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * An immutable sequence of bytes: payloads (TEXT_POKE old/new bytes, build ids, raw sample data,
 * code) travel as this value instead of a shared, mutable {@code byte[]}.
 *
 * <p>Equality is by content. {@link #toString()} and {@link #hex()} give lower-case hex without
 * separators, the form used in JSON output.
 */
public final class Bytes implements Comparable<Bytes> {
    public static final Bytes EMPTY = new Bytes(new byte[0]);
    private static final HexFormat HEX = HexFormat.of();

    private final byte[] data;

    private Bytes(byte[] owned) {
        this.data = owned;
    }

    /** Copies {@code data}; later changes to the array do not show. */
    public static Bytes of(byte... data) {
        return data.length == 0 ? EMPTY : new Bytes(data.clone());
    }

    /** Copies {@code length} bytes of {@code data} from {@code offset}. */
    public static Bytes copyOf(byte[] data, int offset, int length) {
        return length == 0 ? EMPTY : new Bytes(Arrays.copyOfRange(data, offset, offset + length));
    }

    /**
     * Takes ownership of {@code data} without copying. Only for callers that have just allocated the
     * array and never touch it again.
     */
    public static Bytes wrapOwned(byte[] data) {
        return data.length == 0 ? EMPTY : new Bytes(data);
    }

    /** Parses hex digits; spaces are ignored, so "0f 1f 44" and "0f1f44" are the same. */
    public static Bytes ofHex(String hex) {
        return wrapOwned(HEX.parseHex(hex.replace(" ", "")));
    }

    public int length() {
        return data.length;
    }

    public boolean isEmpty() {
        return data.length == 0;
    }

    /** The byte at {@code index}, as 0..255. */
    public int get(int index) {
        return data[index] & 0xff;
    }

    public Bytes slice(int from, int to) {
        return from == 0 && to == data.length ? this : copyOf(data, from, to - from);
    }

    /** A fresh copy of the content. */
    public byte[] toArray() {
        return data.clone();
    }

    /** Copies the content into {@code dest} at {@code destOffset}. */
    public void copyTo(byte[] dest, int destOffset) {
        System.arraycopy(data, 0, dest, destOffset, data.length);
    }

    /** Copies {@code length} bytes starting at {@code from} into {@code dest} at {@code destOffset}. */
    public void copyTo(int from, byte[] dest, int destOffset, int length) {
        System.arraycopy(data, from, dest, destOffset, length);
    }

    /** Whether this equals {@code length} bytes of {@code other} starting at {@code offset}. */
    public boolean contentEquals(byte[] other, int offset, int length) {
        return length == data.length
                && Arrays.equals(data, 0, data.length, other, offset, offset + length);
    }

    /** Lower-case hex, no separators: {@code "0f1f440000"}. */
    public String hex() {
        return HEX.formatHex(data);
    }

    /** Lower-case hex with a space between bytes: {@code "0f 1f 44 00 00"}. */
    public String spacedHex() {
        return HexFormat.ofDelimiter(" ").formatHex(data);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bytes b && Arrays.equals(data, b.data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    @Override
    public int compareTo(Bytes o) {
        return Arrays.compareUnsigned(data, o.data);
    }

    @Override
    public String toString() {
        return hex();
    }
}
