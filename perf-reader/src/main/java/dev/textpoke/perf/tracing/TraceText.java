package dev.textpoke.perf.tracing;

import dev.textpoke.io.AsciiDigits;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The text of tracepoint events built as UTF-8 bytes, reused from one event to the next: a sample
 * pass prints millions of them, and building each as a String that the printer then encoded again
 * was a quarter of a tracepoint pass. Numbers go straight to digits; the event's own bytes (comms,
 * {@code __get_str} strings), which libtraceevent prints as the kernel wrote them and this reader
 * reads as ISO-8859-1 characters, are written as those characters' UTF-8, as a String of them
 * would be encoded.
 */
public final class TraceText {
    private byte[] b = new byte[256];
    private int n;
    private final byte[] digits = new byte[AsciiDigits.MAX_DECIMAL];

    /** Empties the text (its bytes are reused). */
    public void reset() {
        n = 0;
    }

    /** The number of bytes written. */
    public int length() {
        return n;
    }

    /** The bytes, valid up to {@link #length()} until the next change. */
    public byte[] array() {
        return b;
    }

    /** Drops what was written after {@code length} bytes. */
    void truncate(int length) {
        n = length;
    }

    private void room(int more) {
        if (n + more > b.length) {
            b = Arrays.copyOf(b, Math.max(b.length * 2, n + more));
        }
    }

    void ascii(char c) {
        room(1);
        b[n++] = (byte) c;
    }

    /** Bytes that are UTF-8 already. */
    void bytes(byte[] utf8) {
        room(utf8.length);
        System.arraycopy(utf8, 0, b, n, utf8.length);
        n += utf8.length;
    }

    /** {@code s} as UTF-8. */
    void text(String s) {
        int len = s.length();
        room(len);
        for (int i = 0; i < len; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                byte[] e = s.substring(i).getBytes(StandardCharsets.UTF_8);
                room(e.length);
                System.arraycopy(e, 0, b, n, e.length);
                n += e.length;
                return;
            }
            b[n++] = (byte) c;
        }
    }

    /** {@code data[off, off + len)} read as ISO-8859-1 characters, written as their UTF-8. */
    void latin1(byte[] data, int off, int len) {
        room(2 * len);
        for (int i = off; i < off + len; i++) {
            byte c = data[i];
            if (c >= 0) {
                b[n++] = c;
            } else {
                b[n++] = (byte) (0xc0 | (c & 0xff) >>> 6);
                b[n++] = (byte) (0x80 | c & 0x3f);
            }
        }
    }

    /** A signed decimal (C's {@code %ld}). */
    void decimal(long v) {
        if (v == Long.MIN_VALUE) {
            text(Long.toString(v));
            return;
        }
        if (v < 0) {
            ascii('-');
        }
        digits(Math.abs(v));
    }

    /** An unsigned decimal (C's {@code %lu}). */
    void unsigned(long v) {
        if (v < 0) {
            text(Long.toUnsignedString(v));
        } else {
            digits(v);
        }
    }

    private void digits(long v) {
        int len = AsciiDigits.decimal(v, digits);
        room(len);
        System.arraycopy(digits, digits.length - len, b, n, len);
        n += len;
    }

    /** Lower-case hex digits, without a prefix (C's {@code %lx}). */
    void hex(long v) {
        int count = AsciiDigits.hexLength(v);
        room(count);
        n = AsciiDigits.hex(v, count, b, n);
    }

    /** The text, decoded. */
    @Override
    public String toString() {
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }
}
