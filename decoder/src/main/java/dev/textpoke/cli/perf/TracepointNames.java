package dev.textpoke.cli.perf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code system:name} of each tracepoint id, read from perf's tracing data (the TRACING_DATA
 * feature, or the payload of a pipe's HEADER_TRACING_DATA record): perf names a tracepoint event
 * so when the file gives no name (tools/perf/util/trace-event-read.c, {@code trace_report}).
 *
 * <p>Layout: {@code "\x17\x08Dtracing"}, a version string, a byte saying big-endian, a byte of
 * long size, u32 page size; "header_page" and "header_event", each a u64 size and text; u32
 * count of ftrace formats, each u64 size and text; u32 count of systems, each a NUL-terminated
 * name, u32 count of formats, each u64 size and text. A format text holds {@code name: N} and
 * {@code ID: I}. Anything unexpected ends the reading: names are a convenience, not data.
 */
final class TracepointNames {
    private static final byte[] MAGIC = {0x17, 0x08, 'D', 't', 'r', 'a', 'c', 'i', 'n', 'g'};
    private static final Pattern NAME = Pattern.compile("^name: (\\S+)$", Pattern.MULTILINE);
    private static final Pattern ID = Pattern.compile("^ID: (\\d+)$", Pattern.MULTILINE);

    private TracepointNames() {}

    /** Tracepoint id to {@code system:name}; empty when the bytes are not tracing data. */
    static Map<Long, String> parse(byte[] data) {
        Map<Long, String> names = new HashMap<>();
        try {
            ByteBuffer b = ByteBuffer.wrap(data);
            for (byte m : MAGIC) {
                if (b.get() != m) {
                    return names;
                }
            }
            while (b.get() != 0) {
                // version string
            }
            b.order(b.get() != 0 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            b.get(); // long size
            b.getInt(); // page size
            skipNamed(b, "header_page");
            skipNamed(b, "header_event");
            long ftrace = Integer.toUnsignedLong(b.getInt());
            for (long i = 0; i < ftrace; i++) {
                text(b);
            }
            long systems = Integer.toUnsignedLong(b.getInt());
            for (long s = 0; s < systems; s++) {
                String system = cString(b);
                long formats = Integer.toUnsignedLong(b.getInt());
                for (long f = 0; f < formats; f++) {
                    String format = text(b);
                    Matcher n = NAME.matcher(format);
                    Matcher id = ID.matcher(format);
                    if (n.find() && id.find()) {
                        names.put(Long.parseLong(id.group(1)), system + ":" + n.group(1));
                    }
                }
            }
        } catch (RuntimeException e) {
            // BufferUnderflow, bad sizes: keep what was read
        }
        return names;
    }

    private static void skipNamed(ByteBuffer b, String name) {
        if (!cString(b).equals(name)) {
            throw new IllegalArgumentException(name);
        }
        text(b);
    }

    /** u64 size, then that many bytes of text. */
    private static String text(ByteBuffer b) {
        long size = b.getLong();
        if (size < 0 || size > b.remaining()) {
            throw new IllegalArgumentException("size");
        }
        String s = new String(data(b, (int) size), StandardCharsets.ISO_8859_1);
        return s;
    }

    private static byte[] data(ByteBuffer b, int n) {
        byte[] out = new byte[n];
        b.get(out);
        return out;
    }

    private static String cString(ByteBuffer b) {
        int start = b.position();
        while (b.get() != 0) {
            // up to the NUL
        }
        return new String(b.array(), start, b.position() - start - 1, StandardCharsets.ISO_8859_1);
    }
}
