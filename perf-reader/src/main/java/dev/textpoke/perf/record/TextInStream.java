package dev.textpoke.perf.record;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Text where a record header should be: a pipe captured with {@code perf record -o - ... > f 2>&1}
 * ends with perf record's own messages ("[ perf record: Woken up 1 times to write data ]"), and a
 * file can be a text file by mistake. No record header is text: its type is the first four bytes,
 * and a type of four printable bytes is at least 0x20202020, none that perf or simpleperf write.
 * Naming the text tells the user what happened; "a record of type 1701847131" does not.
 */
final class TextInStream {
    /** How much of the line a message quotes. */
    static final int QUOTED = 60;

    private TextInStream() {}

    /**
     * The first line of the text at {@code p} (at most {@link #QUOTED} characters, of the {@code
     * available} bytes there) when the 8 bytes of a record header there are all printable ASCII or
     * white space; else null.
     */
    static String lineAt(ByteBuffer b, int p, int available) {
        if (available < RecordHeader.BYTES) {
            return null;
        }
        for (int i = 0; i < RecordHeader.BYTES; i++) {
            if (!printable(b.get(p + i))) {
                return null;
            }
        }
        int n = 0;
        while (n < Math.min(available, QUOTED) && printable(b.get(p + n)) && b.get(p + n) != '\n') {
            n++;
        }
        byte[] line = new byte[n];
        b.get(p, line);
        return new String(line, StandardCharsets.US_ASCII).strip();
    }

    private static boolean printable(byte c) {
        return c >= 0x20 && c < 0x7f || c == '\t' || c == '\n' || c == '\r';
    }
}
