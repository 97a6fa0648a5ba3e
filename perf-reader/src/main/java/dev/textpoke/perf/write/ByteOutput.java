package dev.textpoke.perf.write;

import dev.textpoke.io.Bytes;
import dev.textpoke.io.U64s;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A growable byte array written in one byte order: the counterpart of {@code ByteCursor} for the
 * encoders. Values are written as their low bits (a u16 takes the low 16 bits of an int).
 */
final class ByteOutput {
    private final ByteOrder order;
    private byte[] data;
    private ByteBuffer view;
    private int size;

    ByteOutput(ByteOrder order) {
        this(order, 64);
    }

    ByteOutput(ByteOrder order, int capacity) {
        this.order = order;
        this.data = new byte[Math.max(16, capacity)];
        this.view = ByteBuffer.wrap(data).order(order);
    }

    ByteOrder order() {
        return order;
    }

    int size() {
        return size;
    }

    private void ensure(int more) {
        if (size + more > data.length) {
            long want = Math.max((long) data.length * 2, (long) size + more);
            if (want > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("more than 2 GB in one encoded value");
            }
            data = Arrays.copyOf(data, (int) want);
            view = ByteBuffer.wrap(data).order(order);
        }
    }

    ByteOutput u8(int v) {
        ensure(1);
        data[size++] = (byte) v;
        return this;
    }

    ByteOutput u16(int v) {
        ensure(2);
        view.putShort(size, (short) v);
        size += 2;
        return this;
    }

    ByteOutput u32(long v) {
        ensure(4);
        view.putInt(size, (int) v);
        size += 4;
        return this;
    }

    ByteOutput u64(long v) {
        ensure(8);
        view.putLong(size, v);
        size += 8;
        return this;
    }

    ByteOutput u64s(U64s v) {
        for (int i = 0; i < v.size(); i++) {
            u64(v.get(i));
        }
        return this;
    }

    ByteOutput bytes(Bytes b) {
        ensure(b.length());
        b.copyTo(data, size);
        size += b.length();
        return this;
    }

    ByteOutput bytes(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, data, size, b.length);
        size += b.length;
        return this;
    }

    ByteOutput zeros(int n) {
        ensure(n);
        size += n; // the array is zero beyond size: it only grows
        return this;
    }

    /** Zeros up to the next multiple of {@code alignment}. */
    ByteOutput align(int alignment) {
        return zeros((alignment - size % alignment) % alignment);
    }

    /** Writes {@code b} at {@code position}, growing the output (with zeros) when it ends there or later. */
    ByteOutput place(int position, byte[] b) {
        if (position + b.length > size) {
            zeros(position + b.length - size);
        }
        System.arraycopy(b, 0, data, position, b.length);
        return this;
    }

    void u16At(int position, int v) {
        view.putShort(position, (short) v);
    }

    void u32At(int position, long v) {
        view.putInt(position, (int) v);
    }

    void u64At(int position, long v) {
        view.putLong(position, v);
    }

    byte[] toArray() {
        return Arrays.copyOf(data, size);
    }

    Bytes toBytes() {
        return Bytes.wrapOwned(toArray());
    }
}
