package dev.textpoke.cli.format;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One output line as ASCII bytes, built without a String per field: the decoder prints millions
 * of lines, and most of each is text cached per instruction.
 */
public final class LineBuffer {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private byte[] buf = new byte[256];
    private int len;

    public LineBuffer clear() {
        len = 0;
        return this;
    }

    public int length() {
        return len;
    }

    public byte[] bytes() {
        return buf;
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }

    public LineBuffer append(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
        return this;
    }

    /** Appends a String's chars as Latin-1 (the output is ASCII: symbols and disassembly are). */
    public LineBuffer append(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[len++] = (byte) s.charAt(i);
        }
        return this;
    }

    public LineBuffer append(char c) {
        ensure(1);
        buf[len++] = (byte) c;
        return this;
    }

    /** Spaces up to column {@code column} (at least one space). */
    public LineBuffer padTo(int start, int column) {
        int target = start + column;
        do {
            append(' ');
        } while (len < target);
        return this;
    }

    /** {@code v} in lower-case hex, zero-padded to {@code digits}. */
    public LineBuffer hex(long v, int digits) {
        int n = Math.max(digits, (64 - Long.numberOfLeadingZeros(v) + 3) / 4);
        n = Math.max(n, 1);
        ensure(n);
        for (int i = n - 1; i >= 0; i--) {
            buf[len + i] = HEX[(int) (v & 0xf)];
            v >>>= 4;
        }
        len += n;
        return this;
    }

    /** {@code v} in decimal, at least {@code digits} wide with leading zeros. */
    public LineBuffer dec(long v, int digits) {
        if (v < 0) {
            return append(Long.toUnsignedString(v));
        }
        int n = 1;
        for (long t = v; t >= 10; t /= 10) {
            n++;
        }
        n = Math.max(n, digits);
        ensure(n);
        for (int i = n - 1; i >= 0; i--) {
            buf[len + i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        len += n;
        return this;
    }

    /** A perf time as perf script prints it with --ns: seconds, a dot, nine digits. */
    public LineBuffer perfTime(long ns) {
        if (ns < 0) {
            return append(PerfTime.format(ns));
        }
        return dec(ns / 1_000_000_000L, 1).append('.').dec(ns % 1_000_000_000L, 9);
    }

    /** A JSON string literal of ASCII text with the escapes JSON needs. */
    public LineBuffer jsonString(String s) {
        append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                append("\\u").hex(c, 4);
            } else {
                append(c);
            }
        }
        return append('"');
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    @Override
    public String toString() {
        return new String(buf, 0, len, StandardCharsets.ISO_8859_1);
    }
}
