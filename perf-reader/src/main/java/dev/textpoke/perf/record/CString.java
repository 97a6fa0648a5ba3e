package dev.textpoke.perf.record;

import dev.textpoke.io.Bytes;
import java.nio.charset.StandardCharsets;

/**
 * A NUL-terminated string field as written: the bytes of the field, terminator and padding
 * included, so that a record can be written back exactly. {@link #text()} is the string.
 */
public record CString(Bytes field) {
    public CString {
        field = field == null ? Bytes.EMPTY : field;
    }

    /** A field holding {@code s}, its NUL and zero padding up to a multiple of {@code align}. */
    public static CString of(String s, int align) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        int n = (b.length + 1 + align - 1) / align * align;
        byte[] f = new byte[n];
        System.arraycopy(b, 0, f, 0, b.length);
        return new CString(Bytes.wrapOwned(f));
    }

    /** The string up to its first NUL (all of the field when it has none), as UTF-8. */
    public String text() {
        int n = 0;
        while (n < field.length() && field.get(n) != 0) {
            n++;
        }
        return new String(field.slice(0, n).toArray(), StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return text();
    }
}
