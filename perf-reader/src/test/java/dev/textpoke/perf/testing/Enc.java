package dev.textpoke.perf.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Writes fields in one byte order into a growable buffer; builds test inputs. */
public final class Enc {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteOrder order;

    public Enc(ByteOrder order) {
        this.order = order;
    }

    public static Enc le() {
        return new Enc(ByteOrder.LITTLE_ENDIAN);
    }

    public ByteOrder order() {
        return order;
    }

    public Enc u8(int v) {
        out.write(v);
        return this;
    }

    public Enc u16(int v) {
        return put(ByteBuffer.allocate(2).order(order).putShort((short) v));
    }

    public Enc u32(long v) {
        return put(ByteBuffer.allocate(4).order(order).putInt((int) v));
    }

    public Enc u64(long v) {
        return put(ByteBuffer.allocate(8).order(order).putLong(v));
    }

    public Enc bytes(byte[] b) {
        out.write(b, 0, b.length);
        return this;
    }

    /** A NUL-terminated string padded with zeros to a multiple of {@code align}. */
    public Enc cstring(String s, int align) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        bytes(b);
        int n = b.length + 1;
        int padded = (n + align - 1) / align * align;
        return zeros(padded - b.length);
    }

    public Enc zeros(int n) {
        for (int i = 0; i < n; i++) {
            out.write(0);
        }
        return this;
    }

    /** Pads with zeros to a multiple of {@code align} bytes. */
    public Enc align(int align) {
        return zeros((align - out.size() % align) % align);
    }

    public int size() {
        return out.size();
    }

    public byte[] toArray() {
        return out.toByteArray();
    }

    private Enc put(ByteBuffer b) {
        out.write(b.array(), 0, b.capacity());
        return this;
    }

    /** A record: header {type, misc, size} then {@code body}, size computed. */
    public static byte[] record(ByteOrder order, int type, int misc, byte[] body) {
        return new Enc(order).u32(type).u16(misc).u16(8 + body.length).bytes(body).toArray();
    }
}
