package dev.textpoke.cli.format;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A line of output built as UTF-8 bytes, for the formatters that print millions of lines: numbers
 * and hex go straight to bytes, and the few distinct strings (command names, event names, dsos,
 * symbols) are encoded once. A StringBuilder, then its chars, then a Writer's encoding copied
 * every character three times, and that was most of {@code samples}' time.
 */
public final class TextBytes {
    /** Distinct strings encoded so far; bounded, since a perf.data has few comms and symbols but may have many. */
    private static final int MAX_CACHED = 1 << 16;

    private byte[] b = new byte[1024];
    private int n;
    private final Map<String, byte[]> encoded = new HashMap<>();
    private final byte[] digits = new byte[dev.textpoke.io.AsciiDigits.MAX_DECIMAL];

    public void reset() {
        n = 0;
    }

    public int length() {
        return n;
    }

    public byte[] array() {
        return b;
    }

    private void room(int more) {
        if (n + more > b.length) {
            b = java.util.Arrays.copyOf(b, Math.max(b.length * 2, n + more));
        }
    }

    public TextBytes ascii(char c) {
        room(1);
        b[n++] = (byte) c;
        return this;
    }

    public TextBytes spaces(int count) {
        room(Math.max(0, count));
        for (int i = 0; i < count; i++) {
            b[n++] = ' ';
        }
        return this;
    }

    /** {@code s} as UTF-8. */
    public TextBytes text(String s) {
        // Most lines repeat the strings of the line before (the same comm, event, dso): check those first.
        byte[] e = s == last1 ? last1Bytes : s == last2 ? last2Bytes : encoded.get(s);
        if (e == null) {
            e = s.getBytes(StandardCharsets.UTF_8);
            if (encoded.size() < MAX_CACHED) {
                encoded.put(s, e);
            }
        }
        if (s != last1) {
            last2 = last1;
            last2Bytes = last1Bytes;
            last1 = s;
            last1Bytes = e;
        }
        room(e.length);
        System.arraycopy(e, 0, b, n, e.length);
        n += e.length;
        return this;
    }

    private String last1;
    private byte[] last1Bytes;
    private String last2;
    private byte[] last2Bytes;

    /** Bytes that are UTF-8 already (a tracepoint's text). */
    public TextBytes bytes(byte[] src, int off, int len) {
        room(len);
        System.arraycopy(src, off, b, n, len);
        n += len;
        return this;
    }

    /** {@code s} right-aligned in {@code width} columns (C's {@code %16s}; width counted in chars). */
    public TextBytes right(String s, int width) {
        spaces(width - s.length());
        return text(s);
    }

    /** A signed decimal right-aligned in {@code width} (C's {@code %5d}). */
    public TextBytes decimal(long v, int width) {
        if (v == Long.MIN_VALUE) {
            return right(Long.toString(v), width);
        }
        int len = digitsOf(Math.abs(v));
        int total = len + (v < 0 ? 1 : 0);
        spaces(width - total);
        room(total);
        if (v < 0) {
            b[n++] = '-';
        }
        System.arraycopy(digits, digits.length - len, b, n, len);
        n += len;
        return this;
    }

    /** The decimal digits of {@code x >= 0} at the end of {@link #digits}; returns how many. */
    private int digitsOf(long x) {
        return dev.textpoke.io.AsciiDigits.decimal(x, digits);
    }

    /** An unsigned decimal right-aligned in {@code width}. */
    public TextBytes unsigned(long v, int width) {
        return v >= 0 ? decimal(v, width) : right(Long.toUnsignedString(v), width);
    }

    /** {@code v} in lower-case hex right-aligned in {@code width} (C's {@code %16lx}). */
    public TextBytes hex(long v, int width) {
        int count = dev.textpoke.io.AsciiDigits.hexLength(v);
        spaces(width - count);
        room(count);
        n = dev.textpoke.io.AsciiDigits.hex(v, count, b, n);
        return this;
    }

    /** The digits of {@code v}, zero-padded to {@code width}. */
    public TextBytes zeroPadded(long v, int width) {
        if (v >= 0) {
            int len = digitsOf(v);
            room(Math.max(width, len));
            for (int i = len; i < width; i++) {
                b[n++] = '0';
            }
            System.arraycopy(digits, digits.length - len, b, n, len);
            n += len;
            return this;
        }
        int len = 0;
        long x = v;
        do {
            digits[len++] = (byte) ('0' + x % 10);
            x /= 10;
        } while (x != 0);
        room(Math.max(width, len));
        for (int i = len; i < width; i++) {
            b[n++] = '0';
        }
        while (len > 0) {
            b[n++] = digits[--len];
        }
        return this;
    }

    @Override
    public String toString() {
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }
}
