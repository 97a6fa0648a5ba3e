package dev.textpoke.perf.tracing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Every field of an event as {@code name=value}, as libtraceevent prints an event whose format it
 * could not parse ({@code tep_print_fields}, {@code tep_print_field}).
 */
final class FieldText {
    private FieldText() {}

    static String fields(EventFormat e, byte[] raw, ByteOrder order, int longSize) {
        StringBuilder sb = new StringBuilder();
        ByteBuffer b = ByteBuffer.wrap(raw).order(order);
        for (FormatField f : e.fields()) {
            sb.append(' ').append(f.name()).append('=');
            field(sb, f, raw, b);
        }
        return sb.toString();
    }

    private static void field(StringBuilder sb, FormatField f, byte[] raw, ByteBuffer b) {
        if (f.array()) {
            int offset = f.offset();
            int len = f.size();
            if (f.isDynamic()) {
                long v = read(b, raw, offset, len);
                offset = (int) (v & 0xffff);
                len = (int) (v >>> 16 & 0xffff);
                if (f.isRelative()) {
                    offset += f.offset() + f.size();
                }
            }
            if (f.isString() && printable(raw, offset, len)) {
                // a damaged __data_loc may point past the record: nothing of it is there to print
                int from = Math.min(offset, raw.length);
                int end = from;
                while (end < raw.length && raw[end] != 0) {
                    end++;
                }
                sb.append(new String(raw, from, Math.max(0, end - from), StandardCharsets.ISO_8859_1));
            } else {
                sb.append("ARRAY[");
                for (int i = 0; i < len && offset + i < raw.length; i++) {
                    if (i > 0) {
                        sb.append(", ");
                    }
                    sb.append(String.format("%02x", raw[offset + i] & 0xff));
                }
                sb.append(']');
            }
            return;
        }
        long v = read(b, raw, f.offset(), f.size());
        if (f.isPointer()) {
            sb.append("0x").append(Long.toHexString(v));
        } else if (f.signed()) {
            switch (f.size()) {
                case 4 -> sb.append(f.isLong() ? "0x" + Integer.toHexString((int) v) : Integer.toString((int) v));
                case 2 -> sb.append(String.format("%2d", (short) v));
                case 1 -> sb.append((byte) v);
                default -> sb.append(v);
            }
        } else if (f.isLong()) {
            sb.append("0x").append(Long.toHexString(v));
        } else {
            sb.append(Long.toUnsignedString(v));
        }
    }

    private static boolean printable(byte[] raw, int offset, int len) {
        for (int i = 0; i < len && offset + i < raw.length && raw[offset + i] != 0; i++) {
            int c = raw[offset + i] & 0xff;
            if (!(c >= 0x20 && c < 0x7f) && !(c == ' ' || (c >= 9 && c <= 13))) {
                return false;
            }
        }
        return true;
    }

    private static long read(ByteBuffer b, byte[] raw, int offset, int size) {
        if (offset < 0 || offset + size > raw.length) {
            return 0;
        }
        return switch (size) {
            case 1 -> raw[offset] & 0xffL;
            case 2 -> b.getShort(offset) & 0xffffL;
            case 4 -> b.getInt(offset) & 0xffffffffL;
            case 8 -> b.getLong(offset);
            default -> 0;
        };
    }
}
