package dev.textpoke.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A bounds-checked, sequential reader over a window of an input, in a fixed byte order.
 *
 * <p>Every read checks that the window holds enough bytes and otherwise throws an {@link
 * InputFormatException} naming the input, the absolute offset of the read, and the field being
 * read. Lengths read from the input are checked against what remains <em>before</em> anything is
 * allocated, so a hostile length can never cause an out-of-memory error.
 *
 * <p>The window is {@code [0, limit)} of a {@link ByteBuffer}; {@code base} is the absolute input
 * offset of buffer index 0, used only for error messages and {@link #offset()}.
 */
public final class ByteCursor {
    private final ByteBuffer buf;
    private final String source;
    private final long base;
    private int pos;
    private final int limit;

    private ByteCursor(ByteBuffer buf, String source, long base, int pos, int limit) {
        this.buf = buf;
        this.source = source;
        this.base = base;
        this.pos = pos;
        this.limit = limit;
    }

    /**
     * A cursor over {@code buf} from its position to its limit; the buffer itself is not modified.
     *
     * @param base absolute input offset of {@code buf}'s current position
     */
    public static ByteCursor of(ByteBuffer buf, ByteOrder order, String source, long base) {
        ByteBuffer view = buf.slice().order(order);
        return new ByteCursor(view, source, base, 0, view.limit());
    }

    public static ByteCursor of(byte[] data, ByteOrder order, String source, long base) {
        return of(ByteBuffer.wrap(data), order, source, base);
    }

    public ByteOrder order() {
        return buf.order();
    }

    /** The same window and position, read in {@code order}. */
    public ByteCursor withOrder(ByteOrder order) {
        ByteBuffer view = buf.duplicate().order(order);
        return new ByteCursor(view, source, base, pos, limit);
    }

    public String source() {
        return source;
    }

    /** Absolute input offset of the next byte to read. */
    public long offset() {
        return base + pos;
    }

    /** Position within the window. */
    public int position() {
        return pos;
    }

    public int remaining() {
        return limit - pos;
    }

    public boolean hasRemaining() {
        return pos < limit;
    }

    /** Moves to {@code position} within the window. */
    public ByteCursor seek(int position) throws InputFormatException {
        if (position < 0 || position > limit) {
            throw error("cannot seek to " + position + " in a window of " + limit + " bytes");
        }
        pos = position;
        return this;
    }

    public ByteCursor skip(long n, String what) throws InputFormatException {
        require(n, what);
        pos += (int) n;
        return this;
    }

    /** Moves forward to the next multiple of {@code alignment} (a power of two) of the position. */
    public ByteCursor align(int alignment, String what) throws InputFormatException {
        int pad = (alignment - (pos & (alignment - 1))) & (alignment - 1);
        return skip(pad, what);
    }

    /** Throws unless at least {@code n} bytes remain; {@code what} names the field. */
    public void require(long n, String what) throws InputFormatException {
        if (n < 0 || n > limit - pos) {
            throw error(what + " needs " + (n < 0 ? Long.toUnsignedString(n) : Long.toString(n))
                    + " bytes but only " + (limit - pos) + " remain");
        }
    }

    public int u8(String what) throws InputFormatException {
        require(1, what);
        return buf.get(pos++) & 0xff;
    }

    public int u16(String what) throws InputFormatException {
        require(2, what);
        int v = buf.getShort(pos) & 0xffff;
        pos += 2;
        return v;
    }

    /** An unsigned 32-bit value, widened to long. */
    public long u32(String what) throws InputFormatException {
        return s32(what) & 0xffffffffL;
    }

    public int s32(String what) throws InputFormatException {
        require(4, what);
        int v = buf.getInt(pos);
        pos += 4;
        return v;
    }

    /** A 64-bit value; unsigned values are returned in the same bits. */
    public long u64(String what) throws InputFormatException {
        require(8, what);
        long v = buf.getLong(pos);
        pos += 8;
        return v;
    }

    /**
     * A 32-bit length or count that must fit in the window when each element takes {@code
     * elementSize} bytes; checked before the caller allocates.
     */
    public int count32(int elementSize, String what) throws InputFormatException {
        long at = offset();
        long n = u32(what);
        checkCount(n, elementSize, what, at);
        return (int) n;
    }

    /** As {@link #count32} for a 64-bit count. */
    public int count64(int elementSize, String what) throws InputFormatException {
        long at = offset();
        long n = u64(what);
        checkCount(n, elementSize, what, at);
        return (int) n;
    }

    private void checkCount(long n, int elementSize, String what, long at) throws InputFormatException {
        if (n < 0 || (elementSize > 0 && n > (long) remaining() / elementSize)
                || n > Integer.MAX_VALUE) {
            throw new InputFormatException(source, at, what + " is " + Long.toUnsignedString(n)
                    + ", more than the " + remaining() + " bytes that follow can hold");
        }
    }

    /** Copies {@code n} bytes, after checking they are there. */
    public byte[] bytes(long n, String what) throws InputFormatException {
        require(n, what);
        byte[] out = new byte[(int) n];
        buf.get(pos, out);
        pos += (int) n;
        return out;
    }

    public Bytes immutableBytes(long n, String what) throws InputFormatException {
        return Bytes.wrapOwned(bytes(n, what));
    }

    /**
     * A NUL-terminated string stored in a field of {@code fieldSize} bytes (the field is consumed
     * whole; no terminator means the string fills the field). Bytes are decoded as UTF-8.
     */
    public String fixedString(int fieldSize, String what) throws InputFormatException {
        byte[] field = bytes(fieldSize, what);
        int len = 0;
        while (len < field.length && field[len] != 0) {
            len++;
        }
        return new String(field, 0, len, StandardCharsets.UTF_8);
    }

    /** A NUL-terminated string taking the rest of the window or up to its terminator, whichever is first. */
    public String cString(String what) throws InputFormatException {
        int end = pos;
        while (end < limit && buf.get(end) != 0) {
            end++;
        }
        byte[] s = bytes(end - pos, what);
        if (pos < limit) {
            pos++; // the terminator
        }
        return new String(s, StandardCharsets.UTF_8);
    }

    /**
     * The next {@code n} bytes as a cursor of their own (same order and source), and moves past them.
     */
    public ByteCursor slice(long n, String what) throws InputFormatException {
        require(n, what);
        ByteBuffer window = buf.slice(pos, (int) n).order(buf.order());
        ByteCursor sub = new ByteCursor(window, source, base + pos, 0, (int) n);
        pos += (int) n;
        return sub;
    }

    /** The remaining bytes of the window as a read-only buffer in this cursor's order. */
    public ByteBuffer remainingBuffer() {
        return buf.slice(pos, limit - pos).asReadOnlyBuffer().order(buf.order());
    }

    /** An exception at the current offset. */
    public InputFormatException error(String problem) {
        return new InputFormatException(source, offset(), problem);
    }
}
