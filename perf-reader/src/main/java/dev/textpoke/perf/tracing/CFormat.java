package dev.textpoke.perf.tracing;

/**
 * C's printf for one conversion ({@code %[flags][width][.precision][length]conv}), for the numbers
 * and strings of tracepoint formats: the value is first cast as libtraceevent casts it for the
 * length modifier ({@code print_arg_number}: hh char, h short, none int, l long, ll long long).
 */
final class CFormat {
    private CFormat() {}

    /** A parsed conversion spec; a width or precision of -2 is taken from the argument list ({@code *}). */
    record Spec(boolean left, boolean zero, boolean plus, boolean space, boolean alt, int width,
            int precision, char conv) {
        /** This spec with the {@code *} width or precision of one conversion applied. */
        Spec with(long star) {
            if (width != STAR && precision != STAR) {
                return this;
            }
            boolean l = left;
            int w = width;
            if (width == STAR) {
                w = (int) star;
                if (w < 0) {
                    l = true;
                    w = -w;
                }
            }
            return new Spec(l, zero, plus, space, alt, w, precision == STAR ? (int) Math.max(0, star) : precision, conv);
        }
    }

    private static final int STAR = -2;

    static Spec spec(String c) {
        boolean left = false;
        boolean zero = false;
        boolean plus = false;
        boolean space = false;
        boolean alt = false;
        int i = 1;
        for (; i < c.length(); i++) {
            char ch = c.charAt(i);
            if (ch == '-') {
                left = true;
            } else if (ch == '0') {
                zero = true;
            } else if (ch == '+') {
                plus = true;
            } else if (ch == ' ') {
                space = true;
            } else if (ch == '#') {
                alt = true;
            } else {
                break;
            }
        }
        int width = 0;
        if (i < c.length() && c.charAt(i) == '*') {
            width = STAR;
            i++;
        }
        while (i < c.length() && Character.isDigit(c.charAt(i))) {
            width = width * 10 + (c.charAt(i++) - '0');
        }
        int precision = -1;
        if (i < c.length() && c.charAt(i) == '.') {
            i++;
            precision = 0;
            if (i < c.length() && c.charAt(i) == '*') {
                precision = STAR;
                i++;
            }
            while (i < c.length() && Character.isDigit(c.charAt(i))) {
                precision = precision * 10 + (c.charAt(i++) - '0');
            }
        }
        return new Spec(left, zero, plus, space, alt, width, precision, c.charAt(c.length() - 1));
    }

    static void number(TraceText out, Spec spec, long starWidth, int ls, long raw) {
        Spec s = starWidth == Long.MIN_VALUE ? spec : spec.with(starWidth);
        if (s.width() == 0 && s.precision() < 0 && !s.plus() && !s.space() && !s.alt()) {
            // the common %d, %u, %x, %lu: no padding to work out, the digits straight out
            switch (s.conv()) {
                case 'd', 'i' -> {
                    out.decimal(ls == -2 ? (byte) raw : ls == -1 ? (short) raw : ls == 0 ? (int) raw : raw);
                    return;
                }
                case 'u' -> {
                    if (ls >= 1) {
                        out.unsigned(raw);
                    } else {
                        out.decimal(ls == -2 ? raw & 0xff : ls == -1 ? raw & 0xffff : raw & 0xffffffffL);
                    }
                    return;
                }
                case 'x' -> {
                    out.hex(ls >= 1 ? raw : ls == -2 ? raw & 0xff : ls == -1 ? raw & 0xffff : raw & 0xffffffffL);
                    return;
                }
                default -> { }
            }
        }
        out.text(number(s, ls, raw));
    }

    private static String number(Spec s, int ls, long raw) {
        long v;
        int bits;
        switch (ls) {
            case -2 -> { v = (byte) raw; bits = 8; }
            case -1 -> { v = (short) raw; bits = 16; }
            case 0 -> { v = (int) raw; bits = 32; }
            default -> { v = raw; bits = 64; }
        }
        long unsigned = bits == 64 ? v : v & ((1L << bits) - 1);
        String digits;
        String prefix = "";
        switch (s.conv()) {
            case 'd', 'i' -> {
                digits = Long.toString(Math.abs(v));
                if (v == Long.MIN_VALUE) {
                    digits = "9223372036854775808";
                }
                prefix = v < 0 ? "-" : s.plus() ? "+" : s.space() ? " " : "";
            }
            case 'u' -> digits = Long.toUnsignedString(unsigned);
            case 'x' -> {
                digits = Long.toHexString(unsigned);
                prefix = s.alt() && unsigned != 0 ? "0x" : "";
            }
            case 'X' -> {
                digits = Long.toHexString(unsigned).toUpperCase(java.util.Locale.ROOT);
                prefix = s.alt() && unsigned != 0 ? "0X" : "";
            }
            case 'o' -> {
                digits = Long.toOctalString(unsigned);
                prefix = s.alt() && unsigned != 0 ? "0" : "";
            }
            default -> digits = Long.toString(v);
        }
        if (s.precision() >= 0) {
            if (s.precision() == 0 && unsigned == 0 && v == 0) {
                digits = "";
            }
            while (digits.length() < s.precision()) {
                digits = "0" + digits;
            }
        }
        return pad(prefix, digits, s, s.zero() && !s.left() && s.precision() < 0);
    }

    static String string(Spec spec, long starWidth, String value) {
        Spec s = starWidth == Long.MIN_VALUE ? spec : spec.with(starWidth);
        String v = s.precision() >= 0 && value.length() > s.precision() ? value.substring(0, s.precision()) : value;
        return pad("", v, s, false);
    }

    private static String pad(String prefix, String body, Spec s, boolean zeros) {
        int n = prefix.length() + body.length();
        if (n >= s.width()) {
            return prefix + body;
        }
        String fill = (zeros ? "0" : " ").repeat(s.width() - n);
        if (s.left()) {
            return prefix + body + fill;
        }
        return zeros ? prefix + fill + body : fill + prefix + body;
    }
}
